"""The vendor's sealed-bid page per tender (issue 5 items 2-4): per envelope the published
public keys' fingerprints, the upload deadline in the LPSE's zone with the advice to start
early, the browser sealing and upload widget, the version history with receipts (PDF, JSON,
the sealed file back) and withdrawal. Thin views: the rules live in bids.services.uploads /
.submissions, visibility in bids.selectors_submissions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openlpse.bids import sealedfile
from openlpse.bids import selectors_submissions as selectors
from openlpse.bids.api_submissions import receipt_pdf_response, sealed_response
from openlpse.bids.models import Submission, Upload
from openlpse.bids.permissions_submissions import bidder_for, own_vendor_ids
from openlpse.bids.services import submissions as services
from openlpse.bids.services.uploads import max_bytes, upload_action, upload_deadline
from openlpse.core import clock, errors
from openlpse.core.forms import error_status
from openlpse.core.pages import backoffice
from openlpse.core.storage import content_disposition
from openlpse.tenders import windows
from openlpse.tenders.enums import Envelope
from openlpse.tenders.models import Tender

WIDGET = "bids/widgets/bid_upload.html"


def _widget_ready() -> bool:
    try:
        get_template(WIDGET)
    except TemplateDoesNotExist:
        return False
    return True


def _iso(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def upload_config(request: HttpRequest, tender: Tender, keys: Any, bidder: str) -> dict[str, Any]:
    """The `bid_upload` widget's config (brief: exactly these keys)."""
    deadline = upload_deadline(tender, keys.envelope)
    receipt = reverse(
        "bids:bid_upload_receipt",
        kwargs={"code": tender.code, "upload_id": "00000000-0000-0000-0000-000000000000"},
    ).replace("00000000-0000-0000-0000-000000000000", "{id}")
    return {
        "tender": tender.code,
        "envelope": keys.envelope,
        "bidder": bidder,
        "committee_public": keys.committee_public,
        "system_public": keys.system_public,
        "committee_kid": keys.committee_kid,
        "system_kid": keys.system_kid,
        "chunk_size": sealedfile.DEFAULT_CHUNK,
        "max_bytes": max_bytes(),
        "accepted": ["pdf", "zip"],
        "tus_endpoint": "/api/v1/uploads/",
        "finalize_url_template": "/api/v1/uploads/{id}/finalize",
        "deadline": _iso(deadline),
        "time_zone": tender.lpse.time_zone,
        "csrf_token": get_token(request),
        "receipt_url_template": receipt,
    }


def _page_context(request: HttpRequest, tender: Tender) -> dict[str, Any]:
    bidder = bidder_for(request.user, tender)
    now = clock.now()
    versions = list(selectors.vendor_submissions(tender=tender, vendor=bidder.vendor))
    widget = _widget_ready()
    envelopes = []
    for keys in selectors.envelope_keys(tender=tender):
        deadline = upload_deadline(tender, keys.envelope)
        open_stage = windows.open_stage_for(tender, upload_action(keys.envelope), now)
        envelopes.append(
            {
                "keys": keys,
                "label": Envelope(keys.envelope).label,
                "committee_fingerprint": sealedfile.format_fingerprint(keys.committee_fingerprint),
                "system_fingerprint": sealedfile.format_fingerprint(keys.system_fingerprint)
                if keys.system_fingerprint
                else "",
                "deadline": deadline,
                "open": open_stage is not None and tender.status == "announced",
                "config": upload_config(request, tender, keys, str(bidder.vendor.pk)),
                "versions": [v for v in versions if v.envelope == keys.envelope],
                "effective": next(
                    (v for v in versions if v.envelope == keys.envelope and v.is_effective), None
                ),
            }
        )
    return {
        "tender": tender,
        "vendor": bidder.vendor,
        "envelopes": envelopes,
        "widget_ready": widget,
    }


def _tender(request: HttpRequest, code: str) -> Tender:
    return selectors.access_tender_by_code(user=request.user, code=code)


def _refused(request: HttpRequest, error: errors.DomainError) -> HttpResponse:
    return render(
        request,
        "bids/vendor_refused.html",
        {"message": str(error.message)},
        status=error_status(error),
    )


@backoffice
@require_GET
def bid_vendor(request: HttpRequest, code: str) -> HttpResponse:
    tender = _tender(request, code)
    try:
        context = _page_context(request, tender)
    except errors.PermissionDenied as error:
        return _refused(request, error)
    return render(request, "bids/vendor_bids.html", context)


@backoffice
@require_POST
def bid_withdraw(request: HttpRequest, code: str, envelope: str) -> HttpResponse:
    tender = _tender(request, code)
    try:
        submission = services.submission_withdraw(
            actor=request.user, tender=tender, envelope=envelope
        )
    except errors.PermissionDenied as error:
        return _refused(request, error)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        return redirect("bids:bid_vendor", code=tender.code)
    messages.success(
        request,
        _(
            "Your bid (receipt %(number)s) was withdrawn. You may upload a new one until the "
            "deadline."
        )
        % {"number": submission.receipt_number},
    )
    return redirect("bids:bid_vendor", code=tender.code)


def _own(request: HttpRequest, code: str, submission_id: int) -> Submission:
    submission = selectors.access_own_submission(user=request.user, submission_id=submission_id)
    if submission.tender.code != code:
        raise errors.NotFound()
    return submission


@backoffice
@require_GET
def bid_receipt_pdf(request: HttpRequest, code: str, submission_id: int) -> HttpResponse:
    return receipt_pdf_response(request, _own(request, code, submission_id))


@backoffice
@require_GET
def bid_receipt_json(request: HttpRequest, code: str, submission_id: int) -> HttpResponse:
    submission = _own(request, code, submission_id)
    body = json.dumps(services.receipt_document(submission), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{submission.receipt_number}.json")
    return response


@backoffice
@require_GET
def bid_sealed(request: HttpRequest, code: str, submission_id: int) -> HttpResponseBase:
    return sealed_response(_own(request, code, submission_id))


@backoffice
@require_GET
def bid_upload_receipt(request: HttpRequest, code: str, upload_id: str) -> HttpResponse:
    """The widget's link after finalize: the receipt PDF of the upload's submission."""
    upload = Upload.objects.filter(pk=upload_id, vendor_id__in=own_vendor_ids(request.user)).first()
    submission = Submission.objects.filter(upload=upload).first() if upload else None
    if submission is None or upload is None or upload.tender.code != code:
        raise Http404
    return redirect("bids:bid_receipt_pdf", code=code, submission_id=submission.pk)
