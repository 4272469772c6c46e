"""Who registers officials and who decides auditor requests: plain predicates, never raising.

- Officials (PA, KPA, PPK, head of ULP, Pokja members, Pejabat Pengadaan) are registered per
  SK by their agency's administrator (LT 25(1)b; spse-reference §1 "Admin Agency registers PPK
  and Pokja per SK"; ADR 0007). The LPSE administrator sees the list of every agency of the
  LPSE but registers no official: that is the agency's own decision.
- Auditor requests (LT 25(7): the LPSE issues an account on presentation of a surat tugas) are
  decided by the LPSE's Unit Registrasi dan Verifikasi, whose job is checking who registers
  and their documents (LT 12, KA 12), or by the LPSE administrator, who may grant the auditor
  role anyway (ADR 0007). Nobody else: an agency or its officials may be the ones audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import (
    AGENCY_OFFICIAL_ROLES,
    can_manage_lpse,
    is_agency_admin,
    is_lpse_admin,
    menu_roles,
)
from openlpse.organizations.enums import LpseUnitKind
from openlpse.vendors.permissions import is_verifikator

if TYPE_CHECKING:
    from openlpse.accounts.models.roles import RoleAssignment
    from openlpse.organizations.models import Agency, Lpse


def can_register_officials(user: Any, agency: Agency) -> bool:
    """Register an official of this agency, or end their term: its agency administrator."""
    return is_agency_admin(user, agency)


def can_end_official_term(
    user: Any, assignment: RoleAssignment, *, agency_admin: bool | None = None
) -> bool:
    """End this appointment early: its agency's administrator, while it has not been ended,
    and never their own appointment (as `permissions.can_revoke_role`). A list of one agency's
    officials asks `can_register_officials` once and passes it as `agency_admin`."""
    if assignment.revoked_at is not None or assignment.agency_id is None:
        return False
    if assignment.role not in AGENCY_OFFICIAL_ROLES:
        return False
    if assignment.user_id == getattr(user, "pk", None):
        return False
    if agency_admin is None:
        assert assignment.agency is not None
        agency_admin = can_register_officials(user, assignment.agency)
    return agency_admin


def can_view_officials(user: Any, agency: Agency) -> bool:
    """See the agency's officials: its administrator, and the LPSE's administrator."""
    return is_agency_admin(user, agency) or can_manage_lpse(user, agency.lpse)


def can_open_official_pages(user: Any) -> bool:
    """Menu: agency administrators and LPSE administrators."""
    return any(role in (Role.AGENCY_ADMIN, Role.LPSE_ADMIN) for role, _kind in menu_roles(user))


def auditor_deciders_q() -> Q:
    """Role assignments that decide auditor requests: LPSE admins, and verifikators (LPSE staff
    of the Unit Registrasi dan Verifikasi, as `vendors.permissions.is_verifikator`)."""
    return Q(role=Role.LPSE_ADMIN) | Q(
        role=Role.LPSE_STAFF, lpse_unit__kind=LpseUnitKind.REGISTRASI_VERIFIKASI
    )


def can_decide_auditor_requests(user: Any, lpse: Lpse) -> bool:
    """Approve or reject auditor requests of this LPSE (see the module docstring)."""
    return is_verifikator(user, lpse) or is_lpse_admin(user, lpse)


def can_open_auditor_requests(user: Any) -> bool:
    """Menu: verifikators and LPSE administrators of any LPSE."""
    return any(
        role == Role.LPSE_ADMIN
        or (role == Role.LPSE_STAFF and kind == LpseUnitKind.REGISTRASI_VERIFIKASI)
        for role, kind in menu_roles(user)
    )
