"""Reads of role assignments, scoped by who asks.

An LPSE admin sees every assignment of their LPSE; an agency admin those of their agency and
its work units; a vendor admin those of their vendor; everyone sees their own. Anything else
is NotFound, the same as a missing assignment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from openlpse.accounts import permissions
from openlpse.accounts.enums import Role
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.core.errors import NotFound

if TYPE_CHECKING:
    from openlpse.organizations.models import Agency, Lpse

STATUSES = ("active", "ended", "all")


def _visibility_q(user: Any) -> Q | None:
    """None: everything (operators). Otherwise the union of what each of the user's roles shows."""
    if permissions.is_platform_operator(user):
        return None
    visible = Q(user_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    for a in permissions.active_assignments(user):
        if a.role == Role.LPSE_ADMIN and a.lpse_id is not None:
            visible |= Q(lpse_id=a.lpse_id)
        elif a.role == Role.AGENCY_ADMIN and a.agency_id is not None:
            visible |= Q(agency_id=a.agency_id) | Q(work_unit__agency_id=a.agency_id)
        elif a.role == Role.VENDOR_ADMIN and a.scope_ref:
            visible |= Q(role__in=permissions.VENDOR_ROLES, scope_ref=a.scope_ref)
    return visible


def role_assignment_list_visible(
    *,
    user: Any,
    lpse: Lpse | None = None,
    agency: Agency | None = None,
    role: str = "",
    status: str = "active",
    query: str = "",
) -> QuerySet[RoleAssignment]:
    """Assignments the user may see, optionally narrowed to an LPSE, an agency (with its work
    units), a role, a status (active: in force or still to start; ended: revoked or past) and a
    name or letter number."""
    qs = RoleAssignment.objects.all()
    visible = _visibility_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    if lpse is not None:
        qs = qs.filter(lpse=lpse)
    if agency is not None:
        qs = qs.filter(Q(agency=agency) | Q(work_unit__agency=agency))
    if role:
        qs = qs.filter(role=role)
    today = permissions.today()
    not_over = Q(revoked_at__isnull=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if status == "active":
        qs = qs.filter(not_over)
    elif status == "ended":
        qs = qs.exclude(not_over)
    if query:
        qs = qs.filter(
            Q(user__full_name__icontains=query)
            | Q(user__username__icontains=query)
            | Q(letter_number__icontains=query)
        )
    return qs.select_related(
        "user", "lpse", "agency", "work_unit", "lpse_unit", "granted_by"
    ).order_by("lpse__name", "role", "user__full_name", "pk")


def access_role_assignment(*, user: Any, assignment_id: int) -> RoleAssignment:
    assignment = (
        role_assignment_list_visible(user=user, status="all").filter(pk=assignment_id).first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


def grantable_roles(user: Any, *, lpse: Lpse) -> list[str]:
    """Roles the user may grant somewhere within this LPSE (for the grant form's choices)."""
    roles: list[str] = []
    if permissions.can_manage_lpse(user, lpse):
        roles += [r for r in Role if r in permissions.LPSE_GRANTED_ROLES]
    if agencies_for_official_grants(user, lpse=lpse):
        roles += [r for r in Role if r in permissions.AGENCY_OFFICIAL_ROLES]
    return [str(r) for r in roles]


def agencies_for_official_grants(user: Any, *, lpse: Lpse) -> list[Agency]:
    """Agencies of this LPSE in which the user may register officials (their agency-admin scope)."""
    from openlpse.organizations.models import Agency

    ids = (
        permissions.active_assignments(user)
        .filter(role=Role.AGENCY_ADMIN, lpse_id=lpse.pk)
        .values_list("agency_id", flat=True)
    )
    return list(Agency.objects.filter(pk__in=list(ids), is_active=True).order_by("name"))


def agencies_for_grant_form(user: Any, *, lpse: Lpse) -> QuerySet[Agency]:
    """The agencies the grant form offers: every active agency of the LPSE to its administrator;
    to an agency administrator, the agencies they administer."""
    from openlpse.organizations.models import Agency

    agencies = Agency.objects.filter(lpse=lpse, is_active=True).order_by("name")
    if permissions.can_manage_lpse(user, lpse):
        return agencies
    return agencies.filter(pk__in=[a.pk for a in agencies_for_official_grants(user, lpse=lpse)])


def lpses_where_user_grants(user: Any, *, lpse: Lpse | None = None) -> list[Lpse]:
    """The LPSEs (only `lpse`, when given) where the user may grant at least one role."""
    from openlpse.organizations.selectors import lpse_list_visible

    return [
        candidate
        for candidate in lpse_list_visible(user=user)
        if (lpse is None or candidate.pk == lpse.pk) and grantable_roles(user, lpse=candidate)
    ]
