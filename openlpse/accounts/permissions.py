"""Who may do what: plain predicates over (user, object), built on role assignments.

Views call them to show or hide buttons; services call them again before they write. They
never raise and never write. Every predicate is False for an anonymous or deactivated user.

Dates: a role's period (starts_on, ends_on) is a calendar date. "Today" is the date in Western
Indonesia Time (WIB, Asia/Jakarta), the deployment's reference zone, so a role starts and ends
at the same instant for every LPSE of the deployment.

Scope (`has_active_role`): an assignment applies to what its scope contains. An LPSE-scoped
role applies to the LPSE and to every agency and work unit of it; an agency-scoped role
applies to the agency and its work units; a work-unit role to that work unit only. Tender,
package and vendor scopes apply only when no LPSE, agency or work unit is asked about (the
apps that own tenders, packages and vendors check `scope_ref` themselves).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import MFA_REQUIRED_ROLES, Role, ScopeKind
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.core import clock

if TYPE_CHECKING:
    from openlpse.organizations.models import Agency, Lpse, WorkUnit

REFERENCE_ZONE = "Asia/Jakarta"

# The LPSE's own people (LT 4-13, KA 8-13).
LPSE_ROLES = frozenset({Role.LPSE_ADMIN, Role.LPSE_STAFF})
VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.VENDOR_STAFF})
# Every government-side role: none of them may bid (no official may hold a vendor role).
OFFICIAL_ROLES = frozenset(set(Role) - VENDOR_ROLES)
# Roles an agency admin registers per SK (spse-reference §1: Admin Agency registers PPK, Pokja...).
AGENCY_OFFICIAL_ROLES = frozenset(
    {Role.PA, Role.KPA, Role.PPK, Role.ULP_HEAD, Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN}
)
# Roles an LPSE admin grants within their LPSE (Admin PPE creates Admin Agency and LPSE staff
# accounts; the LPSE issues auditor accounts on a surat tugas, LT 25(7)).
LPSE_GRANTED_ROLES = frozenset({Role.LPSE_ADMIN, Role.LPSE_STAFF, Role.AGENCY_ADMIN, Role.AUDITOR})


def today() -> dt.date:
    """Today's date in the reference zone (WIB)."""
    return clock.now().astimezone(ZoneInfo(REFERENCE_ZONE)).date()


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(REFERENCE_ZONE))


