"""The blacklist in the JSON API (issue 3 items 8 and 10).

Public: `GET /blacklist`, the entries (in force by default) with the NPWP masked, cursor
paginated. Signed in with an API token: file a request (multipart, with the evidence files),
decide a request, lift an entry. The rules are those of vendors.services.blacklist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.organizations.models import Lpse
from openlpse.vendors import selectors_blacklist, validators
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest, Vendor
from openlpse.vendors.services import blacklist as services

router = Router(tags=["Blacklist"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


# --- public list -------------------------------------------------------------------------------


class LpseRef(Schema):
    slug: str
    name: str


class BlacklistEntryOut(Schema):
    id: int
    company: str
    npwp_masked: str = Field(
        description="The NPWP with all but the first two and last three digits hidden."
    )
    starts_on: dt.date
    ends_on: dt.date
    status: str = Field(description="in_force, upcoming or ended.")
    reason: str
    legal_basis: str
    deciding_agency: str
    lpse: LpseRef
    lift_reason: str

    @staticmethod
    def resolve_company(obj: BlacklistEntry) -> str:
        return obj.company_name

    @staticmethod
    def resolve_npwp_masked(obj: BlacklistEntry) -> str:
        return validators.mask_npwp(obj.npwp)

    @staticmethod
    def resolve_status(obj: BlacklistEntry) -> str:
        return selectors_blacklist.entry_status(obj)

    @staticmethod
    def resolve_deciding_agency(obj: BlacklistEntry) -> str:
        return obj.agency_name or obj.lpse.name


class BlacklistFilter(PageParams):
    status: Literal["in_force", "upcoming", "ended", "all"] = Field(
        "in_force", description="Which entries: in force (default), not started yet, ended, or all."
    )
    lpse: str | None = Field(None, description="Only the entries decided by this LPSE (slug).")
    q: str | None = Field(
        None, max_length=100, description="Company name contains, or a whole NPWP or NIB."
    )


@router.get(
    "/blacklist",
    response={200: CursorPage[BlacklistEntryOut], **error_responses(400)},
    summary="The public blacklist",
    auth=None,
)
def blacklist_list(request: HttpRequest, params: Query[BlacklistFilter]) -> dict[str, Any]:
    """Companies on the blacklist (daftar hitam) of every LPSE of this deployment, newest
    first: company, masked NPWP, period, reason, legal basis, deciding agency and LPSE. No
    sign-in needed."""
    lpse = None
    if params.lpse:
        lpse = Lpse.objects.filter(slug=params.lpse, is_active=True).first()
        if lpse is None:
            raise errors.ValidationError(
                fields={"lpse": [_("No LPSE of this portal has this slug. See /api/v1/lpses.")]}
            )
    entries = selectors_blacklist.blacklist_public_list(
        query=params.q or "", lpse=lpse, status=params.status
    )
    page = paginate(entries, order_by="-starts_on", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


# --- requests ----------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.original_name)


class BlacklistRequestOut(Schema):
    id: int
    status: str
    vendor_id: int
    company: str
    lpse: LpseRef
    requester_role: str
    agency: str | None
    reason: str
    legal_basis: str
    starts_on: dt.date
    ends_on: dt.date
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    evidence: list[EvidenceOut]
    entry_id: int | None

    @staticmethod
    def resolve_company(obj: BlacklistRequest) -> str:
        return obj.vendor.name

    @staticmethod
    def resolve_agency(obj: BlacklistRequest) -> str | None:
        return obj.agency.name if obj.agency else None

    @staticmethod
    def resolve_evidence(obj: BlacklistRequest) -> list[Any]:
        return list(obj.evidence.order_by("pk"))

    @staticmethod
    def resolve_entry_id(obj: BlacklistRequest) -> int | None:
        entry = BlacklistEntry.objects.filter(request_id=obj.pk).values_list("pk", flat=True)
        return entry.first()


class BlacklistRequestIn(InputSchema):
    vendor_id: int = Field(description="The company to blacklist (a registered vendor).")
    lpse: str = Field(description="Slug of the LPSE where you hold your role.")
    reason: str = Field(min_length=1, max_length=5000)
    legal_basis: str = Field(min_length=1, max_length=services.LEGAL_BASIS_MAX)
    starts_on: dt.date
    ends_on: dt.date


def _refuse_unknown_form_fields(request: HttpRequest) -> None:
    """Multipart forms refuse unknown fields too, like every JSON body (InputSchema)."""
    known = set(BlacklistRequestIn.model_fields)
    unknown = (set(request.POST) - known) | (set(request.FILES) - {"evidence"})
    if unknown:
        message = _("This field is not accepted here. Remove it.")
        raise errors.ValidationError(fields={name: [message] for name in sorted(unknown)})


@router.post(
    "/blacklist/requests",
    response={201: BlacklistRequestOut, **error_responses(400, 401, 403, 404, 409, 413, 415)},
    summary="Request a blacklisting",
    auth=token_auth,
)
def blacklist_request_create(
    request: HttpRequest,
    payload: Form[BlacklistRequestIn],
    evidence: File[list[UploadedFile]],
) -> Status[Any]:
    """multipart/form-data: the fields, and one or more `evidence` files. For a PA, KPA, PPK,
    ULP head, Pokja member or Pejabat Pengadaan with a role in force at the LPSE."""
    _refuse_unknown_form_fields(request)
    user = _user(request)
    vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
    lpse = Lpse.objects.filter(slug=payload.lpse, is_active=True).first()
    if vendor is None or lpse is None:
        raise errors.NotFound()
    created = services.blacklist_request_create(
        actor=user,
        vendor=vendor,
        lpse=lpse,
        reason=payload.reason,
        legal_basis=payload.legal_basis,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        evidence=evidence,
    )
    return Status(201, created)


class DecisionIn(InputSchema):
    approve: bool = Field(description="true approves (blacklists the company), false rejects.")
    note: str = Field("", max_length=5000, description="Required when rejecting.")


@router.post(
    "/blacklist/requests/{request_id}/decision",
    response={200: BlacklistRequestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Decide a blacklist request",
    auth=token_auth,
)
def blacklist_request_decide(
    request: HttpRequest, request_id: int, payload: DecisionIn
) -> BlacklistRequest:
    """For a verifikator of the request's LPSE who did not file it."""
    user = _user(request)
    item = selectors_blacklist.access_blacklist_request(user=user, request_id=request_id)
    return services.blacklist_request_decide(
        actor=user, request=item, approve=payload.approve, note=payload.note
    )


class LiftIn(InputSchema):
    reason: str = Field(min_length=1, max_length=1000)


@router.post(
    "/blacklist/entries/{entry_id}/lift",
    response={200: BlacklistEntryOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Lift a blacklisting",
    auth=token_auth,
)
def blacklist_entry_lift(request: HttpRequest, entry_id: int, payload: LiftIn) -> BlacklistEntry:
    """End a blacklisting today, with the reason; for a verifikator of the entry's LPSE."""
    user = _user(request)
    entry = selectors_blacklist.access_blacklist_entry(user=user, entry_id=entry_id)
    return services.blacklist_entry_lift(actor=user, entry=entry, reason=payload.reason)
