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

from django.db.models import Q

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.permissions import (
    active_assignments,
    auditor_package_codes,
    has_active_role,
    may_write_procurement,
)
from openlpse.tenders.enums import PackageStatus, SelectionUnit, TenderStatus

if TYPE_CHECKING:
    from openlpse.tenders.models import Package, Tender


def _pk(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def agency_scope_q(agency_id: int, lpse_id: int) -> Q:
    """Role assignments whose scope covers an agency: the agency, one of its work units, or
    the whole LPSE."""
    return (
        Q(scope_kind=ScopeKind.AGENCY, agency_id=agency_id)
        | Q(scope_kind=ScopeKind.WORK_UNIT, work_unit__agency_id=agency_id)
        | Q(scope_kind=ScopeKind.LPSE, lpse_id=lpse_id)
    )


def holds_role_in_agency(user: Any, role: str, agency: Any) -> bool:
    """The role in force anywhere in the agency: scoped to the agency, to one of its work
    units, or to its whole LPSE (a ULP often sits in a work unit, "Bagian PBJ", of the
    regional secretariat)."""
    if agency is None:
        return False
    return (
        active_assignments(user)
        .filter(role=role)
        .filter(agency_scope_q(agency.pk, agency.lpse_id))
        .exists()
    )


def is_ppk_of(user: Any, package: Package) -> bool:
    """The package's own PPK, while their PPK role covers the package's agency."""
    if _pk(user) is None or package.ppk_id != user.pk or not may_write_procurement(user):
        return False
    if package.work_unit_id is not None:
        return has_active_role(user, Role.PPK, work_unit=package.work_unit)
    return holds_role_in_agency(user, Role.PPK, package.agency)


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
    return holds_role_in_agency(user, Role.ULP_HEAD, package.ulp_agency)


def active_pokja_user_ids(package: Package) -> set[int]:
    return set(
        package.pokja_members.filter(removed_at__isnull=True).values_list("user_id", flat=True)
    )


def _package_of(tender_or_package: Tender | Package) -> Package:
    from openlpse.tenders.models import Tender

    if isinstance(tender_or_package, Tender):
        return tender_or_package.package
    return tender_or_package


def is_committee_member(user: Any, tender_or_package: Tender | Package) -> bool:
    """A member of the tender's committee: an active Pokja member of its package holding the
    Pokja role in force, or, for pengadaan langsung, the package's Pejabat Pengadaan."""
    package = _package_of(tender_or_package)
    uid = _pk(user)
    if uid is None or not may_write_procurement(user):
        return False
    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        return package.pejabat_pengadaan_id == uid and holds_role_in_agency(
            user, Role.PEJABAT_PENGADAAN, package.agency
        )
    if uid not in active_pokja_user_ids(package):
        return False
    return has_active_role(user, Role.POKJA_MEMBER)


def is_committee_chair(user: Any, tender_or_package: Tender | Package) -> bool:
    """The Pokja chair (or the Pejabat Pengadaan, who is a committee of one)."""
    package = _package_of(tender_or_package)
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
    return (codes is None and has_active_role(user, Role.AUDITOR, lpse=package.lpse)) or (
        codes is not None and package.code in codes
    )
