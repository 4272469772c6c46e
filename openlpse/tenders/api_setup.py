"""The committee's tender set-up in the JSON API (issue 4 items 4, 5 and 7), signed in with an
API token. The rules are those of tenders.services.setup, .schedule_changes and
.cancellation; a tender the caller may not see answers 404 like a missing one.

Times are ISO 8601 with an offset (stored in UTC); a schedule that breaks its rules answers 400
with one entry per problem under `fields`, keyed "<stage code>.<starts_at|ends_at>".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.core import clock, errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.tenders import schedule, selectors_setup
from openlpse.tenders.enums import (
    Envelope,
    EvaluationMethod,
    GuaranteeKind,
    RequirementKind,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import Tender
from openlpse.tenders.services import cancellation, schedule_changes
from openlpse.tenders.services import setup as services
from openlpse.vendors.models import Vendor

router = Router(tags=["Tender set-up (committee)"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _tender(request: HttpRequest, tender_id: int) -> Tender:
    return selectors_setup.access_tender_for_committee(user=_user(request), tender_id=tender_id)


# --- output ------------------------------------------------------------------------------------


class StageOut(Schema):
    code: str
    name: str
    position: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    change_count: int


class ProblemOut(Schema):
    stage: str
    field: str
    rule: str
    message: str
    suggestion: dt.datetime | None


class TenderSummaryOut(Schema):
    id: int
    code: str
    name: str
    method: str
    status: str
    setup_version: int
    announced_at: dt.datetime | None
    lpse: str

    @staticmethod
    def resolve_lpse(obj: Tender) -> str:
        return obj.lpse.slug


class RequirementOut(Schema):
    position: int
    kind: str
    licence_kind: str
    classification: str
    text: str


class RequiredDocumentOut(Schema):
    envelope: str
    position: int
    name: str
    mandatory: bool


class GuaranteeOut(Schema):
    kind: str
    amount: Decimal | None
    notes: str


class TenderSetupOut(TenderSummaryOut):
    package_code: str
    evaluation_method: str
    technical_weight: Decimal | None
    price_weight: Decimal | None
    technical_passing_grade: Decimal | None
    economic_life_years: int | None
    bid_validity_days: int
    invited_vendor_id: int | None
    schedule_change_count: int
    cancel_reason: str
    schedule: list[StageOut]
    schedule_problems: list[ProblemOut] = Field(
        description="Before the announcement: what is wrong with the schedule now (empty: valid)."
    )
    approvals_missing: list[str] = Field(
        description="Usernames who have not approved this version."
    )
    announcement_blockers: list[str]
    requirements: list[RequirementOut]
    required_documents: list[RequiredDocumentOut]
    guarantees: list[GuaranteeOut]

    @staticmethod
    def resolve_package_code(obj: Tender) -> str:
        return obj.package.code

    @staticmethod
    def resolve_schedule(obj: Tender) -> list[dict[str, Any]]:
        names = stage_names(obj.method, lpse=obj.lpse)
        return [
            {
                "code": s.code,
                "name": names.get(s.code, s.code),
                "position": s.position,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "change_count": s.change_count,
            }
            for s in obj.stages.order_by("position")
        ]

    @staticmethod
    def resolve_schedule_problems(obj: Tender) -> list[dict[str, Any]]:
        if obj.status != TenderStatus.DRAFT:
            return []
        return [_problem(p) for p in schedule.tender_problems(obj, now=clock.now())]

    @staticmethod
    def resolve_approvals_missing(obj: Tender) -> list[str]:
        if obj.status != TenderStatus.DRAFT:
            return []
        return [u.username for u in services.approvals_missing(obj)]

    @staticmethod
    def resolve_announcement_blockers(obj: Tender) -> list[str]:
        if obj.status != TenderStatus.DRAFT:
            return []
        return services.announcement_blockers(obj)

    @staticmethod
    def resolve_requirements(obj: Tender) -> list[Any]:
        return list(obj.requirements.order_by("position"))

    @staticmethod
    def resolve_required_documents(obj: Tender) -> list[Any]:
        return list(obj.required_documents.all())

    @staticmethod
    def resolve_guarantees(obj: Tender) -> list[Any]:
        return list(obj.guarantees.all())


def _problem(problem: schedule.Problem) -> dict[str, Any]:
    return {
        "stage": problem.code,
        "field": problem.field,
        "rule": problem.rule,
        "message": problem.message,
        "suggestion": problem.suggestion,
    }


def _fresh(tender: Tender) -> Tender:
    return Tender.objects.select_related("package", "lpse").get(pk=tender.pk)


# --- reads -------------------------------------------------------------------------------------


class CommitteeFilter(PageParams):
    status: Literal["draft", "announced", "cancelled", "failed", "completed"] | None = None


@router.get(
    "/committee/tenders",
    response={200: CursorPage[TenderSummaryOut], **error_responses(400, 401)},
    summary="My tenders (committee)",
    auth=token_auth,
)
def committee_tender_list(request: HttpRequest, params: Query[CommitteeFilter]) -> dict[str, Any]:
    """The tenders whose committee (Pokja or Pejabat Pengadaan) the caller sits on."""
    rows = selectors_setup.tenders_for_committee(user=_user(request), status=params.status or "")
    page = paginate(rows, order_by="-created_at", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/committee/tenders/{tender_id}",
    response={200: TenderSetupOut, **error_responses(401, 404)},
    summary="One tender's set-up",
    auth=token_auth,
)
def committee_tender_detail(request: HttpRequest, tender_id: int) -> Tender:
    return _tender(request, tender_id)


# --- writes ------------------------------------------------------------------------------------


class CreateIn(InputSchema):
    method: Literal[
        "pasca_1_file", "pasca_2_file", "pra_1_file", "pra_2_file", "pengadaan_langsung"
    ]


@router.post(
    "/committee/packages/{package_id}/tenders",
    response={201: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Create the tender of an assigned package",
    auth=token_auth,
)
def committee_tender_create(
    request: HttpRequest, package_id: int, payload: CreateIn
) -> Status[Any]:
    """For the Pokja chair (or the Pejabat Pengadaan) of an assigned package."""
    user = _user(request)
    package = selectors_setup.access_package_for_tender(user=user, package_id=package_id)
    tender = services.tender_create(
        actor=user, package=package, method=TenderMethod(payload.method)
    )
    return Status(201, _fresh(tender))


class SetupIn(InputSchema):
    evaluation_method: Literal["harga_terendah", "sistem_nilai", "umur_ekonomis"]
    technical_weight: Decimal | None = None
    price_weight: Decimal | None = None
    technical_passing_grade: Decimal | None = None
    economic_life_years: int | None = Field(None, ge=1, le=100)
    bid_validity_days: int = Field(ge=1, le=365)
    invited_vendor_id: int | None = Field(None, description="Pengadaan langsung only.")


@router.put(
    "/committee/tenders/{tender_id}/setup",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Evaluation method, bid validity, invited vendor",
    auth=token_auth,
)
def committee_tender_setup(request: HttpRequest, tender_id: int, payload: SetupIn) -> Tender:
    user = _user(request)
    tender = _tender(request, tender_id)
    vendor = None
    if payload.invited_vendor_id is not None:
        vendor = Vendor.objects.filter(pk=payload.invited_vendor_id).first()
        if vendor is None:
            raise errors.field_error(
                "invited_vendor_id", _("No vendor has this id. Check the vendor's id.")
            )
    services.tender_update_setup(
        actor=user,
        tender=tender,
        evaluation_method=EvaluationMethod(payload.evaluation_method),
        technical_weight=payload.technical_weight,
        price_weight=payload.price_weight,
        technical_passing_grade=payload.technical_passing_grade,
        economic_life_years=payload.economic_life_years,
        bid_validity_days=payload.bid_validity_days,
        invited_vendor=vendor,
    )
    return _fresh(tender)


class RequirementIn(InputSchema):
    kind: str = Field(description="One of: " + ", ".join(RequirementKind.values))
    licence_kind: str = ""
    classification: str = Field("", max_length=120)
    text: str = Field(min_length=1, max_length=5000)


class RequiredDocumentIn(InputSchema):
    envelope: str = Field(description="One of: " + ", ".join(Envelope.values))
    name: str = Field(min_length=1, max_length=300)
    mandatory: bool = True


class GuaranteeIn(InputSchema):
    kind: str = Field(description="One of: " + ", ".join(GuaranteeKind.values))
    amount: Decimal | None = None
    notes: str = Field("", max_length=300)


def _replace_rows(
    request: HttpRequest,
    tender_id: int,
    payload: Sequence[InputSchema],
    replace: Callable[..., object],
) -> Tender:
    """Replace one list of the set-up (requirements, required documents, guarantees) with the
    rows sent, through its service `replace(actor=, tender=, items=)`."""
    tender = _tender(request, tender_id)
    replace(actor=_user(request), tender=tender, items=[i.model_dump() for i in payload])
    return _fresh(tender)


@router.put(
    "/committee/tenders/{tender_id}/requirements",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace the qualification requirements",
    auth=token_auth,
)
def committee_tender_requirements(
    request: HttpRequest, tender_id: int, payload: list[RequirementIn]
) -> Tender:
    return _replace_rows(request, tender_id, payload, services.tender_set_requirements)


@router.put(
    "/committee/tenders/{tender_id}/required-documents",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace the documents required from bidders",
    auth=token_auth,
)
def committee_tender_required_documents(
    request: HttpRequest, tender_id: int, payload: list[RequiredDocumentIn]
) -> Tender:
    return _replace_rows(request, tender_id, payload, services.tender_set_required_documents)


@router.put(
    "/committee/tenders/{tender_id}/guarantees",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Replace the required guarantees",
    auth=token_auth,
)
def committee_tender_guarantees(
    request: HttpRequest, tender_id: int, payload: list[GuaranteeIn]
) -> Tender:
    return _replace_rows(request, tender_id, payload, services.tender_set_guarantees)


class WindowIn(InputSchema):
    starts_at: dt.datetime
    ends_at: dt.datetime


def _rows(stages: dict[str, WindowIn]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    for code, window in stages.items():
        for name, value in (("starts_at", window.starts_at), ("ends_at", window.ends_at)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise errors.field_error(
                    f"{code}.{name}",
                    _("Give the time with its offset (for example 2026-03-02T16:00:00+07:00)."),
                )
    return {code: (w.starts_at, w.ends_at) for code, w in stages.items()}


class ScheduleIn(InputSchema):
    stages: dict[str, WindowIn] = Field(description="Every stage of the method: {code: window}.")


@router.put(
    "/committee/tenders/{tender_id}/schedule",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Set the draft schedule",
    auth=token_auth,
)
def committee_tender_schedule(request: HttpRequest, tender_id: int, payload: ScheduleIn) -> Tender:
    tender = _tender(request, tender_id)
    services.tender_set_schedule(actor=_user(request), tender=tender, rows=_rows(payload.stages))
    return _fresh(tender)


@router.post(
    "/committee/tenders/{tender_id}/approvals",
    response={200: TenderSetupOut, **error_responses(401, 403, 404, 409)},
    summary="Approve the current set-up version (kolektif kolegial)",
    auth=token_auth,
)
def committee_tender_approve(request: HttpRequest, tender_id: int) -> Tender:
    tender = _tender(request, tender_id)
    services.tender_approve(actor=_user(request), tender=tender)
    return _fresh(tender)


@router.post(
    "/committee/tenders/{tender_id}/announcement",
    response={200: TenderSetupOut, **error_responses(401, 403, 404, 409)},
    summary="Announce the tender (chair)",
    auth=token_auth,
)
def committee_tender_announce(request: HttpRequest, tender_id: int) -> Tender:
    tender = _tender(request, tender_id)
    services.tender_announce(actor=_user(request), tender=tender)
    return _fresh(tender)


class ScheduleChangeIn(InputSchema):
    stages: dict[str, WindowIn] = Field(description="Only the stages that move: {code: window}.")
    reason: str = Field(max_length=2000)


@router.post(
    "/committee/tenders/{tender_id}/schedule-changes",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change the schedule of an announced tender",
    auth=token_auth,
)
def committee_schedule_change(
    request: HttpRequest, tender_id: int, payload: ScheduleChangeIn
) -> Tender:
    tender = _tender(request, tender_id)
    schedule_changes.schedule_change(
        actor=_user(request), tender=tender, rows=_rows(payload.stages), reason=payload.reason
    )
    return _fresh(tender)


class ExtendIn(InputSchema):
    new_end: dt.datetime
    reason: str = Field(max_length=2000)


@router.post(
    "/committee/tenders/{tender_id}/stages/{code}/extension",
    response={200: TenderSetupOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Extend the running stage",
    auth=token_auth,
)
def committee_stage_extend(
    request: HttpRequest, tender_id: int, code: str, payload: ExtendIn
) -> Tender:
    tender = _tender(request, tender_id)
    if payload.new_end.tzinfo is None:
        raise errors.field_error(
            "new_end", _("Give the time with its offset (for example 2026-03-02T16:00:00+07:00).")
        )
    schedule_changes.stage_extend(
        actor=_user(request),
        tender=tender,
        code=code,
        new_end=payload.new_end,
        reason=payload.reason,
    )
    return _fresh(tender)


class CancelIn(InputSchema):
    reason: str = Field(max_length=2000)


@router.post(
    "/committee/tenders/{tender_id}/cancellation",
    response={200: TenderSummaryOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Cancel the tender (tender batal)",
    auth=token_auth,
)
def committee_tender_cancel(request: HttpRequest, tender_id: int, payload: CancelIn) -> Tender:
    """For the committee chair, or the PA/KPA of the package's agency."""
    user = _user(request)
    tender = selectors_setup.access_tender_for_cancel(user=user, tender_id=tender_id)
    return cancellation.tender_cancel(actor=user, tender=tender, reason=payload.reason)
