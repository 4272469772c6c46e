"""Reads of the organisations, scoped by who asks.

- The public sees active LPSEs only.
- In the back office, an LPSE is visible to platform operators and to anyone holding a role in
  force there; its admins and staff see all its agencies, an agency admin sees their agency.
- `access_*` raise NotFound both for a missing object and for one the user may not see, so
  another LPSE's data does not reveal that it exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from openlpse.accounts import permissions
from openlpse.accounts.enums import Role
from openlpse.core.errors import NotFound
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit

AGENCY_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "code": ("code", "pk"),
    "-code": ("-code", "-pk"),
    "kind": ("kind", "name", "pk"),
    "-kind": ("-kind", "name", "pk"),
    "units": ("work_unit_count", "name", "pk"),
    "-units": ("-work_unit_count", "name", "pk"),
}


# --- LPSE -----------------------------------------------------------------------------------------


def lpse_list_public() -> QuerySet[Lpse]:
    return Lpse.objects.filter(is_active=True).order_by("name")


def lpse_get_public(*, slug: str) -> Lpse:
    lpse = lpse_list_public().filter(slug=slug).first()
    if lpse is None:
        raise NotFound()
    return lpse


def lpse_list_visible(*, user: Any) -> QuerySet[Lpse]:
    """LPSEs whose back office the user may open."""
    if permissions.is_platform_operator(user):
        return Lpse.objects.order_by("name")
    ids = (
        permissions.active_assignments(user)
        .exclude(lpse__isnull=True)
        .values_list("lpse_id", flat=True)
    )
    return Lpse.objects.filter(pk__in=list(ids), is_active=True).order_by("name")


def access_lpse(*, user: Any, slug: str) -> Lpse:
    """The LPSE by slug if the user may open its back office; NotFound otherwise."""
    lpse = Lpse.objects.filter(slug=slug).first()
    if lpse is None or not (
        permissions.is_platform_operator(user)
        or (lpse.is_active and permissions.can_view_lpse_backoffice(user, lpse))
    ):
        raise NotFound()
    return lpse


def access_lpse_for_management(*, user: Any, slug: str) -> Lpse:
    """The LPSE if the user may manage it (its admin or an operator). Others get NotFound, even
    when they may see it: management pages of an LPSE are not theirs."""
    lpse = Lpse.objects.filter(slug=slug).first()
    if lpse is None or not permissions.can_manage_lpse(user, lpse):
        raise NotFound()
    return lpse


# --- holidays -------------------------------------------------------------------------------------


def holiday_list(*, lpse: Lpse, year: int | None = None) -> QuerySet[Holiday]:
    """The LPSE's calendar (public information: deadlines are counted with it)."""
    qs = Holiday.objects.filter(lpse=lpse).order_by("date")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def access_holiday(*, user: Any, lpse: Lpse, holiday_id: int) -> Holiday:
    holiday = Holiday.objects.filter(pk=holiday_id, lpse=lpse).select_related("lpse").first()
    if holiday is None or not permissions.can_manage_lpse(user, lpse):
        raise NotFound()
    return holiday


# --- agencies -------------------------------------------------------------------------------------


def _sees_all_agencies(user: Any, lpse: Lpse) -> bool:
    return (
        permissions.can_manage_lpse(user, lpse)
        or permissions.is_lpse_staff(user, lpse)
        or permissions.has_active_role(user, Role.AUDITOR, lpse=lpse)
    )


def agency_list_visible(
    *,
    user: Any,
    lpse: Lpse,
    query: str = "",
    kind: str = "",
    status: str = "active",
    sort: str = "name",
) -> QuerySet[Agency]:
    """The LPSE's agencies the user may see, filtered and sorted (sort keys: AGENCY_SORTS)."""
    qs = Agency.objects.filter(lpse=lpse)
    if not _sees_all_agencies(user, lpse):
        agency_ids = (
            permissions.active_assignments(user)
            .filter(lpse_id=lpse.pk)
            .exclude(agency__isnull=True)
            .values_list("agency_id", flat=True)
        )
        qs = qs.filter(pk__in=list(agency_ids))
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    qs = qs.annotate(work_unit_count=Count("work_units", filter=Q(work_units__is_active=True)))
    return qs.select_related("parent").order_by(*AGENCY_SORTS.get(sort, AGENCY_SORTS["name"]))


