"""Qualification submission pages (issue 5 item 5): the vendor's page under
`penyedia/tender/<code>/kualifikasi/` (the data that will be frozen, the upload form, the
versions with their hashes) and the committee's list under `tender/kelola/<code>/kualifikasi/`
(the effective submissions, after the window closed). Thin views: rules in
bids.services.qualification, visibility in bids.selectors_qualification."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import openlpse.bids.documents_kinds_qualification  # noqa: F401  (registers the document kind)
from openlpse.bids import selectors_qualification as selectors
from openlpse.bids.services import qualification as services
from openlpse.core import errors
from openlpse.core.forms import error_status
from openlpse.core.pages import acting_user, backoffice
from openlpse.core.storage import file_response
from openlpse.tenders.models import Participant
from openlpse.vendors.data_tabs import TABS
from openlpse.vendors.models import Vendor


def _label(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _identity_rows(snapshot: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(_label(Vendor, name), value) for name, value in snapshot["identity"].items()]


def _tab_sections(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot as labelled sections for the page (tabs in the order of the data tabs):
    column labels, and each row's values in column order."""
    sections = []
    for tab in TABS:
        if tab.model is None:
            continue
        rows = snapshot["tabs"].get(tab.slug, [])
        sections.append(
            {
                "slug": tab.slug,
                "label": tab.label,
                "columns": [_label(tab.model, name) for name in tab.fields],
                "rows": [
                    {"values": [row.get(name) for name in tab.fields], "file": row.get("file")}
                    for row in rows
                ],
            }
        )
    return sections


@backoffice
@require_http_methods(["GET", "POST"])
def qual_vendor(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.tender_by_code(code)
    vendor = selectors.vendor_for_page(user=user)
    status = 200
    if request.method == "POST":
        try:
            services.qualification_submit(
                actor=user,
                tender=tender,
                documents=request.FILES.getlist("documents"),
                keep_document_ids=[int(x) for x in request.POST.getlist("keep") if x.isdigit()],
            )
        except errors.DomainError as error:
            if isinstance(error, errors.NotFound):
                raise
            messages.error(request, str(error.message))
            status = error_status(error)
        else:
            messages.success(
                request,
                _("Your qualification data was frozen and sent. Its SHA-256 is shown below."),
            )
            return redirect("bids:qual_vendor", code=tender.code)
    snapshot = services.qualification_snapshot(vendor=vendor, tender=tender)
    versions = list(selectors.vendor_versions(vendor=vendor, tender=tender))
    effective = next((v for v in versions if v.is_effective), None)
    context = {
        "tender": tender,
        "vendor": vendor,
        "participant": Participant.objects.filter(tender=tender, vendor=vendor).first(),
        "window": selectors.qualification_window(tender),
        "window_open": selectors.window_open(tender),
        "identity": _identity_rows(snapshot),
        "sections": _tab_sections(snapshot),
        "current_sha256": services.snapshot_sha256(snapshot),
        "versions": versions,
        "effective": effective,
        "effective_changed": effective is not None
        and effective.snapshot_sha256 != services.snapshot_sha256(snapshot),
        "max_documents": services.MAX_DOCUMENTS,
    }
    return render(request, "bids/qual_vendor.html", context, status=status)


@backoffice
@require_POST
def qual_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.tender_by_code(code)
    selectors.vendor_for_page(user=user)
    try:
        services.qualification_withdraw(actor=user, tender=tender)
    except errors.DomainError as error:
        if isinstance(error, errors.NotFound):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your qualification submission was withdrawn."))
    return redirect("bids:qual_vendor", code=tender.code)


@backoffice
@require_GET
def qual_document(request: HttpRequest, submission_id: int, document_id: int) -> HttpResponseBase:
    document = selectors.access_qualification_document(
        user=request.user, submission_id=submission_id, document_id=document_id
    )
    return file_response(stored_file=document)


@backoffice
@require_GET
def qual_snapshot(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The frozen data as canonical JSON (its SHA-256 is the one shown on the pages)."""
    submission = selectors.access_qualification(user=request.user, submission_id=submission_id)
    response = HttpResponse(
        services.canonical(submission.snapshot), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="kualifikasi-{submission.tender.code}-v{submission.version}.json"'
    )
    return response


@backoffice
@require_GET
def qual_committee(request: HttpRequest, code: str) -> HttpResponse:
    tender = selectors.tender_by_code(code)
    rows = list(selectors.committee_qualifications(user=request.user, tender=tender))
    context = {
        "tender": tender,
        "window": selectors.qualification_window(tender),
        "closed": selectors.window_closed(tender),
        "rows": [
            {
                "submission": row,
                "identity": row.snapshot.get("identity", {}),
                "counts": {
                    slug: len(items) for slug, items in row.snapshot.get("tabs", {}).items()
                },
                "snapshot_json": json.dumps(row.snapshot, indent=2, ensure_ascii=False),
            }
            for row in rows
        ],
        "tabs": [tab for tab in TABS if tab.model is not None],
    }
    return render(request, "bids/qual_committee.html", context)
