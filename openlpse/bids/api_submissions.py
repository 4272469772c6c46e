"""Sealed bids in the JSON API (issue 5 item 4), for the vendor's people with an API token.
The bytes themselves go through the tus endpoints at /api/v1/uploads/ (see bids.tus).

    GET  /vendor/tenders/{code}/sealing                      what a client needs to seal
    GET  /vendor/tenders/{code}/submissions                  own versions with receipts
    POST /vendor/tenders/{code}/submissions/{envelope}/withdraw
    GET  /submissions/{id}/receipt                           the signed receipt document
    GET  /submissions/{id}/receipt.pdf                       the receipt as a PDF
    GET  /submissions/{id}/sealed                            the stored sealed bytes (owner)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema

from openlpse.accounts.api_auth import token_auth
from openlpse.bids import receipt_pdf, sealedfile
from openlpse.bids import selectors_submissions as selectors
from openlpse.bids.models import Submission
from openlpse.bids.permissions_submissions import bidder_for
from openlpse.bids.services import submissions as services
from openlpse.bids.services.uploads import max_bytes, upload_deadline
from openlpse.core.api_errors import error_responses
from openlpse.core.storage import content_disposition

router = Router(tags=["Sealed bids"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


class SubmissionOut(Schema):
    id: int
    tender_code: str
    envelope: str
    version: int
    file_name: str
    size: int
    sha256: str = Field(description="SHA-256 of the sealed file (ciphertext), hex.")
    received_at: dt.datetime
    receipt_number: str
    is_effective: bool
    replaced_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    receipt: dict[str, Any] = Field(description="The signed receipt document.")

    @staticmethod
    def resolve_tender_code(obj: Submission) -> str:
        return obj.tender.code

    @staticmethod
    def resolve_receipt(obj: Submission) -> dict[str, Any]:
        return services.receipt_document(obj)


class SealingEnvelopeOut(Schema):
    envelope: str
    committee_public: str
    committee_kid: str
    committee_fingerprint: str
    system_public: str
    system_kid: str
    system_fingerprint: str
    window_end: dt.datetime | None


class SealingOut(Schema):
    tender: str
    bidder: str = Field(description="The header's bidder field: your vendor id.")
    chunk_size: int
    max_bytes: int
    tus_endpoint: str
    envelopes: list[SealingEnvelopeOut]


@router.get(
    "/vendor/tenders/{code}/sealing",
    response={200: SealingOut, **error_responses(401, 403, 404)},
    summary="The keys and parameters to seal a bid for a tender",
    auth=token_auth,
)
def vendor_sealing(request: HttpRequest, code: str) -> dict[str, Any]:
    """Per envelope the committee and system public keys (base64 of the 65-byte point) with
    their key ids and fingerprints, and the upload window's end (server clock)."""
    user = _user(request)
    tender = selectors.access_tender_by_code(user=user, code=code)
    bidder = bidder_for(user, tender)
    return {
        "tender": tender.code,
        "bidder": str(bidder.vendor.pk),
        "chunk_size": sealedfile.DEFAULT_CHUNK,
        "max_bytes": max_bytes(),
        "tus_endpoint": "/api/v1/uploads/",
        "envelopes": [
            {
                "envelope": keys.envelope,
                "committee_public": keys.committee_public,
                "committee_kid": keys.committee_kid,
                "committee_fingerprint": keys.committee_fingerprint,
                "system_public": keys.system_public,
                "system_kid": keys.system_kid,
                "system_fingerprint": keys.system_fingerprint,
                "window_end": upload_deadline(tender, keys.envelope),
            }
            for keys in selectors.envelope_keys(tender=tender)
        ],
    }


@router.get(
    "/vendor/tenders/{code}/submissions",
    response={200: list[SubmissionOut], **error_responses(401, 403, 404)},
    summary="My company's sealed bids in a tender (every version)",
    auth=token_auth,
)
def vendor_submissions(request: HttpRequest, code: str) -> list[Submission]:
    user = _user(request)
    tender = selectors.access_tender_by_code(user=user, code=code)
    bidder = bidder_for(user, tender)
    rows = list(selectors.vendor_submissions(tender=tender, vendor=bidder.vendor))
    for row in rows:
        row.tender = tender
    return rows


@router.post(
    "/vendor/tenders/{code}/submissions/{envelope}/withdraw",
    response={200: SubmissionOut, **error_responses(401, 403, 404, 409)},
    summary="Withdraw my company's bid in force (before the deadline)",
    auth=token_auth,
)
def vendor_withdraw(request: HttpRequest, code: str, envelope: str) -> Submission:
    user = _user(request)
    tender = selectors.access_tender_by_code(user=user, code=code)
    submission = services.submission_withdraw(actor=user, tender=tender, envelope=envelope)
    submission.tender = tender
    return submission


@router.get(
    "/submissions/{submission_id}/receipt",
    response={200: dict[str, Any], **error_responses(401, 404)},
    summary="The signed receipt document of a submission",
    auth=token_auth,
)
def submission_receipt(request: HttpRequest, submission_id: int) -> JsonResponse:
    submission = selectors.access_submission(user=_user(request), submission_id=submission_id)
    return JsonResponse(services.receipt_document(submission))


@router.get(
    "/submissions/{submission_id}/receipt.pdf",
    response={200: None, **error_responses(401, 404)},
    summary="The receipt as a PDF",
    auth=token_auth,
)
def submission_receipt_pdf(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.access_submission(user=_user(request), submission_id=submission_id)
    return receipt_pdf_response(request, submission)


def receipt_pdf_response(request: HttpRequest, submission: Submission) -> HttpResponse:
    document = services.receipt_document(submission)
    data = receipt_pdf.receipt_pdf(document, site_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{submission.receipt_number}.pdf")
    return response


@router.get(
    "/submissions/{submission_id}/sealed",
    response={200: None, **error_responses(401, 404)},
    summary="Download the stored sealed file (your own company's only)",
    auth=token_auth,
)
def submission_sealed(request: HttpRequest, submission_id: int) -> FileResponse:
    submission = selectors.access_own_submission(user=_user(request), submission_id=submission_id)
    return sealed_response(submission)


def sealed_response(submission: Submission) -> FileResponse:
    response = FileResponse(
        services.open_stored(submission), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(f"{submission.receipt_number}.lpsebid")
    response["Content-Length"] = str(submission.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = submission.sha256
    return response