def access_agency(*, user: Any, lpse: Lpse, agency_id: int) -> Agency:
    """An agency of this LPSE the user may see; NotFound otherwise."""
    agency = Agency.objects.filter(pk=agency_id, lpse=lpse).select_related("lpse", "parent").first()
    if agency is None:
        raise NotFound()
    if _sees_all_agencies(user, lpse):
        return agency
    if permissions.active_assignments(user).filter(agency_id=agency.pk).exists():
        return agency
    raise NotFound()


def access_agency_for_management(*, user: Any, lpse: Lpse, agency_id: int) -> Agency:
    agency = access_agency(user=user, lpse=lpse, agency_id=agency_id)
    if not permissions.can_manage_lpse(user, lpse):
        raise NotFound()
    return agency


# --- work units -------------------------------------------------------------------------------


def work_unit_list(*, agency: Agency, include_inactive: bool = True) -> QuerySet[WorkUnit]:
    """Work units of an agency the caller already obtained through `access_agency`."""
    qs = WorkUnit.objects.filter(agency=agency)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("code", "pk")


def access_work_unit(*, user: Any, lpse: Lpse, work_unit_id: int) -> WorkUnit:
    unit = (
        WorkUnit.objects.filter(pk=work_unit_id, agency__lpse=lpse)
        .select_related("agency", "agency__lpse")
        .first()
    )
    if unit is None:
        raise NotFound()
    access_agency(user=user, lpse=lpse, agency_id=unit.agency_id)
    return unit


def access_work_unit_for_management(*, user: Any, lpse: Lpse, work_unit_id: int) -> WorkUnit:
    unit = access_work_unit(user=user, lpse=lpse, work_unit_id=work_unit_id)
    if not permissions.can_manage_work_units(user, unit.agency):
        raise NotFound()
    return unit


# --- LPSE units and staff ---------------------------------------------------------------------------


def _sees_staff(user: Any, lpse: Lpse) -> bool:
    return permissions.can_manage_lpse(user, lpse) or permissions.is_lpse_staff(user, lpse)


def lpse_unit_list(*, user: Any, lpse: Lpse, include_ended: bool = False) -> list[LpseUnit]:
    """The LPSE's units in the order of the regulation, with their (open) placements.
    Visible to the LPSE's admins and staff."""
    if not _sees_staff(user, lpse):
        raise NotFound()
    placements = StaffAssignment.objects.select_related("user").order_by(
        "-is_head", "user__full_name", "pk"
    )
    if not include_ended:
        placements = placements.filter(ended_at__isnull=True)
    units = LpseUnit.objects.filter(lpse=lpse).prefetch_related(
        Prefetch("staff", queryset=placements, to_attr="placements")
    )
    from openlpse.organizations.units import LPSE_UNITS

    order = {str(u.kind): i for i, u in enumerate(LPSE_UNITS)}
    return sorted(units, key=lambda u: (order.get(u.kind, 99), u.pk))


def access_lpse_unit_for_management(*, user: Any, lpse: Lpse, unit_id: int) -> LpseUnit:
    unit = LpseUnit.objects.filter(pk=unit_id, lpse=lpse).select_related("lpse").first()
    if unit is None or not permissions.can_manage_lpse(user, lpse):
        raise NotFound()
    return unit


def access_staff_assignment_for_management(
    *, user: Any, lpse: Lpse, placement_id: int
) -> StaffAssignment:
    placement = (
        StaffAssignment.objects.filter(pk=placement_id, unit__lpse=lpse)
        .select_related("unit", "unit__lpse", "user", "role_assignment")
        .first()
    )
    if placement is None or not permissions.can_manage_lpse(user, lpse):
        raise NotFound()
    return placement
