"""Reads of packages that depend on who asks (conventions 2). `access_package` raises the
same NotFound for a missing package and for one the user may not see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import (
    active_assignments,
    in_force_q,
    may_write_procurement,
    today,
)
from openlpse.core import errors
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.plans.enums import RupStatus
from openlpse.plans.models import RupItem
from openlpse.tenders import permissions
from openlpse.tenders.enums import PackageStatus, SelectionUnit
from openlpse.tenders.models import Package, PokjaMember
from openlpse.tenders.permissions import agency_scope_q

SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "hps": "hps_total",
    "-hps": "-hps_total",
    "created": "created_at",
    "-created": "-created_at",
    "sent": "sent_at",
    "-sent": "-sent_at",
}


def _base() -> QuerySet[Package]:
    return Package.objects.select_related(
        "lpse", "agency", "work_unit", "rup_item", "ulp_agency", "ppk", "pejabat_pengadaan"
    )


def access_package(*, user: Any, package_id: int) -> Package:
    """The package, if the user may see it (its PPK, the ULP head it was sent to, its
    committee, auditors of its code); NotFound otherwise, exactly as for a missing one."""
    package = _base().filter(pk=package_id).first()
    if package is None or not permissions.can_view_package(user, package):
        raise errors.NotFound()
    return package


def _filtered(
    packages: QuerySet[Package], *, status: str = "", query: str = "", sort: str = ""
) -> QuerySet[Package]:
    if status:
        packages = packages.filter(status=status)
    text = (query or "").strip()
    if text:
        packages = packages.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(rup_item__code=text)
        )
    return packages.order_by(SORTS.get(sort, "-created_at"), "-pk")


def packages_for_ppk(
    *, user: Any, status: str = "", query: str = "", sort: str = ""
) -> QuerySet[Package]:
    """The packages the user owns as PPK."""
    if getattr(user, "pk", None) is None:
        return Package.objects.none()
    return _filtered(_base().filter(ppk_id=user.pk), status=status, query=query, sort=sort)


def ulp_head_scope_q(user: Any) -> Q | None:
    """Which procurement units the user heads today (None: none)."""
    if not may_write_procurement(user):
        return None
    rows = list(
        active_assignments(user)
        .filter(role=Role.ULP_HEAD)
        .values_list("scope_kind", "agency_id", "work_unit__agency_id", "lpse_id")
    )
    agency_ids = {agency for kind, agency, _unit, _lpse in rows if kind == ScopeKind.AGENCY}
    # A ULP often sits in a work unit ("Bagian PBJ") of the regional secretariat.
    agency_ids |= {unit for kind, _a, unit, _lpse in rows if kind == ScopeKind.WORK_UNIT}
    lpse_ids = {lpse for kind, _agency, _unit, lpse in rows if kind == ScopeKind.LPSE}
    if not agency_ids and not lpse_ids:
        return None
    return Q(ulp_agency_id__in=agency_ids) | Q(ulp_agency__lpse_id__in=lpse_ids)


def packages_for_ulp_head(
    *, user: Any, status: str = "", query: str = "", sort: str = ""
) -> QuerySet[Package]:
    """Packages sent to the procurement units the user heads (never the PPK's drafts)."""
    scope = ulp_head_scope_q(user)
    if scope is None:
        return Package.objects.none()
    packages = (
        _base().filter(scope, selection_unit=SelectionUnit.ULP).exclude(status=PackageStatus.DRAFT)
    )
    return _filtered(packages, status=status, query=query, sort=sort or "-sent")


def packages_for_committee(*, user: Any) -> QuerySet[Package]:
    """Packages where the user is an active Pokja member (holding the Pokja role in force) or
    the Pejabat Pengadaan (holding that role in force): the committee's work list."""
    if not may_write_procurement(user):
        return Package.objects.none()
    roles = set(
        active_assignments(user)
        .filter(role__in=(Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN))
        .values_list("role", flat=True)
    )
    condition = Q(pk__in=[])
    if Role.POKJA_MEMBER in roles:
        condition |= Q(
            selection_unit=SelectionUnit.ULP,
            pk__in=PokjaMember.objects.filter(user_id=user.pk, removed_at__isnull=True).values(
                "package_id"
            ),
        )
    if Role.PEJABAT_PENGADAAN in roles:
        condition |= Q(selection_unit=SelectionUnit.PEJABAT_PENGADAAN, pejabat_pengadaan_id=user.pk)
    return _base().filter(condition, status=PackageStatus.ASSIGNED).order_by("-sent_at", "-pk")


def active_members(package: Package) -> list[PokjaMember]:
    return list(
        package.pokja_members.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("-is_chair", "pk")
    )


def member_history(package: Package) -> list[PokjaMember]:
    return list(
        package.pokja_members.select_related("user", "removed_by", "assigned_by").order_by(
            "assigned_at", "pk"
        )
    )


# --- choices for the forms -------------------------------------------------------------------


def _holders(role: str, q: Q) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(in_force_q(today()), q, role=role)


def ulp_heads_of(agency: Agency) -> list[User]:
    """The users holding the ULP head role in force for this agency (or its whole LPSE)."""
    user_ids = _holders(Role.ULP_HEAD, agency_scope_q(agency.pk, agency.lpse_id)).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def ulp_agencies_for(package: Package) -> list[Agency]:
    """Agencies of the package's LPSE with a ULP head in force: where it may be sent."""
    rows = _holders(
        Role.ULP_HEAD,
        Q(scope_kind=ScopeKind.AGENCY, agency__lpse_id=package.lpse_id)
        | Q(scope_kind=ScopeKind.WORK_UNIT, work_unit__agency__lpse_id=package.lpse_id),
    ).values_list("agency_id", "work_unit__agency_id")
    agency_ids = {unit_agency or agency for agency, unit_agency in rows}
    return list(Agency.objects.filter(pk__in=agency_ids, is_active=True).order_by("name"))


def pejabat_pengadaan_for(package: Package) -> list[User]:
    """Pejabat Pengadaan in force for the package's agency, except its PPK and LPSE people."""
    user_ids = _holders(
        Role.PEJABAT_PENGADAAN, agency_scope_q(package.agency_id, package.lpse_id)
    ).values_list("user_id", flat=True)
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk=package.ppk_id)
    return [u for u in users.order_by("pk") if may_write_procurement(u)]


