"""Who may do what with packages and tenders. Plain predicates over (user, object), used by
views to show buttons and checked again inside services (conventions 4).

- The PPK owns a package: writes it while it is a draft or returned, sends it to the ULP or
  to a Pejabat Pengadaan, approves addenda that change HPS, specifications or the contract.
- The head of the ULP/UKPBJ the package was sent to assigns its Pokja.
- The committee of a tender (its package's active Pokja members, or the Pejabat Pengadaan for
  pengadaan langsung) sets it up, approves it, announces it (the chair), changes the schedule,
  publishes documents and addenda, answers questions, cancels it.
- Nobody who runs the system (LPSE admin and staff, platform operators) writes any of this
  (LT 8(4), KA 6(3)): `may_write_procurement` is False for them.
- Auditors read the packages of their surat tugas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import (
    auditor_package_codes,
    has_active_role,
    may_write_procurement,
)
from openlpse.tenders.enums import PackageStatus, SelectionUnit, TenderStatus

if TYPE_CHECKING:
    from openlpse.tenders.models import Package, Tender


def _pk(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def is_ppk_of(user: Any, package: Package) -> bool:
    """The package's own PPK, while their PPK role covers the package's agency."""
    if _pk(user) is None or package.ppk_id != user.pk or not may_write_procurement(user):
        return False
    if package.work_unit_id is not None:
        return has_active_role(user, Role.PPK, work_unit=package.work_unit)
    return has_active_role(user, Role.PPK, agency=package.agency)


def can_write_package(user: Any, package: Package) -> bool:
    return is_ppk_of(user, package) and package.status in (
        PackageStatus.DRAFT,
        PackageStatus.RETURNED,
    )


def is_ulp_head_for(user: Any, package: Package) -> bool:
    """Head of the ULP/UKPBJ the package was sent to."""
    if package.selection_unit != SelectionUnit.ULP or package.ulp_agency_id is None:
        return False
    if not may_write_procurement(user):
        return False
    return has_active_role(user, Role.ULP_HEAD, agency=package.ulp_agency)


def active_pokja_user_ids(package: Package) -> set[int]:
    return set(
        package.pokja_members.filter(removed_at__isnull=True).values_list("user_id", flat=True)
    )


def is_committee_member(user: Any, tender_or_package: Tender | Package) -> bool:
    """A member of the tender's committee: an active Pokja member of its package holding the
    Pokja role in force, or, for pengadaan langsung, the package's Pejabat Pengadaan."""
    package = getattr(tender_or_package, "package", tender_or_package)
    uid = _pk(user)
    if uid is None or not may_write_procurement(user):
        return False
    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        return package.pejabat_pengadaan_id == uid and has_active_role(
            user, Role.PEJABAT_PENGADAAN, agency=package.agency
        )
    if uid not in active_pokja_user_ids(package):
        return False
    return has_active_role(user, Role.POKJA_MEMBER)


def is_committee_chair(user: Any, tender_or_package: Tender | Package) -> bool:
    """The Pokja chair (or the Pejabat Pengadaan, who is a committee of one)."""
    package = getattr(tender_or_package, "package", tender_or_package)
    if not is_committee_member(user, package):
        return False
    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        return True
    return package.pokja_members.filter(
        removed_at__isnull=True, is_chair=True, user_id=user.pk
    ).exists()


def can_set_up(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.DRAFT and is_committee_member(user, tender)


def can_run(user: Any, tender: Tender) -> bool:
    """Act as the committee of an announced tender (schedule, documents, answers)."""
    return tender.status == TenderStatus.ANNOUNCED and is_committee_member(user, tender)


def can_view_package(user: Any, package: Package) -> bool:
    """The PPK, the ULP head it was sent to, its committee, and auditors of its code."""
    if _pk(user) is None:
        return False
    if package.ppk_id == user.pk or package.pejabat_pengadaan_id == user.pk:
        return True
    if user.pk in active_pokja_user_ids(package):
        return True
    if package.status != PackageStatus.DRAFT and is_ulp_head_for(user, package):
        return True
    codes = auditor_package_codes(user, package.lpse)
    return codes is None and has_active_role(user, Role.AUDITOR, lpse=package.lpse) or (
        codes is not None and package.code in codes
    )
