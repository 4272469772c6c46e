"""Reads of the RUP and the adoption plans that depend on who asks (conventions 2).

`access_*` raise the same NotFound for a missing item and for one the user may not see.
Drafts are seen only by the agency's PA/KPA and PPK (plans.permissions); announced and
withdrawn items and their history are public (LT 34, KA 16).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.permissions import (
    active_assignments,
    is_lpse_admin,
    is_lpse_staff,
    may_write_procurement,
)
from openlpse.core import errors
from openlpse.organizations.models import Agency, Lpse, WorkUnit
from openlpse.plans import permissions
from openlpse.plans.enums import SELECTION_METHODS, AdoptionPlanStatus, RupStatus
from openlpse.plans.models import AdoptionPlan, RupImport, RupItem, RupRevision

PUBLIC_STATUSES = (RupStatus.ANNOUNCED, RupStatus.WITHDRAWN)
PUBLIC_SORTS = {
    "code": "code",
    "name": "name",
    "pagu": "pagu",
    "year": "fiscal_year",
    "agency": "agency__name",
    "announced": "last_announced_at",
}


def _scope_q(user: Any, roles: tuple[str, ...]) -> Q | None:
    """RUP items inside the scopes where the user holds one of `roles` today, or None."""
    q = Q()
    found = False
    for assignment in active_assignments(user).filter(role__in=roles):
        found = True
        if assignment.scope_kind == ScopeKind.WORK_UNIT:
            q |= Q(work_unit_id=assignment.work_unit_id)
        elif assignment.scope_kind == ScopeKind.AGENCY:
            q |= Q(agency_id=assignment.agency_id)
        elif assignment.scope_kind == ScopeKind.LPSE:
            q |= Q(lpse_id=assignment.lpse_id)
    return q if found else None


@dataclass(frozen=True)
class PlannerScope:
    """Where a PA/KPA may plan: an agency (all its work units) or one work unit of it."""

    agency: Agency
    work_unit: WorkUnit | None

    @property
    def key(self) -> str:
        return f"{self.agency.pk}:{self.work_unit.pk if self.work_unit else ''}"

    @property
    def label(self) -> str:
        if self.work_unit is None:
            return self.agency.name
        return f"{self.agency.name} · {self.work_unit.name}"


def planner_scopes(*, user: Any) -> list[PlannerScope]:
    """Each agency and work unit the user can write RUP items for, agency-wide first."""
    if not may_write_procurement(user):
        return []
    scopes: dict[str, PlannerScope] = {}
    for a in active_assignments(user).filter(role__in=permissions.PLANNER_ROLES):
        if a.scope_kind == ScopeKind.AGENCY and a.agency is not None:
            for scope in [PlannerScope(a.agency, None)] + [
                PlannerScope(a.agency, unit)
                for unit in a.agency.work_units.filter(is_active=True).order_by("name")
            ]:
                scopes.setdefault(scope.key, scope)
        elif a.scope_kind == ScopeKind.WORK_UNIT and a.work_unit is not None:
            scope = PlannerScope(a.work_unit.agency, a.work_unit)
            scopes.setdefault(scope.key, scope)
    return sorted(scopes.values(), key=lambda s: (s.agency.name, s.work_unit is not None, s.label))


def planner_agencies(*, user: Any) -> list[Agency]:
    """Agencies where the user plans (at agency or work-unit level)."""
    seen: dict[int, Agency] = {}
    for scope in planner_scopes(user=user):
        seen.setdefault(scope.agency.pk, scope.agency)
    return list(seen.values())


def rup_items_for_planner(
    *, user: Any, status: str = "", fiscal_year: int | None = None, text: str = ""
) -> QuerySet[RupItem]:
    """The back-office list: the RUP items of the agencies and work units where the user is
    PA or KPA (or PPK, read only)."""
    q = _scope_q(user, (Role.PA, Role.KPA, Role.PPK))
    if q is None:
        return RupItem.objects.none()
    items = RupItem.objects.filter(q).select_related("agency", "work_unit", "lpse")
    if status:
        items = items.filter(status=status)
    if fiscal_year:
        items = items.filter(fiscal_year=fiscal_year)
    if text:
        items = items.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return items.order_by("-fiscal_year", "code")


def access_rup(*, user: Any, rup_id: int) -> RupItem:
    """An item for the back office: its planners and PPKs see it in every state; anyone
    else only once it is public."""
    item = RupItem.objects.select_related("agency", "work_unit", "lpse").filter(pk=rup_id).first()
    if item is None:
        raise errors.NotFound()
    if item.status in PUBLIC_STATUSES or permissions.can_view_rup_draft(user, item):
        return item
    raise errors.NotFound()


def rup_items_for_package(*, user: Any) -> QuerySet[RupItem]:
    """Announced (not withdrawn) RUP items a PPK may make a package from: those of the
    agencies and work units where the user is PPK today (no RUP, no package: Perpres 16/2018
    Pasal 50(8)), whose planned method goes through a selection (not swakelola or
    e-purchasing: enums.SELECTION_METHODS)."""
    q = _scope_q(user, (Role.PPK,))
    if q is None:
        return RupItem.objects.none()
    return (
        RupItem.objects.filter(
            q,
            status=RupStatus.ANNOUNCED,
            planned_method__in=[str(m) for m in SELECTION_METHODS],
        )
        .select_related("agency", "work_unit", "lpse")
        .order_by("-fiscal_year", "code")
    )


# --- public --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RupFilters:
    """The public list's filters; every field optional."""

    lpse: Lpse | None = None
    agency: Agency | None = None
    fiscal_year: int | None = None
    procurement_type: str = ""
    planned_method: str = ""
    funding_source: str = ""
    pagu_min: Decimal | None = None
    pagu_max: Decimal | None = None
    text: str = ""
    status: str = RupStatus.ANNOUNCED
    sort: str = "-announced"


