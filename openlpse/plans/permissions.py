"""Who may do what with the RUP and the adoption plans. Plain predicates; services check them
again before they write (conventions 4).

- PA and KPA of an agency (or of one of its work units) create, change and announce the
  agency's RUP items (LT 8(2)a, KA 6(1)a); a work-unit PA/KPA only for that work unit.
- Anyone may read announced RUP items and their history (LT 34, KA 16); drafts only the
  agency's PA/KPA and PPK.
- The agency admin, PA or KPA writes the agency's adoption plan; the LPSE admin agrees to it
  (LT 37(2)-(3), KA 22(1)-(2)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import has_active_role, is_lpse_admin, may_write_procurement

if TYPE_CHECKING:
    from openlpse.organizations.models import Agency, WorkUnit
    from openlpse.plans.models import AdoptionPlan, RupItem

PLANNER_ROLES = (Role.PA, Role.KPA)


def is_planner(user: Any, agency: Agency, work_unit: WorkUnit | None = None) -> bool:
    """PA or KPA whose scope covers the agency (or the given work unit of it)."""
    if not may_write_procurement(user):
        return False
    return any(
        has_active_role(user, role, work_unit=work_unit)
        if work_unit is not None
        else has_active_role(user, role, agency=agency)
        for role in PLANNER_ROLES
    )


def can_write_rup(user: Any, item: RupItem) -> bool:
    return is_planner(user, item.agency, item.work_unit)


def can_view_rup_draft(user: Any, item: RupItem) -> bool:
    if can_write_rup(user, item):
        return True
    # A PPK of the agency sees every draft of it; a PPK of a work unit those of the unit.
    if item.work_unit is not None:
        return has_active_role(user, Role.PPK, work_unit=item.work_unit)
    return has_active_role(user, Role.PPK, agency=item.agency)


def can_write_adoption_plan(user: Any, agency: Agency) -> bool:
    if not may_write_procurement(user):
        return False
    return is_planner(user, agency) or has_active_role(user, Role.AGENCY_ADMIN, agency=agency)


def can_decide_adoption_plan(user: Any, plan: AdoptionPlan) -> bool:
    """The LPSE agrees to the agency's plan (LT 37(3): "berdasarkan kesepakatan dengan LPSE")."""
    return is_lpse_admin(user, plan.lpse)
