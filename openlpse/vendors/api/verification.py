"""Verification decisions over the JSON API (issue 3 item 10): the queue of the token user's
LPSEs, one request, approve and reject. A request of another LPSE answers 404, as a missing
one does."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models import User
from openlpse.core import clock, errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.vendors import selectors_verification as queue
from openlpse.vendors.models import VerificationRequest
from openlpse.vendors.selectors_registration import IDENTITY_FIELDS
from openlpse.vendors.services import verification as services

router = Router(auth=token_auth, tags=["Vendor verification"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


# --- schemas -------------------------------------------------------------------------------------


class QueueParams(Schema):
    status: Literal["pending", "approved", "rejected", "withdrawn", "all"] = Field(
        "pending", description="Requests with this status; `all` for every status."
    )
    kind: Literal["", "registration", "identity_change"] = Field(
        "", description="Only this kind of request; empty for both."
    )
    lpse: str = Field("", description="Slug of one of your LPSEs; empty for all of them.")
    q: str = Field("", max_length=100, description="Company name, NPWP or NIB contains.")


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    lpse: str = Field(description="Slug of the LPSE whose unit decides the request.")
    vendor_id: int
    vendor_name: str
    npwp: str
    nib: str
    submitted_at: dt.datetime
    waiting_hours: int = Field(
        description="Whole hours the request waited: until now, or until the decision."
    )
    decided_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    kind: str
    version: int
    number: str
    issuer: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    file_name: str
    content_type: str
    size: int
    sha256: str


class ChecklistItemOut(Schema):
    item: str = Field(description="`identity`, or a document kind.")
    label: str
    document_id: int | None


class ReviewOut(Schema):
    item: str
    accepted: bool
    reason: str
    document_id: int | None


class BlacklistOut(Schema):
    company: str
    ends_on: dt.date
    reason: str
    decided_by: str


class RequestDetailOut(RequestOut):
    identity: dict[str, str] = Field(description="The company's identity data in force.")
    proposed: dict[str, str] = Field(description="Identity change: the proposed new values.")
    documents: list[DocumentOut]
    checklist: list[ChecklistItemOut]
    reviews: list[ReviewOut] = Field(description="The findings of a decided request.")
    blacklist: BlacklistOut | None = Field(description="The blacklist entry in force, if any.")
    decided_by: str | None
    decision_note: str


class ApproveIn(InputSchema):
    note: str = Field("", max_length=2000, description="Optional note sent to the vendor.")


class ReviewIn(InputSchema):
    item: str = Field(max_length=20, description="A checklist item: `identity` or a document.")
    accepted: bool
    reason: str = Field("", max_length=2000, description="Required when not accepted.")


class RejectIn(InputSchema):
    reviews: list[ReviewIn] = Field(min_length=1)
    note: str = Field("", max_length=2000)


def _summary(vreq: VerificationRequest) -> dict[str, Any]:
    vendor = vreq.vendor
    return {
        "id": vreq.pk,
        "kind": vreq.kind,
        "status": vreq.status,
        "lpse": vreq.lpse.slug,
        "vendor_id": vendor.pk,
        "vendor_name": vendor.name,
        "npwp": vendor.npwp,
        "nib": vendor.nib,
        "submitted_at": vreq.submitted_at,
        "waiting_hours": int(queue.waiting_time(vreq, now=clock.now()).total_seconds() // 3600),
        "decided_at": vreq.decided_at,
    }


def _detail(vreq: VerificationRequest) -> dict[str, Any]:
    documents = queue.request_documents(vreq)
    items = queue.checklist(vreq, documents)
    vendor = vreq.vendor
    entry = queue.blacklist_entry_for_request(vreq)
    return {
        **_summary(vreq),
        "identity": {f: str(getattr(vendor, f) or "") for f in IDENTITY_FIELDS},
        "proposed": {k: str(v) for k, v in queue.proposed_changes(vreq).items()},
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "version": d.version,
                "number": d.number,
                "issuer": d.issuer,
                "issued_on": d.issued_on,
                "valid_until": d.valid_until,
                "file_name": d.file.original_name,
                "content_type": d.file.content_type,
                "size": d.file.size,
                "sha256": d.file.sha256,
            }
            for d in documents.values()
        ],
        "checklist": [
            {
                "item": i.key,
                "label": str(i.label),
                "document_id": i.document.pk if i.document else None,
            }
            for i in items
        ],
        "reviews": [
            {
                "item": r.item,
                "accepted": r.accepted,
                "reason": r.reason,
                "document_id": r.document_id,
            }
            for r in vreq.reviews.order_by("pk")
        ],
        "blacklist": (
            {
                "company": entry.company_name,
                "ends_on": entry.ends_on,
                "reason": entry.reason,
                "decided_by": entry.agency_name or entry.lpse.name,
            }
            if entry
            else None
        ),
        "decided_by": vreq.decided_by.display_name if vreq.decided_by else None,
        "decision_note": vreq.decision_note,
    }


# --- endpoints -----------------------------------------------------------------------------------


@router.get(
    "/verification/requests",
    response={200: CursorPage[RequestOut], **error_responses(400, 401, 403, 404)},
    summary="The verification queue of your LPSEs",
)
def request_list(
    request: HttpRequest, filters: Query[QueueParams], params: Query[PageParams]
) -> dict[str, Any]:
    """Requests of the LPSEs where you are verifikator, the oldest first."""
    user = _user(request)
    lpses = queue.verifikator_lpses(user)
    if not lpses:
        raise errors.PermissionDenied(
            _("Only the Registration and Verification Unit of an LPSE sees the verification queue.")
        )
    lpse_id = None
    if filters.lpse:
        match = [x for x in lpses if x.slug == filters.lpse]
        if not match:
            raise errors.NotFound()
        lpse_id = match[0].pk
    qs = queue.verification_request_list_visible(
        user=user, status=filters.status, kind=filters.kind, lpse_id=lpse_id, query=filters.q
    )
    page = paginate(qs, order_by="submitted_at", cursor=params.cursor, limit=params.limit)
    return {"items": [_summary(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/verification/requests/{request_id}",
    response={200: RequestDetailOut, **error_responses(401, 404)},
    summary="One verification request",
)
def request_detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    vreq = queue.access_verification_request(user=_user(request), request_id=request_id)
    return _detail(vreq)


@router.post(
    "/verification/requests/{request_id}/approve",
    response={200: RequestDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Approve a verification request",
)
def request_approve(request: HttpRequest, request_id: int, payload: ApproveIn) -> dict[str, Any]:
    """Every checklist item is accepted. A registration makes the vendor verified for every
    LPSE and its registrant the vendor's administrator; an identity change applies the new
    values. Refused (403 `verifier_conflict`) when you are linked to the company, (403
    `blacklisted`) for a blacklisted company, (409) when already decided."""
    user = _user(request)
    vreq = queue.access_verification_request(user=user, request_id=request_id)
    decided = services.verification_approve(actor=user, request=vreq, note=payload.note)
    return _detail(queue.access_verification_request(user=user, request_id=decided.pk))


@router.post(
    "/verification/requests/{request_id}/reject",
    response={200: RequestDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Return a verification request for correction",
)
def request_reject(request: HttpRequest, request_id: int, payload: RejectIn) -> dict[str, Any]:
    """At least one item rejected, each with the reason the vendor will read."""
    user = _user(request)
    vreq = queue.access_verification_request(user=user, request_id=request_id)
    reviews: dict[str, tuple[bool, str]] = {}
    for review in payload.reviews:
        if review.item in reviews:
            message = _("The item %(item)s is listed twice. List each item once.") % {
                "item": review.item
            }
            raise errors.ValidationError(message, fields={"reviews": [message]})
        reviews[review.item] = (review.accepted, review.reason)
    decided = services.verification_reject(
        actor=user, request=vreq, reviews=reviews, note=payload.note
    )
    return _detail(queue.access_verification_request(user=user, request_id=decided.pk))
