"""Qualification submissions in the JSON API (issue 5 item 5). Token only; the rules are those
of bids.services.qualification, visibility that of bids.selectors_qualification: the vendor
sees its own versions always, the tender's committee the effective ones after the window
closed, nobody else (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile

import openlpse.bids.documents_kinds_qualification  # noqa: F401  (registers the document kind)
from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.bids import selectors_qualification as selectors
from openlpse.bids.models import QualificationSubmission
from openlpse.bids.services import qualification as services
from openlpse.core.api_errors import error_responses

router = Router(tags=["Qualification submissions"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


class DocumentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


class QualificationOut(Schema):
    id: int
    tender: str
    vendor: int
    vendor_name: str
    version: int
    snapshot_sha256: str = Field(
        description="SHA-256 of the RFC 8785 canonical JSON of `snapshot`."
    )
    snapshot: dict[str, Any]
    documents: list[DocumentOut]
    submitted_at: dt.datetime
    is_effective: bool
    withdrawn_at: dt.datetime | None


def _out(row: QualificationSubmission) -> dict[str, Any]:
    return {
        "id": row.pk,
        "tender": row.tender.code,
        "vendor": row.vendor_id,
        "vendor_name": row.vendor.name,
        "version": row.version,
        "snapshot_sha256": row.snapshot_sha256,
        "snapshot": row.snapshot,
        "documents": [
            {"id": d.pk, "name": d.original_name, "size": d.size, "sha256": d.sha256}
            for d in row.documents.all()
        ],
        "submitted_at": row.submitted_at,
        "is_effective": row.is_effective,
        "withdrawn_at": row.withdrawn_at,
    }


@router.get(
    "/vendor/tenders/{code}/qualification",
    response={200: list[QualificationOut], **error_responses(401, 404)},
    summary="My company's qualification submissions for a tender (every version)",
    auth=token_auth,
)
def vendor_qualifications(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    tender = selectors.tender_by_code(code)
    vendor = selectors.vendor_for_page(user=_user(request))
    return [_out(row) for row in selectors.vendor_versions(vendor=vendor, tender=tender)]


@router.post(
    "/vendor/tenders/{code}/qualification",
    response={201: QualificationOut, **error_responses(400, 401, 403, 404, 409, 413, 415)},
    summary="Freeze and send my company's qualification data (a new version)",
    auth=token_auth,
)
def vendor_qualification_submit(
    request: HttpRequest,
    code: str,
    documents: File[list[UploadedFile]] = [],  # noqa: B006
) -> Status[Any]:
    """Freezes the company's data tabs now (canonical JSON, SHA-256) with the uploaded
    documents; replaces the effective version. Only inside the submission window."""
    tender = selectors.tender_by_code(code)
    row = services.qualification_submit(
        actor=_user(request), tender=tender, documents=list(documents)
    )
    return Status(201, _out(row))


@router.post(
    "/vendor/tenders/{code}/qualification/withdraw",
    response={200: QualificationOut, **error_responses(401, 403, 404, 409)},
    summary="Withdraw my company's effective qualification submission",
    auth=token_auth,
)
def vendor_qualification_withdraw(request: HttpRequest, code: str) -> dict[str, Any]:
    tender = selectors.tender_by_code(code)
    return _out(services.qualification_withdraw(actor=_user(request), tender=tender))


@router.get(
    "/committee/tenders/{code}/qualification",
    response={200: list[QualificationOut], **error_responses(401, 404)},
    summary="The effective qualification submissions (committee, after the window closed)",
    auth=token_auth,
)
def committee_qualifications(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    tender = selectors.tender_by_code(code)
    return [
        _out(row) for row in selectors.committee_qualifications(user=_user(request), tender=tender)
    ]