def _signed_in(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def in_force_q(on: dt.date) -> Q:
    """Assignments in force on a date: inside their period, not revoked by then, and their
    LPSE, agency and work unit still active."""
    next_day = _start_of_day(on + dt.timedelta(days=1))
    return (
        Q(starts_on__lte=on)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        & (Q(revoked_at__isnull=True) | Q(revoked_at__gte=next_day))
        & (Q(lpse__isnull=True) | Q(lpse__is_active=True))
        & (Q(agency__isnull=True) | Q(agency__is_active=True))
        & (Q(work_unit__isnull=True) | Q(work_unit__is_active=True))
    )


def active_assignments(user: Any, on: dt.date | None = None) -> QuerySet[RoleAssignment]:
    """The user's role assignments in force on `on` (default: today)."""
    if not _signed_in(user):
        return RoleAssignment.objects.none()
    day = on if on is not None else today()
    return (
        RoleAssignment.objects.filter(in_force_q(day), user_id=user.pk)
        .select_related("lpse", "agency", "work_unit", "lpse_unit")
        .order_by("lpse__name", "role", "pk")
    )


def _covers(
    assignment: RoleAssignment,
    *,
    lpse: Lpse | None,
    agency: Agency | None,
    work_unit: WorkUnit | None,
) -> bool:
    """Does the assignment's scope contain the most specific object asked about?"""
    kind = assignment.scope_kind
    if work_unit is not None:
        if kind == ScopeKind.WORK_UNIT:
            return assignment.work_unit_id == work_unit.pk
        if kind == ScopeKind.AGENCY:
            return assignment.agency_id == work_unit.agency_id
        if kind == ScopeKind.LPSE:
            return assignment.lpse_id == work_unit.agency.lpse_id
        return False
    if agency is not None:
        if kind == ScopeKind.AGENCY:
            return assignment.agency_id == agency.pk
        if kind == ScopeKind.LPSE:
            return assignment.lpse_id == agency.lpse_id
        return False
    if lpse is not None:
        return kind == ScopeKind.LPSE and assignment.lpse_id == lpse.pk
    return True


def has_active_role(
    user: Any,
    role: str,
    *,
    lpse: Lpse | None = None,
    agency: Agency | None = None,
    work_unit: WorkUnit | None = None,
    on: dt.date | None = None,
) -> bool:
    """True when the user holds `role` in force for the given scope (see the module docstring:
    an agency-scoped role also applies to the agency's work units)."""
    return any(
        _covers(a, lpse=lpse, agency=agency, work_unit=work_unit)
        for a in active_assignments(user, on).filter(role=role)
    )


def menu_roles(user: Any) -> frozenset[tuple[str, str]]:
    """(role, LPSE unit kind or "") of the user's assignments in force today, read once and
    kept on the user object: the menu, drawn on every back-office page, asks many predicates
    and they share this one query. For showing or hiding menu entries only; every page checks
    permission itself."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, "_openlpse_menu_roles", None)
    if cached is None:
        rows = active_assignments(user).values_list("role", "lpse_unit__kind")
        cached = frozenset((str(role), str(kind or "")) for role, kind in rows)
        user._openlpse_menu_roles = cached
    return cached


def roles_for_navigation(user: Any) -> frozenset[str]:
    """The roles the user holds in force today, anywhere (for the back-office menu)."""
    return frozenset(str(r) for r in active_assignments(user).values_list("role", flat=True))


def is_platform_operator(user: Any) -> bool:
    """The deployment's operators (Django superusers)."""
    return _signed_in(user) and bool(getattr(user, "is_superuser", False))


def is_lpse_admin(user: Any, lpse: Lpse) -> bool:
    return has_active_role(user, Role.LPSE_ADMIN, lpse=lpse)


def is_lpse_staff(user: Any, lpse: Lpse, unit_kind: str | None = None) -> bool:
    """LPSE staff of this LPSE, optionally in a unit of the given kind (LpseUnitKind)."""
    qs = active_assignments(user).filter(role=Role.LPSE_STAFF, lpse_id=lpse.pk)
    if unit_kind is not None:
        qs = qs.filter(lpse_unit__kind=unit_kind)
    return qs.exists()


def is_agency_admin(user: Any, agency: Agency) -> bool:
    return has_active_role(user, Role.AGENCY_ADMIN, agency=agency)


def can_manage_lpse(user: Any, lpse: Lpse) -> bool:
    """Edit the LPSE's profile, calendar, agencies, units and staff: its LPSE admin, or a
    platform operator."""
    return is_platform_operator(user) or is_lpse_admin(user, lpse)


def can_manage_work_units(user: Any, agency: Agency) -> bool:
    """Create and edit an agency's work units: the LPSE admin, or the agency's own admin."""
    return can_manage_lpse(user, agency.lpse) or is_agency_admin(user, agency)


def can_view_lpse_backoffice(user: Any, lpse: Lpse) -> bool:
    """See an LPSE's back-office pages: an operator or anyone with a role in force there."""
    if is_platform_operator(user):
        return True
    return active_assignments(user).filter(lpse_id=lpse.pk).exists()


def can_grant_role(
    user: Any,
    role: str,
    *,
    lpse: Lpse | None = None,
    agency: Agency | None = None,
    work_unit: WorkUnit | None = None,
    scope_ref: str = "",
) -> bool:
    """May `user` grant `role` within this scope? (Scope consistency is the service's job.)

    - LPSE admin of the LPSE (or a platform operator): lpse_admin, lpse_staff, agency_admin
      (for the LPSE's agencies) and auditor.
    - Agency admin: PA, KPA, PPK, head of ULP, Pokja member, Pejabat Pengadaan within the agency
      and its work units.
    - Vendor admin: vendor staff of the same vendor.
    - Platform operator: vendor admin (until vendor registration grants it itself).
    """
    if not _signed_in(user):
        return False
    if work_unit is not None:
        agency = work_unit.agency
    if agency is not None:
        lpse = agency.lpse
    if role in LPSE_GRANTED_ROLES:
        if lpse is None or (role == Role.AGENCY_ADMIN and agency is None):
            return False
        return can_manage_lpse(user, lpse)
    if role in AGENCY_OFFICIAL_ROLES:
        return agency is not None and is_agency_admin(user, agency)
    if role == Role.VENDOR_ADMIN:
        return is_platform_operator(user)
    if role == Role.VENDOR_STAFF:
        return bool(scope_ref) and (
            active_assignments(user).filter(role=Role.VENDOR_ADMIN, scope_ref=scope_ref).exists()
        )
    return False


def can_revoke_role(user: Any, assignment: RoleAssignment) -> bool:
    """Whoever may grant the role in that scope may revoke it, except their own."""
    if not _signed_in(user) or assignment.user_id == user.pk:
        return False
    return can_grant_role(
        user,
        assignment.role,
        lpse=assignment.lpse,
        agency=assignment.agency,
        work_unit=assignment.work_unit,
        scope_ref=assignment.scope_ref,
    )


def can_open_organizations(user: Any) -> bool:
    """Show the organisation pages in the menu: operators and anyone with a role in an LPSE."""
    return (
        is_platform_operator(user) or active_assignments(user).filter(lpse__isnull=False).exists()
    )


def can_open_role_pages(user: Any) -> bool:
    """Show the role pages in the menu: operators and those who grant roles."""
    if is_platform_operator(user):
        return True
    granting = (Role.LPSE_ADMIN, Role.AGENCY_ADMIN, Role.VENDOR_ADMIN)
    return active_assignments(user).filter(role__in=granting).exists()


def can_read_access_log(user: Any, lpse: Lpse | None = None) -> bool:
    """The access log (logins, failures, IPs) is for auditors and LPSE admins (Perka LKPP
    1/2015 Lampiran III: log inspection is an auditor's right), and platform operators."""
    if is_platform_operator(user):
        return True
    qs = active_assignments(user).filter(role__in=(Role.AUDITOR, Role.LPSE_ADMIN))
    if lpse is not None:
        qs = qs.filter(lpse_id=lpse.pk)
    return qs.exists()


def auditor_package_codes(
    user: Any, lpse: Lpse, on: dt.date | None = None
) -> frozenset[str] | None:
    """What an auditor may examine at this LPSE, by their surat tugas in force (LT 25(7);
    spse-reference §1 e-Audit: access limited to the packages named in the letter).

    - None: a surat tugas in force covers the whole LPSE (for its period);
    - a set of package codes: those named in the auditor's letters in force;
    - an empty set: nothing (not an auditor here, or no letter in force).

    None means "everything", so callers check for None first and never treat a falsy answer
    as "no limit". Later apps (tenders, bids, reports) filter what auditors see with it.
    """
    codes: set[str] = set()
    rows = (
        active_assignments(user, on)
        .filter(role=Role.AUDITOR, lpse_id=lpse.pk)
        .values_list("scope_kind", "scope_ref")
    )
    for scope_kind, scope_ref in rows:
        if scope_kind == ScopeKind.LPSE:
            return None
        if scope_kind == ScopeKind.PACKAGES:
            codes.update(code.strip() for code in scope_ref.split(",") if code.strip())
    return frozenset(codes)


def requires_mfa(user: Any) -> bool:
    """Officials, LPSE staff and auditors must use a second factor; so must Django staff and
    operators. Vendors may."""
    if not _signed_in(user):
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    return active_assignments(user).filter(role__in=MFA_REQUIRED_ROLES).exists()


def may_write_procurement(user: Any) -> bool:
    """False for anyone who runs the system: LT 8(4), KA 6(3) give the LPSE and its staff no
    right to write packages, methods, schedules, documents, evaluations or answers. Platform
    operators run the system too, so the same holds for them. Services of the procurement
    apps call this before their own role checks."""
    if not _signed_in(user) or getattr(user, "is_superuser", False):
        return False
    return not active_assignments(user).filter(role__in=LPSE_ROLES).exists()