def public_rup_list(*, filters: RupFilters) -> QuerySet[RupItem]:
    """Announced (or, asked for, withdrawn) RUP items of active LPSEs."""
    status = filters.status if filters.status in ("announced", "withdrawn", "all") else "announced"
    items = RupItem.objects.filter(lpse__is_active=True)
    if status == "all":
        items = items.filter(status__in=PUBLIC_STATUSES)
    else:
        items = items.filter(status=status)
    if filters.lpse is not None:
        items = items.filter(lpse_id=filters.lpse.pk)
    if filters.agency is not None:
        items = items.filter(agency_id=filters.agency.pk)
    if filters.fiscal_year:
        items = items.filter(fiscal_year=filters.fiscal_year)
    if filters.procurement_type:
        items = items.filter(procurement_type=filters.procurement_type)
    if filters.planned_method:
        items = items.filter(planned_method=filters.planned_method)
    if filters.funding_source:
        items = items.filter(funding_source=filters.funding_source)
    if filters.pagu_min is not None:
        items = items.filter(pagu__gte=filters.pagu_min)
    if filters.pagu_max is not None:
        items = items.filter(pagu__lte=filters.pagu_max)
    text = filters.text.strip()
    if text:
        items = items.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(location__icontains=text)
            | Q(agency__name__icontains=text)
        )
    key = filters.sort.lstrip("-")
    field = PUBLIC_SORTS.get(key, "last_announced_at")
    descending = filters.sort.startswith("-") if key in PUBLIC_SORTS else True
    return items.select_related("agency", "work_unit", "lpse").order_by(
        f"-{field}" if descending else field, "-pk" if descending else "pk"
    )


