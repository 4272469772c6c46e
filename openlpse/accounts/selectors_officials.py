"""Reads for the officials pages: which agencies a user may look after, and their officials.

An official's appointment is a RoleAssignment of one of the agency roles (PA, KPA, PPK, head
of ULP, Pokja member, Pejabat Pengadaan) in the agency or one of its work units. Anything the
user may not see is NotFound, the same as a missing agency or appointment.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from openlpse.accounts import permissions
from openlpse.accounts.enums import Role
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.core.errors import NotFound

if TYPE_CHECKING:
    from openlpse.organizations.models import Agency

STATUSES = ("active", "ended", "all")


def official_agencies(*, user: Any) -> list[Agency]:
    """Active agencies whose officials the user may see: those they administer, and every
    agency of an LPSE they administer; by LPSE, then name."""
    from openlpse.organizations.models import Agency

    rows = permissions.active_assignments(user).filter(
        role__in=(Role.AGENCY_ADMIN, Role.LPSE_ADMIN)
    )
    agency_ids: set[int] = set()
    lpse_ids: set[int] = set()
    for role, agency_id, lpse_id in rows.values_list("role", "agency_id", "lpse_id"):
        if role == Role.AGENCY_ADMIN and agency_id is not None:
            agency_ids.add(agency_id)
        elif role == Role.LPSE_ADMIN and lpse_id is not None:
            lpse_ids.add(lpse_id)
    if not agency_ids and not lpse_ids:
        return []
    return list(
        Agency.objects.filter(Q(pk__in=agency_ids) | Q(lpse_id__in=lpse_ids), is_active=True)
        .select_related("lpse")
        .order_by("lpse__name", "name", "pk")
    )


def registering_agencies(*, user: Any) -> list[Agency]:
    """Active agencies in which the user registers officials (their agency-admin scope)."""
    from openlpse.organizations.models import Agency

    ids = (
        permissions.active_assignments(user)
        .filter(role=Role.AGENCY_ADMIN)
        .values_list("agency_id", flat=True)
    )
    return list(
        Agency.objects.filter(pk__in=list(ids), is_active=True)
        .select_related("lpse")
        .order_by("lpse__name", "name", "pk")
    )


def access_official_agency(*, user: Any, agency_id: int) -> Agency:
    for agency in official_agencies(user=user):
        if agency.pk == agency_id:
            return agency
    raise NotFound()


def official_list(
    *, agency: Agency, role: str = "", status: str = "active", query: str = ""
) -> QuerySet[RoleAssignment]:
    """The agency's appointments (its work units' too), newest term first within each person.

    status "active": in force or still to start; "ended": past or revoked; "all". The caller
    has checked the viewer with `access_official_agency`.
    """
    qs = RoleAssignment.objects.filter(
        agency_id=agency.pk, role__in=list(permissions.AGENCY_OFFICIAL_ROLES)
    )
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
            | Q(user__official_profile__nip__icontains=query)
            | Q(letter_number__icontains=query)
        )
    return qs.select_related(
        "user", "user__official_profile", "work_unit", "letter_file", "granted_by"
    ).order_by("user__full_name", "user_id", "-starts_on", "-pk")


def access_official_assignment(*, user: Any, assignment_id: int) -> RoleAssignment:
    """One official's appointment, for someone who may see the agency's officials."""
    assignment = (
        RoleAssignment.objects.filter(
            pk=assignment_id, role__in=list(permissions.AGENCY_OFFICIAL_ROLES)
        )
        .select_related("user", "agency", "agency__lpse", "work_unit", "lpse", "letter_file")
        .first()
    )
    if assignment is None or assignment.agency is None:
        raise NotFound()
    if assignment.agency_id not in {a.pk for a in official_agencies(user=user)}:
        raise NotFound()
    return assignment


def appointment_status(assignment: RoleAssignment, today: dt.date | None = None) -> str:
    """ "in_force", "upcoming", "ended" or "revoked"."""
    day = today or permissions.today()
    if assignment.revoked_at is not None:
        return "revoked"
    if assignment.starts_on > day:
        return "upcoming"
    if assignment.ends_on is not None and assignment.ends_on < day:
        return "ended"
    return "in_force"
