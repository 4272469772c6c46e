"""Public tenders in the JSON API (issue 4 item 10; the SPSE list and pages of
spse-reference §7.1 as data). No sign-in.

- `GET /tenders`: the public tenders, cursor paginated, with the filters of the public list.
- `GET /tenders/{code}`: one tender: method (`pasca_1_file`, `pasca_2_file`, `pra_1_file`,
  `pra_2_file`, `pengadaan_langsung`), status, current stage(s), the schedule with its change
  counts and changes (with reasons), RUP, agency, HPS, pagu, qualification, documents with
  their SHA-256, addenda, participants' names, question counts.

Times are ISO 8601 in the tender's LPSE zone (its offset, e.g. +08:00 for WITA; `lpse.zone`
names it). Money is a decimal string ("1500000000.00"). A draft answers 404 like a code that
does not exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from openlpse.core import clock, errors
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.core.timezones import to_local, zone_abbreviation
from openlpse.organizations.models import Lpse
from openlpse.plans.enums import ProcurementType
from openlpse.tenders import selectors_public
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import Tender
from openlpse.tenders.selectors_public import PublicFilters, ScheduleRow, StageNames

router = Router(tags=["Tenders (public)"])

MethodValue = Literal[
    "pasca_1_file", "pasca_2_file", "pra_1_file", "pra_2_file", "pengadaan_langsung"
]
StatusValue = Literal["announced", "cancelled", "failed", "completed"]
CategoryValue = Literal[
    "barang", "konstruksi", "konsultansi_bu", "konsultansi_perorangan", "jasa_lainnya"
]
# API sort -> the cursor pagination's order_by (a plain non-null field, core.pagination).
API_SORTS = {
    "newest": "-id",
    "oldest": "id",
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
}

assert set(MethodValue.__args__) == set(TenderMethod.values)  # type: ignore[attr-defined]
assert set(CategoryValue.__args__) == set(ProcurementType.values)  # type: ignore[attr-defined]


# --- schemas ----------------------------------------------------------------------------------


class LpseRef(Schema):
    slug: str
    name: str
    time_zone: str = Field(description="IANA zone of the LPSE; every time is given in it.")
    zone: str = Field(description="WIB, WITA or WIT.")


class AgencyRef(Schema):
    id: int
    name: str


class StageOut(Schema):
    position: int
    code: str = Field(description="Stable stage code of the method's template.")
    name: str = Field(description="The stage's name as SPSE shows it (Accept-Language).")
    starts_at: dt.datetime
    ends_at: dt.datetime
    change_count: int = Field(description="How many times this stage was moved (Perubahan).")
    is_current: bool


class TenderSummaryOut(Schema):
    code: str
    name: str
    url: str = Field(description="Path of the public announcement page.")
    lpse: LpseRef
    agency: AgencyRef
    work_unit: str | None
    category: CategoryValue = Field(description="Procurement type (jenis pengadaan).")
    method: MethodValue
    status: StatusValue
    stage_state: str = Field(
        description="current (a stage is open), not_started, between, ended, or the status "
        "when the tender is no longer running (cancelled, failed, completed)."
    )
    current_stages: list[StageOut]
    fiscal_year: int
    pagu: Decimal
    hps: Decimal
    announced_at: dt.datetime
    participant_count: int
    schedule_change_count: int


class RupOut(Schema):
    code: str
    name: str
    fiscal_year: int
    funding_source: str


class RequirementOut(Schema):
    kind: str
    licence_kind: str
    classification: str
    text: str


class RequiredDocumentOut(Schema):
    envelope: str
    name: str
    mandatory: bool


class GuaranteeOut(Schema):
    kind: str
    amount: Decimal | None
    notes: str


class ScheduleChangeOut(Schema):
    batch: int = Field(description="The change operation (1, 2, ...); one reason per batch.")
    stage_code: str
    old_starts_at: dt.datetime
    old_ends_at: dt.datetime
    new_starts_at: dt.datetime
    new_ends_at: dt.datetime
    reason: str
    changed_at: dt.datetime


class DocumentOut(Schema):
    kind: str
    version: int
    title: str
    sha256: str
    size: int
    published_at: dt.datetime
    superseded_at: dt.datetime | None
    addendum: int | None = Field(description="Number of the addendum that published it.")


class AddendumOut(Schema):
    number: int
    reason: str
    published_at: dt.datetime | None
    changes_hps: bool
    changes_specifications: bool
    changes_contract: bool


class QuestionCountsOut(Schema):
    asked: int
    answered: int


class CancellationOut(Schema):
    cancelled_at: dt.datetime | None
    reason: str


class TenderDetailOut(TenderSummaryOut):
    evaluation_method: str
    technical_weight: Decimal | None
    price_weight: Decimal | None
    technical_passing_grade: Decimal | None
    economic_life_years: int | None
    bid_validity_days: int
    contract_type: str
    business_qualification: str
    description: str
    rup: RupOut
    locations: list[str]
    qualification_requirements: list[RequirementOut]
    required_documents: list[RequiredDocumentOut]
    guarantees: list[GuaranteeOut]
    schedule: list[StageOut]
    schedule_changes: list[ScheduleChangeOut]
    documents: list[DocumentOut]
    addenda: list[AddendumOut]
    participants: list[str] = Field(description="Names of the vendors that joined.")
    questions: QuestionCountsOut
    cancellation: CancellationOut | None


class TenderFilter(PageParams):
    lpse: str | None = Field(None, description="Only this LPSE's tenders (slug).")
    agency: int | None = Field(None, description="Only this agency's tenders (id).")
    category: CategoryValue | None = Field(None, description="Procurement type.")
    method: MethodValue | None = None
    stage: str | None = Field(
        None, max_length=40, description="Only tenders in which this stage (code) is open now."
    )
    status: StatusValue | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Fiscal year.")
    hps_min: Decimal | None = Field(None, ge=0, description="Lowest HPS (Rp).")
    hps_max: Decimal | None = Field(None, ge=0, description="Highest HPS (Rp).")
    q: str | None = Field(
        None,
        max_length=100,
        description="Words of the name, agency or work unit, or a whole tender, package or "
        "RUP code.",
    )
    sort: Literal["newest", "oldest", "code", "-code", "name", "-name"] = "newest"


# --- building the answers ---------------------------------------------------------------------


def _local(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    return to_local(value, zone) if value is not None else None


def _lpse(lpse: Lpse) -> dict[str, str]:
    return {
        "slug": lpse.slug,
        "name": lpse.name,
        "time_zone": lpse.time_zone,
        "zone": zone_abbreviation(lpse.time_zone),
    }


def _stage(row: ScheduleRow, zone: str) -> dict[str, Any]:
    return {
        "position": row.position,
        "code": row.code,
        "name": row.name,
        "starts_at": to_local(row.starts_at, zone),
        "ends_at": to_local(row.ends_at, zone),
        "change_count": row.change_count,
        "is_current": row.is_current,
    }


def _summary(tender: Tender, *, names: StageNames, at: dt.datetime) -> dict[str, Any]:
    zone = tender.lpse.time_zone
    package = tender.package
    rows = selectors_public.schedule_rows(tender, names=names, at=at)
    return {
        "code": tender.code,
        "name": tender.name,
        "url": reverse("tenders:public_announcement", args=[tender.code]),
        "lpse": _lpse(tender.lpse),
        "agency": {"id": package.agency_id, "name": package.agency.name},
        "work_unit": package.work_unit.name if package.work_unit else None,
        "category": package.procurement_type,
        "method": tender.method,
        "status": tender.status,
        "stage_state": selectors_public.stage_state(tender, at),
        "current_stages": [_stage(r, zone) for r in rows if r.is_current],
        "fiscal_year": package.fiscal_year,
        "pagu": package.pagu,
        "hps": package.hps_total,
        "announced_at": _local(tender.announced_at, zone),
        "participant_count": tender.participant_count,  # type: ignore[attr-defined]
        "schedule_change_count": tender.schedule_change_count,
        "_rows": rows,
    }


def _detail(tender: Tender, *, names: StageNames, at: dt.datetime) -> dict[str, Any]:
    zone = tender.lpse.time_zone
    package = tender.package
    rup = package.rup_item
    data = _summary(tender, names=names, at=at)
    rows: list[ScheduleRow] = data.pop("_rows")
    documents = selectors_public.public_documents(tender)
    counts = selectors_public.question_counts(tender)
    data.update(
        {
            "evaluation_method": tender.evaluation_method,
            "technical_weight": tender.technical_weight,
            "price_weight": tender.price_weight,
            "technical_passing_grade": tender.technical_passing_grade,
            "economic_life_years": tender.economic_life_years,
            "bid_validity_days": tender.bid_validity_days,
            "contract_type": package.contract_type,
            "business_qualification": package.business_qualification,
            "description": package.description,
            "rup": {
                "code": rup.code,
                "name": rup.name,
                "fiscal_year": rup.fiscal_year,
                "funding_source": rup.funding_source,
            },
            "locations": [
                ", ".join(p for p in (x.detail, x.city, x.province) if p)
                for x in package.locations.all()
            ],
            "qualification_requirements": [
                {
                    "kind": r.kind,
                    "licence_kind": r.licence_kind,
                    "classification": r.classification,
                    "text": r.text,
                }
                for r in tender.requirements.all()
            ],
            "required_documents": [
                {"envelope": d.envelope, "name": d.name, "mandatory": d.mandatory}
                for d in tender.required_documents.all()
            ],
            "guarantees": [
                {"kind": g.kind, "amount": g.amount, "notes": g.notes}
                for g in tender.guarantees.all()
            ],
            "schedule": [_stage(r, zone) for r in rows],
            "schedule_changes": [
                {
                    "batch": c.batch,
                    "stage_code": c.stage_code,
                    "old_starts_at": to_local(c.old_starts_at, zone),
                    "old_ends_at": to_local(c.old_ends_at, zone),
                    "new_starts_at": to_local(c.new_starts_at, zone),
                    "new_ends_at": to_local(c.new_ends_at, zone),
                    "reason": c.reason,
                    "changed_at": to_local(c.changed_at, zone),
                }
                for batch in selectors_public.schedule_changes(tender)
                for c in batch.rows
            ],
            "documents": [
                {
                    "kind": d.kind,
                    "version": d.version,
                    "title": d.title,
                    "sha256": d.file.sha256,
                    "size": d.file.size,
                    "published_at": _local(d.published_at or tender.announced_at, zone),
                    "superseded_at": _local(d.superseded_at, zone),
                    "addendum": d.addendum.number if d.addendum else None,
                }
                for d in documents
            ],
            "addenda": [
                {
                    "number": a.number,
                    "reason": a.reason,
                    "published_at": _local(a.published_at, zone),
                    "changes_hps": a.changes_hps,
                    "changes_specifications": a.changes_specifications,
                    "changes_contract": a.changes_contract,
                }
                for a in selectors_public.public_addenda(tender)
            ],
            "participants": [p.vendor.name for p in selectors_public.public_participants(tender)],
            "questions": {"asked": counts.asked, "answered": counts.answered},
            "cancellation": (
                {"cancelled_at": _local(tender.cancelled_at, zone), "reason": tender.cancel_reason}
                if tender.cancel_reason
                else None
            ),
        }
    )
    return data


# --- endpoints --------------------------------------------------------------------------------


def _filters(params: TenderFilter) -> PublicFilters:
    lpse = None
    if params.lpse:
        lpse = Lpse.objects.filter(slug=params.lpse, is_active=True).first()
        if lpse is None:
            raise errors.ValidationError(
                fields={"lpse": [_("No LPSE of this portal has this slug. See /api/v1/lpses.")]}
            )
    if params.stage and params.stage not in selectors_public.stage_codes():
        message = _("No method has a stage with this code. Use a `code` of a tender's `schedule`.")
        raise errors.ValidationError(message, fields={"stage": [message]})
    return PublicFilters(
        lpse=lpse,
        agency_id=params.agency,
        category=params.category or "",
        method=params.method or "",
        stage=params.stage or "",
        status=params.status or "",
        year=params.year,
        hps_min=params.hps_min,
        hps_max=params.hps_max,
        text=params.q or "",
        at=clock.now(),
    )


@router.get(
    "/tenders",
    response={200: CursorPage[TenderSummaryOut], **error_responses(400)},
    summary="The public tenders",
    auth=None,
)
def tender_list(request: HttpRequest, params: Query[TenderFilter]) -> dict[str, Any]:
    """Announced tenders and direct procurements of every LPSE (and those cancelled, failed
    or completed), newest first by default, with the filters of the public list: LPSE,
    agency, category, method, current stage, status, fiscal year, HPS range and text."""
    filters = _filters(params)
    tenders = selectors_public.public_tenders(filters=filters)
    page = paginate(
        tenders, order_by=API_SORTS[params.sort], cursor=params.cursor, limit=params.limit
    )
    names = StageNames()
    assert filters.at is not None
    items = []
    for tender in page.items:
        item = _summary(tender, names=names, at=filters.at)
        item.pop("_rows")
        items.append(item)
    return {"items": items, "next_cursor": page.next_cursor}


@router.get(
    "/tenders/{code}",
    response={200: TenderDetailOut, **error_responses(404)},
    summary="One public tender",
    auth=None,
)
def tender_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """The tender's announcement, schedule (with changes and their reasons), documents (with
    SHA-256), addenda, participants and question counts."""
    tender = selectors_public.access_public_tender(code=code)
    return _detail(tender, names=StageNames(), at=clock.now())
