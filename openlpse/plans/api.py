"""The RUP in the JSON API (issue 4 item 1).

Public: `GET /rup` (announced items, or withdrawn ones when asked, with the filters of the
public page, cursor paginated) and `GET /rup/{id}` (one public item with its history; drafts
are not found, exactly like missing ids). With an API token, for the PA/KPA: create, change,
announce, withdraw and import (CSV/XLSX, all or nothing, with the row-by-row report). The rules
are those of plans.services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
from openlpse.organizations.models import Agency, Lpse, WorkUnit
from openlpse.plans import permissions, selectors
from openlpse.plans.enums import FundingSource, PlannedMethod, ProcurementType
from openlpse.plans.models import RupImport, RupItem, RupRevision
from openlpse.plans.services import imports as import_services
from openlpse.plans.services import rup as services

router = Router(tags=["RUP"])

FundingSourceCode = Literal["apbd", "apbdp", "apbn", "blud", "bumd", "dak", "phln", "other"]
ProcurementTypeCode = Literal[
    "barang", "konstruksi", "konsultansi_bu", "konsultansi_perorangan", "jasa_lainnya"
]
MethodCode = Literal[
    "tender",
    "seleksi",
    "tender_cepat",
    "pengadaan_langsung",
    "penunjukan_langsung",
    "e_purchasing",
    "swakelola",
]
assert set(FundingSourceCode.__args__) == set(FundingSource.values)  # type: ignore[attr-defined]
assert set(ProcurementTypeCode.__args__) == set(ProcurementType.values)  # type: ignore[attr-defined]
assert set(MethodCode.__args__) == set(PlannedMethod.values)  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


class LpseRef(Schema):
    slug: str
    name: str


class NamedRef(Schema):
    id: int
    code: str
    name: str


class RupOut(Schema):
    """A public RUP item: what was last announced."""

    id: int
    code: str
    name: str
    lpse: LpseRef
    agency: NamedRef
    work_unit: NamedRef | None
    fiscal_year: int
    pagu: Decimal
    funding_source: str
    procurement_type: str
    planned_method: str
    selection_start_month: int
    selection_end_month: int
    contract_start_month: int
    contract_end_month: int
    location: str
    description: str
    status: str = Field(description="announced or withdrawn (draft for its PA/KPA only).")
    revision: int = Field(description="How many versions were announced.")
    announced_at: dt.datetime | None
    last_announced_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


class RevisionOut(Schema):
    number: int
    announced_at: dt.datetime
    reason: str = Field(description="Why the item changed (empty for the first announcement).")
    snapshot: dict[str, Any] = Field(description="The item as announced in this revision.")


class RupDetailOut(RupOut):
    history: list[RevisionOut]

    @staticmethod
    def resolve_history(obj: RupItem) -> list[RupRevision]:
        return list(obj.revisions.order_by("number"))


class RupOwnOut(RupOut):
    """An item as its PA/KPA sees it: with the changes not yet announced."""

    pending_changes: dict[str, Any]


class RupFilter(PageParams):
    lpse: str | None = Field(None, description="LPSE slug.")
    agency_id: int | None = None
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    procurement_type: ProcurementTypeCode | None = None
    planned_method: MethodCode | None = None
    funding_source: FundingSourceCode | None = None
    pagu_min: Decimal | None = Field(None, ge=0)
    pagu_max: Decimal | None = Field(None, ge=0)
    q: str | None = Field(None, max_length=100, description="Code, name, location or agency.")
    status: Literal["announced", "withdrawn", "all"] = "announced"


@router.get(
    "/rup",
    response={200: CursorPage[RupOut], **error_responses(400)},
    summary="The public RUP items",
    auth=None,
)
def rup_list(request: HttpRequest, params: Query[RupFilter]) -> dict[str, Any]:
    """Announced RUP items of every LPSE of this deployment, newest first. No sign-in."""
    lpse = None
    if params.lpse:
        lpse = Lpse.objects.filter(slug=params.lpse, is_active=True).first()
        if lpse is None:
            raise errors.ValidationError(
                fields={"lpse": [_("No LPSE of this portal has this slug. See /api/v1/lpses.")]}
            )
    agency = None
    if params.agency_id is not None:
        agency = Agency.objects.filter(pk=params.agency_id).first()
        if agency is None:
            raise errors.ValidationError(
                fields={"agency_id": [_("No agency has this id. Check the number.")]}
            )
    filters = selectors.RupFilters(
        lpse=lpse,
        agency=agency,
        fiscal_year=params.fiscal_year,
        procurement_type=params.procurement_type or "",
        planned_method=params.planned_method or "",
        funding_source=params.funding_source or "",
        pagu_min=params.pagu_min,
        pagu_max=params.pagu_max,
        text=params.q or "",
        status=params.status,
    )
    items = selectors.public_rup_list(filters=filters)
    page = paginate(items, order_by="-id", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/rup/{int:rup_id}",
    response={200: RupDetailOut, **error_responses(404)},
    summary="One public RUP item with its history",
    auth=None,
)
def rup_detail(request: HttpRequest, rup_id: int) -> RupItem:
    return selectors.access_public_rup(rup_id=rup_id)


# --- writes (PA/KPA) -----------------------------------------------------------------------


class RupFieldsIn(InputSchema):
    code: str = Field(min_length=1, max_length=services.CODE_MAX)
    name: str = Field(min_length=1, max_length=services.NAME_MAX)
    fiscal_year: int
    pagu: Decimal = Field(description="Rupiah, at most two decimals, above 0.")
    funding_source: FundingSourceCode
    procurement_type: ProcurementTypeCode
    planned_method: MethodCode
    selection_start_month: int
    selection_end_month: int
    contract_start_month: int
    contract_end_month: int
    location: str = Field(min_length=1, max_length=services.LOCATION_MAX)
    description: str = Field("", max_length=services.DESCRIPTION_MAX)

    def fields(self) -> services.RupFields:
        return services.RupFields(**self.model_dump())


class RupCreateIn(RupFieldsIn):
    agency_id: int
    work_unit_id: int | None = Field(None, description="Empty for the agency as a whole.")

    def fields(self) -> services.RupFields:
        return services.RupFields(**self.model_dump(exclude={"agency_id", "work_unit_id"}))


class RupPatchIn(InputSchema):
    """Only the fields to change. A draft changes at once; an announced item keeps the change
    waiting until it is announced with a reason."""

    code: str | None = Field(None, min_length=1, max_length=services.CODE_MAX)
    name: str | None = Field(None, min_length=1, max_length=services.NAME_MAX)
    fiscal_year: int | None = None
    pagu: Decimal | None = None
    funding_source: FundingSourceCode | None = None
    procurement_type: ProcurementTypeCode | None = None
    planned_method: MethodCode | None = None
    selection_start_month: int | None = None
    selection_end_month: int | None = None
    contract_start_month: int | None = None
    contract_end_month: int | None = None
    location: str | None = Field(None, min_length=1, max_length=services.LOCATION_MAX)
    description: str | None = Field(None, max_length=services.DESCRIPTION_MAX)
    work_unit_id: int | None = Field(None, description="Drafts only.")


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=services.REASON_MAX)


def _work_unit(agency: Agency, work_unit_id: int | None) -> WorkUnit | None:
    if work_unit_id is None:
        return None
    unit = WorkUnit.objects.filter(pk=work_unit_id, agency_id=agency.pk).first()
    if unit is None:
        raise errors.field_error(
            "work_unit_id",
            _("%(agency)s has no work unit with this id. Check the number.")
            % {"agency": agency.name},
        )
    return unit


def _own_item(user: User, rup_id: int) -> RupItem:
    """An item the token's user may write; any other is not found."""
    item = selectors.access_rup(user=user, rup_id=rup_id)
    if not permissions.can_write_rup(user, item):
        raise errors.NotFound()
    return item