def pokja_candidates(package: Package) -> list[User]:
    """Users holding the Pokja role in force in the package's ULP, except the package's PPK
    and anyone holding an LPSE role (the assign form offers only these; the service checks
    again)."""
    if package.ulp_agency_id is None:
        return []
    user_ids = _holders(
        Role.POKJA_MEMBER, agency_scope_q(package.ulp_agency_id, package.lpse_id)
    ).values_list("user_id", flat=True)
    lpse_people = (
        _holders(Role.LPSE_ADMIN, Q())
        .values_list("user_id", flat=True)
        .union(_holders(Role.LPSE_STAFF, Q()).values_list("user_id", flat=True))
    )
    excluded = set(lpse_people) | {package.ppk_id}
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "pk")
    return [u for u in users if u.pk not in excluded]


def ppk_work_units(*, user: Any, agency: Agency) -> list[WorkUnit]:
    """The agency's work units where the user's PPK role is in force (all of them when the
    role is agency-wide)."""
    rows = list(
        active_assignments(user)
        .filter(role=Role.PPK)
        .values_list("scope_kind", "agency_id", "work_unit_id", "lpse_id")
    )
    units = WorkUnit.objects.filter(agency_id=agency.pk, is_active=True).order_by("name")
    if any(
        (kind == ScopeKind.AGENCY and agency_id == agency.pk)
        or (kind == ScopeKind.LPSE and lpse_id == agency.lpse_id)
        for kind, agency_id, _unit, lpse_id in rows
    ):
        return list(units)
    unit_ids = {unit for kind, _a, unit, _l in rows if kind == ScopeKind.WORK_UNIT}
    return list(units.filter(pk__in=unit_ids))


def rup_items_for_package(*, user: Any) -> QuerySet[RupItem]:
    """Announced RUP items a PPK may make a package from: plans' selector (items of the
    agencies and work units where the user is PPK), plus the agency-wide items (no work unit)
    of the agencies where the user is the PPK of a work unit (the package then belongs to
    that unit, as `package_create` decides), without those that already have a live
    package."""
    from openlpse.plans.selectors import rup_items_for_package as items_for

    unit_agencies = (
        active_assignments(user)
        .filter(role=Role.PPK, scope_kind=ScopeKind.WORK_UNIT)
        .values_list("work_unit__agency_id", flat=True)
    )
    agency_wide = Q(
        status=RupStatus.ANNOUNCED, work_unit__isnull=True, agency_id__in=list(unit_agencies)
    )
    taken = Package.objects.exclude(status=PackageStatus.CANCELLED).values("rup_item_id")
    return (
        RupItem.objects.filter(Q(pk__in=items_for(user=user).values("pk")) | agency_wide)
        .exclude(pk__in=taken)
        .select_related("agency", "work_unit", "lpse")
        .order_by("-fiscal_year", "code")
    )
