"""Who may do what with packages and their Pokja, beyond the shared predicates of
`tenders.permissions` (which these build on). Plain predicates: pages use them to show
buttons, services check them again before they write (conventions 4).

- A PPK makes a package from an announced RUP item of an agency (or work unit) where their
  PPK role is in force (Perpres 16/2018 Pasal 11(1); no RUP, no tender: Pasal 50(8)).
- The head of the ULP/UKPBJ the package was sent to returns it or assigns its Pokja, and
  later replaces members (LT 8(2)b; KA 14(3)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import (
    LPSE_ROLES,
    active_assignments,
    has_active_role,
    may_write_procurement,
)
from openlpse.tenders.enums import PackageStatus
from openlpse.tenders.permissions import can_write_package, is_ulp_head_for

if TYPE_CHECKING:
    from openlpse.organizations.models import WorkUnit
    from openlpse.plans.models import RupItem
    from openlpse.tenders.models import Package


def is_ppk_for(user: Any, rup_item: RupItem, work_unit: WorkUnit | None = None) -> bool:
    """The user's PPK role in force covers the package's work unit (the one chosen, else the
    RUP item's), or the RUP item's agency when the package has no work unit."""
    if not may_write_procurement(user):
        return False
    unit = work_unit or rup_item.work_unit
    if unit is not None:
        return has_active_role(user, Role.PPK, work_unit=unit)
    return has_active_role(user, Role.PPK, agency=rup_item.agency)


def can_send_package(user: Any, package: Package) -> bool:
    return can_write_package(user, package)


def can_return_package(user: Any, package: Package) -> bool:
    return package.status == PackageStatus.SENT and is_ulp_head_for(user, package)


def can_assign_pokja(user: Any, package: Package) -> bool:
    return package.status == PackageStatus.SENT and is_ulp_head_for(user, package)


def can_replace_pokja_member(user: Any, package: Package) -> bool:
    return package.status == PackageStatus.ASSIGNED and is_ulp_head_for(user, package)


def holds_lpse_role(user: Any) -> bool:
    """LPSE admin or staff anywhere: never on a Pokja (LT 16(3), KA 14(3))."""
    return active_assignments(user).filter(role__in=LPSE_ROLES).exists()


def is_any_ppk(user: Any) -> bool:
    return may_write_procurement(user) and active_assignments(user).filter(role=Role.PPK).exists()


def is_any_ulp_head(user: Any) -> bool:
    return (
        may_write_procurement(user) and active_assignments(user).filter(role=Role.ULP_HEAD).exists()
    )
