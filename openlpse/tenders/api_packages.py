"""Packages and their Pokja in the JSON API (API token of the acting official).

The PPK makes a package from an announced RUP item, sets its HPS, locations and documents and
sends it; the head of the ULP/UKPBJ returns it or assigns and changes its Pokja. Reads show
a package to those who may see it (its PPK, the ULP head it was sent to, its committee,
auditors of its code); a package the caller may not see answers 404 like a missing one.
The rules are those of tenders.services.packages and tenders.services.pokja.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.plans.models import RupItem
from openlpse.tenders import selectors_packages as reads
from openlpse.tenders.models import Package
from openlpse.tenders.services import packages as services
from openlpse.tenders.services import pokja as pokja_services

router = Router(tags=["Packages"], auth=token_auth)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


# --- output -------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    id: int
    code: str


class HpsItemOut(Schema):
    position: int
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal
    notes: str


class LocationOut(Schema):
    province: str
    city: str
    detail: str


class FileOut(Schema):
    name: str
    size: int
    sha256: str


class MemberOut(Schema):
    user_id: int
    name: str
    is_chair: bool
    sk_number: str
    assigned_at: dt.datetime


def _user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def _file(stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {"name": stored.original_name, "size": stored.size, "sha256": stored.sha256}


class PackageSummaryOut(Schema):
    id: int
    code: str
    name: str
    status: str
    lpse: str = Field(description="Slug of the LPSE.")
    agency: Ref
    rup_item: CodeRef
    fiscal_year: int
    procurement_type: str
    pagu: Decimal
    hps_total: Decimal
    selection_unit: str
    sent_at: dt.datetime | None

    @staticmethod
    def resolve_lpse(obj: Package) -> str:
        return obj.lpse.slug


class PackageOut(PackageSummaryOut):
    work_unit: Ref | None
    contract_type: str
    business_qualification: str
    description: str
    ppk: Ref
    ulp_agency: Ref | None
    pejabat_pengadaan: Ref | None
    return_reason: str
    kak: FileOut | None
    draft_contract: FileOut | None
    hps_items: list[HpsItemOut]
    locations: list[LocationOut]
    pokja: list[MemberOut]

    @staticmethod
    def resolve_ppk(obj: Package) -> dict[str, Any] | None:
        return _user_ref(obj.ppk)

    @staticmethod
    def resolve_pejabat_pengadaan(obj: Package) -> dict[str, Any] | None:
        return _user_ref(obj.pejabat_pengadaan)

    @staticmethod
    def resolve_kak(obj: Package) -> dict[str, Any] | None:
        return _file(obj.kak_file)

    @staticmethod
    def resolve_draft_contract(obj: Package) -> dict[str, Any] | None:
        return _file(obj.draft_contract_file)

    @staticmethod
    def resolve_hps_items(obj: Package) -> list[Any]:
        return list(obj.hps_items.order_by("position"))

    @staticmethod
    def resolve_locations(obj: Package) -> list[Any]:
        return list(obj.locations.all())

    @staticmethod
    def resolve_pokja(obj: Package) -> list[dict[str, Any]]:
        return [
            {
                "user_id": m.user_id,
                "name": m.user.display_name,
                "is_chair": m.is_chair,
                "sk_number": m.sk_number,
                "assigned_at": m.assigned_at,
            }
            for m in reads.active_members(obj)
        ]


def _detail(request: HttpRequest, package: Package) -> Package:
    return reads.access_package(user=_user(request), package_id=package.pk)


# --- reads -------------------------------------------------------------------------------------


class PackageFilter(PageParams):
    role: Literal["ppk", "ulp", "committee"] = Field(
        "ppk",
        description="ppk: the packages you own as PPK; ulp: those sent to the procurement "
        "units you head; committee: those where you are on the Pokja or the Pejabat Pengadaan.",
    )
    status: str | None = Field(None, max_length=12)
    q: str | None = Field(None, max_length=100, description="Code, name or RUP code.")


@router.get(
    "/packages",
    response={200: CursorPage[PackageSummaryOut], **error_responses(400, 401)},
    summary="My packages",
)
def package_list(request: HttpRequest, params: Query[PackageFilter]) -> dict[str, Any]:
    user = _user(request)
    if params.role == "committee":
        packages = reads.packages_for_committee(user=user)
    elif params.role == "ulp":
        packages = reads.packages_for_ulp_head(
            user=user, status=params.status or "", query=params.q or ""
        )
    else:
        packages = reads.packages_for_ppk(
            user=user, status=params.status or "", query=params.q or ""
        )
    page = paginate(packages, order_by="-created_at", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/packages/{package_id}",
    response={200: PackageOut, **error_responses(401, 404)},
    summary="One package",
)
def package_detail(request: HttpRequest, package_id: int) -> Package:
    return reads.access_package(user=_user(request), package_id=package_id)


# --- the PPK ------------------------------------------------------------------------------------


class PackageDetailsIn(InputSchema):
    name: str = Field(min_length=1, max_length=services.NAME_MAX)
    contract_type: str
    business_qualification: str
    description: str = Field("", max_length=10000)


class PackageCreateIn(InputSchema):
    rup_item_id: int = Field(description="An announced RUP item of your agency or work unit.")
    name: str | None = Field(
        None, max_length=services.NAME_MAX, description="Default: the RUP item's name."
    )
    contract_type: str
    business_qualification: str
    description: str = Field("", max_length=10000)
    work_unit_id: int | None = Field(
        None, description="The work unit the package belongs to, when the RUP item has none."
    )


@router.post(
    "/packages",
    response={201: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Make a package from an announced RUP item",
)
def package_create(request: HttpRequest, payload: PackageCreateIn) -> Status[Any]:
    user = _user(request)
    item = (
        RupItem.objects.select_related("agency", "work_unit").filter(pk=payload.rup_item_id).first()
    )
    if item is None:
        raise errors.NotFound()
    unit = None
    if payload.work_unit_id is not None:
        unit = WorkUnit.objects.filter(pk=payload.work_unit_id).first()
        if unit is None:
            raise errors.field_error("work_unit_id", _("No work unit has this id."))
    package = services.package_create(
        actor=user,
        rup_item=item,
        name=payload.name,
        contract_type=payload.contract_type,
        business_qualification=payload.business_qualification,
        description=payload.description,
        work_unit=unit,
    )
    return Status(201, _detail(request, package))


@router.put(
    "/packages/{package_id}",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a package's details",
)
def package_update(request: HttpRequest, package_id: int, payload: PackageDetailsIn) -> Package:
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    services.package_update(actor=user, package=package, **payload.dict())
    return _detail(request, package)


class HpsItemIn(InputSchema):
    name: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    quantity: Decimal = Field(description="Greater than zero, at most 4 decimals.")
    unit_price: Decimal = Field(
        description="Rupiah, taxes included, at most 2 decimals. Send it as a string."
    )
    notes: str = Field("", max_length=300)


class HpsIn(InputSchema):
    items: list[HpsItemIn] = Field(max_length=services.HPS_ROWS_MAX)


@router.put(
    "/packages/{package_id}/hps",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace the itemised HPS",
)
def package_set_hps(request: HttpRequest, package_id: int, payload: HpsIn) -> Package:
    """The whole HPS, every row. The total may not exceed the pagu (`hps_over_pagu`).
    Row errors come as fields `items.<n>.<field>`, n counting from 0."""
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    services.package_set_hps(
        actor=user, package=package, items=[row.dict() for row in payload.items]
    )
    return _detail(request, package)


class LocationIn(InputSchema):
    province: str = Field(max_length=100)
    city: str = Field(max_length=100)
    detail: str = Field("", max_length=300)


class LocationsIn(InputSchema):
    locations: list[LocationIn] = Field(max_length=services.LOCATIONS_MAX)


@router.put(
    "/packages/{package_id}/locations",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace the work locations",
)
def package_set_locations(request: HttpRequest, package_id: int, payload: LocationsIn) -> Package:
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    services.package_set_locations(
        actor=user, package=package, locations=[row.dict() for row in payload.locations]
    )
    return _detail(request, package)


@router.post(
    "/packages/{package_id}/documents/{which}",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409, 413, 415)},
    summary="Upload the KAK or the draft contract",
)
def package_upload_document(
    request: HttpRequest,
    package_id: int,
    which: Literal["kak", "draft_contract"],
    file: File[UploadedFile],
) -> Package:
    """multipart/form-data with one `file` (PDF, Word, Excel or ZIP)."""
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    services.package_upload_document(actor=user, package=package, which=which, upload=file)
    return _detail(request, package)


class SendIn(InputSchema):
    ulp_agency_id: int | None = Field(
        None, description="The procurement unit (ULP/UKPBJ) agency, for a tender."
    )
    pejabat_pengadaan_id: int | None = Field(
        None, description="A Pejabat Pengadaan, for a pengadaan langsung."
    )


@router.post(
    "/packages/{package_id}/send",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Send the package",
)
def package_send(request: HttpRequest, package_id: int, payload: SendIn) -> Package:
    """Give exactly one of `ulp_agency_id` or `pejabat_pengadaan_id`."""
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    agency = officer = None
    if payload.ulp_agency_id is not None:
        agency = Agency.objects.filter(pk=payload.ulp_agency_id).first()
        if agency is None:
            raise errors.field_error("ulp_agency_id", _("No agency has this id."))
    if payload.pejabat_pengadaan_id is not None:
        officer = User.objects.filter(pk=payload.pejabat_pengadaan_id).first()
        if officer is None:
            raise errors.field_error("pejabat_pengadaan_id", _("No user has this id."))
    services.package_send(actor=user, package=package, ulp_agency=agency, pejabat_pengadaan=officer)
    return _detail(request, package)


# --- the head of the ULP ------------------------------------------------------------------------


class ReturnIn(InputSchema):
    reason: str = Field(min_length=1, max_length=services.RETURN_REASON_MAX)


@router.post(
    "/packages/{package_id}/return",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Return a sent package to its PPK",
)
def package_return(request: HttpRequest, package_id: int, payload: ReturnIn) -> Package:
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    services.package_return(actor=user, package=package, reason=payload.reason)
    return _detail(request, package)


def _users(field: str, ids: list[int]) -> list[User]:
    found = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise errors.field_error(
            field,
            _("No user has the id %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)},
        )
    return [found[pk] for pk in ids]


class PokjaIn(InputSchema):
    member_ids: list[int] = Field(description="Three or more, odd in number.", max_length=51)
    chair_id: int = Field(description="One of the members.")
    sk_number: str = Field(min_length=1, max_length=pokja_services.SK_MAX)


@router.post(
    "/packages/{package_id}/pokja",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Assign the Pokja",
)
def pokja_assign(request: HttpRequest, package_id: int, payload: PokjaIn) -> Package:
    """For the head of the procurement unit the package was sent to. A Pokja breaking the
    separation of duties (the PPK, LPSE staff) answers 403 `pokja_member_is_ppk` or
    `pokja_member_is_lpse_staff`; a wrong size 400 `pokja_too_small` or `pokja_even`."""
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    members = _users("member_ids", payload.member_ids)
    chair = next((u for u in members if u.pk == payload.chair_id), None)
    if chair is None:
        chair = _users("chair_id", [payload.chair_id])[0]
    pokja_services.pokja_assign(
        actor=user, package=package, members=members, chair=chair, sk_number=payload.sk_number
    )
    return _detail(request, package)


class ReplaceIn(InputSchema):
    member_id: int
    replacement_id: int
    reason: str = Field(min_length=1, max_length=pokja_services.REASON_MAX)
    sk_number: str = Field("", max_length=pokja_services.SK_MAX)


@router.post(
    "/packages/{package_id}/pokja/replace",
    response={200: PackageOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace a Pokja member",
)
def pokja_replace_member(request: HttpRequest, package_id: int, payload: ReplaceIn) -> Package:
    user = _user(request)
    package = reads.access_package(user=user, package_id=package_id)
    [member] = _users("member_id", [payload.member_id])
    [replacement] = _users("replacement_id", [payload.replacement_id])
    pokja_services.pokja_replace_member(
        actor=user,
        package=package,
        member=member,
        replacement=replacement,
        reason=payload.reason,
        sk_number=payload.sk_number,
    )
    return _detail(request, package)