def public_fiscal_years() -> list[int]:
    return list(
        RupItem.objects.filter(status__in=PUBLIC_STATUSES)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def access_public_rup(*, rup_id: int) -> RupItem:
    """A public item: announced or withdrawn; drafts are not found, exactly like a missing id."""
    item = (
        RupItem.objects.select_related("agency", "work_unit", "lpse")
        .filter(pk=rup_id, status__in=PUBLIC_STATUSES, lpse__is_active=True)
        .first()
    )
    if item is None:
        raise errors.NotFound()
    return item


def rup_history(*, item: RupItem) -> list[RupRevision]:
    """The announced revisions, newest first (public); each with its snapshot's pagu as a
    Decimal in `pagu`."""
    revisions = list(item.revisions.order_by("-number"))
    for revision in revisions:
        revision.pagu = Decimal(str(revision.snapshot.get("pagu", "0")))  # type: ignore[attr-defined]
    return revisions


def access_rup_import(*, user: Any, import_id: int) -> RupImport:
    """An import's report: for the person who ran it."""
    found = (
        RupImport.objects.select_related("agency")
        .filter(pk=import_id, created_by_id=getattr(user, "pk", None))
        .first()
    )
    if found is None:
        raise errors.NotFound()
    return found


# --- adoption plans ----------------------------------------------------------------------------


def _adoption_lpse_ids(user: Any) -> set[int]:
    return set(
        active_assignments(user)
        .filter(role__in=(Role.LPSE_ADMIN, Role.LPSE_STAFF))
        .values_list("lpse_id", flat=True)
    )


def adoption_writer_agencies(*, user: Any) -> list[Agency]:
    """Agencies whose adoption plan the user writes (agency admin, PA or KPA of the agency)."""
    agencies: dict[int, Agency] = {}
    for a in active_assignments(user).filter(
        role__in=(Role.AGENCY_ADMIN, Role.PA, Role.KPA), agency__isnull=False
    ):
        if a.agency is not None and permissions.can_write_adoption_plan(user, a.agency):
            agencies.setdefault(a.agency.pk, a.agency)
    return sorted(agencies.values(), key=lambda agency: agency.name)


def can_view_adoption_plan(user: Any, plan: AdoptionPlan) -> bool:
    if permissions.can_write_adoption_plan(user, plan.agency):
        return True
    return is_lpse_admin(user, plan.lpse) or is_lpse_staff(user, plan.lpse)


def adoption_plans_visible(*, user: Any) -> QuerySet[AdoptionPlan]:
    """Plans of the user's agencies (writers), and all plans of the LPSEs where the user is
    LPSE admin or staff."""
    agency_ids = [a.pk for a in adoption_writer_agencies(user=user)]
    q = Q(agency_id__in=agency_ids) | Q(lpse_id__in=_adoption_lpse_ids(user))
    return (
        AdoptionPlan.objects.filter(q)
        .select_related("agency", "lpse")
        .order_by("-fiscal_year", "agency__name")
    )


def access_adoption_plan(*, user: Any, plan_id: int) -> AdoptionPlan:
    plan = (
        AdoptionPlan.objects.select_related("agency", "lpse", "proposed_by", "decided_by")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None or not can_view_adoption_plan(user, plan):
        raise errors.NotFound()
    return plan


@dataclass(frozen=True)
class Measure:
    """Planned against done: `planned` may be None when the plan sets no such target."""

    planned: Decimal | int | None
    done: Decimal | int

    @property
    def percent(self) -> int | None:
        if not self.planned:
            return None
        return min(int(Decimal(self.done) * 100 / Decimal(self.planned)), 999)


@dataclass(frozen=True)
class AdoptionProgress:
    """Progress of an adoption plan: the announced RUP items of the agency and year that go
    through a selection, the packages of the agency and year whose tender has been announced
    (tendered electronically), and, with a threshold, the items at or above it."""

    rup_count: int
    rup_value: Decimal
    tendered_count: int
    tendered_pagu: Decimal
    tendered_hps: Decimal
    count: Measure
    value: Measure
    threshold_count: int
    threshold_tendered: int
    threshold: Measure


def adoption_progress(*, plan: AdoptionPlan) -> AdoptionProgress:
    """Packages and value tendered electronically against the plan (LT 37(2)). A package
    counts once, however many tenders it had, once one of them was announced."""
    from openlpse.tenders.models import Package

    rup = RupItem.objects.filter(
        agency_id=plan.agency_id,
        fiscal_year=plan.fiscal_year,
        status=RupStatus.ANNOUNCED,
        planned_method__in=[str(m) for m in SELECTION_METHODS],
    )
    rup_totals = rup.aggregate(n=Count("pk"), value=Sum("pagu"))
    tendered = Package.objects.filter(
        agency_id=plan.agency_id,
        fiscal_year=plan.fiscal_year,
        tenders__announced_at__isnull=False,
    ).distinct()
    tendered_ids = list(tendered.values_list("pk", flat=True))
    totals = Package.objects.filter(pk__in=tendered_ids).aggregate(
        pagu=Sum("pagu"), hps=Sum("hps_total")
    )
    zero = Decimal("0")
    threshold_count = threshold_tendered = 0
    if plan.value_threshold is not None:
        above = rup.filter(pagu__gte=plan.value_threshold)
        threshold_count = above.count()
        threshold_tendered = (
            Package.objects.filter(pk__in=tendered_ids, rup_item__in=above)
            .values("rup_item_id")
            .distinct()
            .count()
        )
    tendered_pagu = totals["pagu"] or zero
    return AdoptionProgress(
        rup_count=rup_totals["n"],
        rup_value=rup_totals["value"] or zero,
        tendered_count=len(tendered_ids),
        tendered_pagu=tendered_pagu,
        tendered_hps=totals["hps"] or zero,
        count=Measure(plan.target_count, len(tendered_ids)),
        value=Measure(plan.target_value, tendered_pagu),
        threshold=Measure(
            threshold_count if plan.value_threshold is not None else None, threshold_tendered
        ),
        threshold_count=threshold_count,
        threshold_tendered=threshold_tendered,
    )


def plans_to_decide(*, user: Any) -> QuerySet[AdoptionPlan]:
    """Proposed plans of the LPSEs where the user is LPSE admin."""
    lpse_ids = (
        active_assignments(user).filter(role=Role.LPSE_ADMIN).values_list("lpse_id", flat=True)
    )
    return AdoptionPlan.objects.filter(
        lpse_id__in=list(lpse_ids), status=AdoptionPlanStatus.PROPOSED
    ).select_related("agency")