@router.post(
    "/rup",
    response={201: RupOwnOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Create a draft RUP item",
    auth=token_auth,
)
def rup_create(request: HttpRequest, payload: RupCreateIn) -> Status[Any]:
    """For the PA of the agency, or the KPA of the work unit."""
    agency = Agency.objects.filter(pk=payload.agency_id, is_active=True).first()
    if agency is None:
        raise errors.NotFound()
    item = services.rup_create(
        actor=_user(request),
        agency=agency,
        work_unit=_work_unit(agency, payload.work_unit_id),
        data=payload.fields(),
    )
    return Status(201, item)


@router.patch(
    "/rup/{int:rup_id}",
    response={200: RupOwnOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a RUP item",
    auth=token_auth,
)
def rup_update(request: HttpRequest, rup_id: int, payload: RupPatchIn) -> RupItem:
    user = _user(request)
    item = _own_item(user, rup_id)
    changes = payload.model_dump(exclude_unset=True)
    unit_id = changes.pop("work_unit_id", item.work_unit_id)
    current = services.fields_of(item).as_json()
    current.update({k: v for k, v in changes.items() if v is not None})
    current["pagu"] = Decimal(str(current["pagu"]))
    return services.rup_update(
        actor=user,
        item=item,
        data=services.RupFields(**current),
        work_unit=_work_unit(item.agency, unit_id),
    )


@router.post(
    "/rup/{int:rup_id}/announce",
    response={200: RupOwnOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Announce a RUP item or its change",
    auth=token_auth,
)
def rup_announce(request: HttpRequest, rup_id: int, payload: ReasonIn) -> RupItem:
    """A first announcement needs no reason; a change after announcement does."""
    user = _user(request)
    return services.rup_announce(actor=user, item=_own_item(user, rup_id), reason=payload.reason)


@router.post(
    "/rup/{int:rup_id}/withdraw",
    response={200: RupOwnOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Withdraw an announced RUP item",
    auth=token_auth,
)
def rup_withdraw(request: HttpRequest, rup_id: int, payload: ReasonIn) -> RupItem:
    user = _user(request)
    return services.rup_withdraw(actor=user, item=_own_item(user, rup_id), reason=payload.reason)


class ImportRowError(Schema):
    field: str
    message: str


class ImportRow(Schema):
    row: int
    code: str
    errors: list[ImportRowError]


class ImportOut(Schema):
    id: int
    file_name: str
    file_sha256: str
    status: str = Field(description="imported, checked (nothing saved) or refused (errors).")
    row_count: int
    error_count: int
    report: list[ImportRow]


class ImportIn(InputSchema):
    agency_id: int
    check_only: bool = Field(False, description="true: check every row, save nothing.")


@router.post(
    "/rup/import",
    response={200: ImportOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Import RUP items from CSV or XLSX",
    auth=token_auth,
)
def rup_import(
    request: HttpRequest, payload: Form[ImportIn], file: File[UploadedFile]
) -> RupImport:
    """multipart/form-data with `agency_id`, `check_only` and the `file`. All or nothing: the
    report lists every row with its errors; with any error no item is saved."""
    unknown = (set(request.POST) - set(ImportIn.model_fields)) | (set(request.FILES) - {"file"})
    if unknown:
        message = _("This field is not accepted here. Remove it.")
        raise errors.ValidationError(fields={name: [message] for name in sorted(unknown)})
    agency = Agency.objects.filter(pk=payload.agency_id, is_active=True).first()
    if agency is None:
        raise errors.NotFound()
    return import_services.rup_import(
        actor=_user(request), agency=agency, upload=file, check_only=payload.check_only
    )
