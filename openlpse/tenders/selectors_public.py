"""What the public sees of tenders (spse-reference §7.1; issue 4 item 10): the list with its
filters and sorting, and one tender's pengumuman, jadwal, peserta and dokumen.

Visibility is decided here, in one place (conventions 10):

- a tender is public once it was announced: status announced, cancelled, failed or
  completed, with an announcement time. A draft, and a tender cancelled before it was ever
  announced, do not exist for the public: `access_public_tender` raises the same NotFound as
  for a code that does not exist (no leak).
- documents: the versions published with the announcement and those of published addenda;
  an addendum still waiting for the PPK is not public.
- participants: their names and count (SPSE shows them); no prices before the bids work.
- questions: counts only (the texts are for participants, selectors_questions).

The list costs a constant number of queries whatever the page size: the related rows come
with `select_related`, the participant count is a subquery, the schedules of the page come in
one prefetch and the stage names in one query (`StageNames`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openlpse.core import clock, errors
from openlpse.organizations.models import Lpse
from openlpse.tenders.enums import (
    PUBLIC_TENDER_STATUSES,
    AddendumStatus,
    TenderStatus,
)
from openlpse.tenders.models import (
    Addendum,
    Participant,
    Question,
    ScheduleChange,
    StageLabel,
    Tender,
    TenderDocument,
    TenderStage,
)
from openlpse.tenders.selectors_documents import PUBLIC_DOCUMENT_Q
from openlpse.tenders.stages import template_for, templates

# Sort keys of the public list: key -> order_by (the primary key last, so pages are stable).
SORTS: dict[str, tuple[str, ...]] = {
    "announced": ("announced_at", "pk"),
    "-announced": ("-announced_at", "-pk"),
    "code": ("code", "pk"),
    "-code": ("-code", "-pk"),
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "agency": ("package__agency__name", "pk"),
    "-agency": ("-package__agency__name", "-pk"),
    "hps": ("package__hps_total", "pk"),
    "-hps": ("-package__hps_total", "-pk"),
    "year": ("package__fiscal_year", "pk"),
    "-year": ("-package__fiscal_year", "-pk"),
}
DEFAULT_SORT = "-announced"


def stage_codes() -> list[str]:
    """Every stage code of every method, in template order, each once (the stage filter)."""
    seen: dict[str, None] = {}
    for stages in templates().values():
        for definition in stages:
            seen.setdefault(definition.code, None)
    return list(seen)


@dataclass(frozen=True)
class PublicFilters:
    """The public list's filters; empty values filter nothing. `stage` is a stage code: the
    tenders in which that stage is open now (by the server clock)."""

    lpse: Lpse | None = None
    agency_id: int | None = None
    category: str = ""  # procurement type (plans.enums.ProcurementType)
    method: str = ""  # tenders.enums.TenderMethod
    stage: str = ""
    status: str = ""  # one of PUBLIC_TENDER_STATUSES
    year: int | None = None
    hps_min: Decimal | None = None
    hps_max: Decimal | None = None
    text: str = ""
    sort: str = DEFAULT_SORT
    at: dt.datetime | None = field(default=None, compare=False)


def check_filters(filters: PublicFilters) -> None:
    """Refuse a value range upside down (both the page and the API say the same)."""
    if (
        filters.hps_min is not None
        and filters.hps_max is not None
        and filters.hps_min > filters.hps_max
    ):
        message = _(
            "The lowest HPS is above the highest HPS. Enter a lowest value that is not more "
            "than the highest, or leave one of them empty."
        )
        raise errors.ValidationError(message, fields={"hps_max": [message]}, code="hps_range")
    if filters.sort not in SORTS:
        message = _("Unknown sort order. Choose one of the column names of the list.")
        raise errors.ValidationError(message, fields={"sort": [message]}, code="sort")


def public_q() -> Q:
    return Q(status__in=sorted(PUBLIC_TENDER_STATUSES), announced_at__isnull=False)


def _participant_count() -> Subquery:
    counted = (
        Participant.objects.filter(tender=OuterRef("pk"))
        .order_by()
        .values("tender")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _stage_prefetch() -> Prefetch[Any]:
    return Prefetch("stages", queryset=TenderStage.objects.order_by("position"))


def public_tenders(*, filters: PublicFilters) -> QuerySet[Tender]:
    """The public tenders matching `filters`, sorted, with what a list row shows: LPSE,
    agency, work unit, package (HPS, pagu, year, category), the schedule (prefetched, for the
    current stages) and `participant_count`."""
    check_filters(filters)
    rows = (
        Tender.objects.filter(public_q())
        .select_related("lpse", "package", "package__agency", "package__work_unit")
        .annotate(participant_count=Coalesce(_participant_count(), Value(0)))
        .prefetch_related(_stage_prefetch())
    )
    if filters.lpse is not None:
        rows = rows.filter(lpse=filters.lpse)
    if filters.agency_id is not None:
        rows = rows.filter(package__agency_id=filters.agency_id)
    if filters.category:
        rows = rows.filter(package__procurement_type=filters.category)
    if filters.method:
        rows = rows.filter(method=filters.method)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.year is not None:
        rows = rows.filter(package__fiscal_year=filters.year)
    if filters.hps_min is not None:
        rows = rows.filter(package__hps_total__gte=filters.hps_min)
    if filters.hps_max is not None:
        rows = rows.filter(package__hps_total__lte=filters.hps_max)
    if filters.stage:
        at = filters.at or clock.now()
        running = TenderStage.objects.filter(
            tender=OuterRef("pk"), code=filters.stage, starts_at__lte=at, ends_at__gt=at
        )
        # A cancelled or failed tender has no current stage, whatever its old schedule says.
        rows = rows.filter(Exists(running), status=TenderStatus.ANNOUNCED)
    text = filters.text.strip()
    if text:
        rows = rows.filter(
            Q(name__icontains=text)
            | Q(code__iexact=text)
            | Q(package__code__iexact=text)
            | Q(package__rup_item__code__iexact=text)
            | Q(package__agency__name__icontains=text)
            | Q(package__work_unit__name__icontains=text)
        )
    return rows.order_by(*SORTS[filters.sort])


def access_public_tender(*, code: str) -> Tender:
    """One public tender by its code, with what the pengumuman shows; NotFound for a code
    that does not exist and for a tender the public may not see (the same error)."""
    tender = (
        Tender.objects.filter(public_q(), code=code)
        .select_related(
            "lpse",
            "package",
            "package__agency",
            "package__work_unit",
            "package__rup_item",
        )
        .annotate(participant_count=Coalesce(_participant_count(), Value(0)))
        .prefetch_related(
            _stage_prefetch(),
            "package__locations",
            "requirements",
            "required_documents",
            "guarantees",
        )
        .first()
    )
    if tender is None:
        raise errors.NotFound()
    return tender


# --- stage names ------------------------------------------------------------------------------


class StageNames:
    """Stage names for many tenders with one query: the template's names, with the
    deployment's and each LPSE's own labels (`StageLabel`) for the unverified ones, exactly as
    `labels.stage_name` decides them."""

    def __init__(self, language: str | None = None) -> None:
        self.language = (language or translation.get_language() or "id").split("-")[0]
        self._labels: dict[tuple[int | None, str, str], StageLabel] = {
            (row.lpse_id, row.method, row.code): row for row in StageLabel.objects.all()
        }

    def name(self, method: str, code: str, lpse_id: int | None = None) -> str:
        definition = next((d for d in template_for(method) if d.code == code), None)
        if definition is None:
            return code
        if not definition.verified:
            label = self._labels.get((lpse_id, method, code)) or self._labels.get(
                (None, method, code)
            )
            if label is not None:
                return label.name_en if self.language == "en" else label.name_id
        return definition.name_en if self.language == "en" else definition.name_id


# --- schedule, documents, participants ---------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    position: int
    code: str
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    change_count: int
    is_current: bool
    has_ended: bool


def schedule_rows(
    tender: Tender, *, names: StageNames, at: dt.datetime | None = None
) -> list[ScheduleRow]:
    """The jadwal: one row per stage in template order, with "n kali perubahan". A stage is
    current only while the tender runs (not after it was cancelled or failed)."""
    at = at or clock.now()
    running = tender.status == TenderStatus.ANNOUNCED
    stages = sorted(tender.stages.all(), key=lambda s: s.position)
    return [
        ScheduleRow(
            position=stage.position,
            code=stage.code,
            name=names.name(tender.method, stage.code, tender.lpse_id),
            starts_at=stage.starts_at,
            ends_at=stage.ends_at,
            change_count=stage.change_count,
            is_current=running and stage.starts_at <= at < stage.ends_at,
            has_ended=stage.ends_at <= at,
        )
        for stage in stages
    ]


def current_stage_rows(
    tender: Tender, *, names: StageNames, at: dt.datetime | None = None
) -> list[ScheduleRow]:
    return [row for row in schedule_rows(tender, names=names, at=at) if row.is_current]


def stage_state(tender: Tender, at: dt.datetime | None = None) -> str:
    """What the "current stage" column says when no stage is open: `cancelled`, `failed`,
    `completed`, `current` (a stage is open), `not_started`, `between` (between two stages)
    or `ended` (every stage is over)."""
    if tender.status != TenderStatus.ANNOUNCED:
        return str(tender.status)
    at = at or clock.now()
    stages = list(tender.stages.all())
    if any(s.starts_at <= at < s.ends_at for s in stages):
        return "current"
    if not stages or all(s.starts_at > at for s in stages):
        return "not_started"
    if all(s.ends_at <= at for s in stages):
        return "ended"
    return "between"


@dataclass(frozen=True)
class ChangeBatch:
    """One schedule change operation (perubahan jadwal): its reason and the stages it moved."""

    number: int
    reason: str
    changed_at: dt.datetime
    rows: list[ScheduleChange]


def schedule_changes(tender: Tender) -> list[ChangeBatch]:
    batches: dict[int, list[ScheduleChange]] = {}
    for change in ScheduleChange.objects.filter(tender=tender).order_by("batch", "id"):
        batches.setdefault(change.batch, []).append(change)
    return [
        ChangeBatch(number=n, reason=rows[0].reason, changed_at=rows[0].changed_at, rows=rows)
        for n, rows in sorted(batches.items())
    ]


def public_documents(tender: Tender) -> list[TenderDocument]:
    """Every public version of the tender's documents (newest version first within a kind):
    those of the announcement and those of published addenda (the documents part's own rule,
    selectors_documents.PUBLIC_DOCUMENT_Q), with the stored file (SHA-256, size) and the
    addendum."""
    return list(
        TenderDocument.objects.filter(tender=tender)
        .filter(PUBLIC_DOCUMENT_Q)
        .select_related("file", "addendum")
        .order_by("kind", "-version")
    )


def public_addenda(tender: Tender) -> list[Addendum]:
    return list(
        Addendum.objects.filter(tender=tender, status=AddendumStatus.PUBLISHED).order_by("number")
    )


def public_participants(tender: Tender) -> list[Participant]:
    """The participants by the time they joined, with the vendor (name only is shown)."""
    return list(
        Participant.objects.filter(tender=tender)
        .select_related("vendor")
        .order_by("joined_at", "pk")
    )


@dataclass(frozen=True)
class QuestionCounts:
    asked: int
    answered: int


def question_counts(tender: Tender) -> QuestionCounts:
    """How many questions were asked and answered (the public sees counts, never texts)."""
    counts = Question.objects.filter(tender=tender).aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return QuestionCounts(asked=counts["asked"] or 0, answered=counts["answered"] or 0)
