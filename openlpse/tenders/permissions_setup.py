"""Who may set up, approve, announce, change and cancel a tender (helper predicates of the
set-up part; the base predicates are in tenders.permissions). Views show buttons with them,
services check them again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import has_active_role, may_write_procurement
from openlpse.tenders.enums import PackageStatus, SelectionUnit, TenderStatus
from openlpse.tenders.permissions import can_run, can_set_up, is_committee_chair

if TYPE_CHECKING:
    from openlpse.accounts.models import User
    from openlpse.tenders.models import Package, Tender

LIVE_STATUSES = (TenderStatus.DRAFT, TenderStatus.ANNOUNCED)


def can_create_tender(user: Any, package: Package) -> bool:
    """The chair of the package's Pokja (or its Pejabat Pengadaan) once the committee is
    assigned."""
    return package.status == PackageStatus.ASSIGNED and is_committee_chair(user, package)


def can_edit_setup(user: Any, tender: Tender) -> bool:
    return can_set_up(user, tender)


def can_approve(user: Any, tender: Tender) -> bool:
    return can_set_up(user, tender)


def can_announce(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.DRAFT and is_committee_chair(user, tender)


def can_change_schedule(user: Any, tender: Tender) -> bool:
    return can_run(user, tender)


def is_budget_holder_of(user: Any, package: Package) -> bool:
    """PA of the package's agency, or KPA of its agency or work unit."""
    if not may_write_procurement(user):
        return False
    if has_active_role(user, Role.PA, agency=package.agency):
        return True
    if package.work_unit_id is not None:
        return has_active_role(user, Role.KPA, work_unit=package.work_unit)
    return has_active_role(user, Role.KPA, agency=package.agency)


def can_cancel(user: Any, tender: Tender) -> bool:
    """Tender batal: the committee chair (before or after announcement) or the PA/KPA of the
    package's agency."""
    if tender.status not in LIVE_STATUSES:
        return False
    return is_committee_chair(user, tender) or is_budget_holder_of(user, tender.package)


def committee_users(package: Package) -> list[User]:
    """The committee that must approve the set-up (kolektif kolegial): the active Pokja
    members, or the Pejabat Pengadaan alone."""
    from openlpse.accounts.models import User

    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        if package.pejabat_pengadaan_id is None:
            return []
        return list(User.objects.filter(pk=package.pejabat_pengadaan_id))
    ids = package.pokja_members.filter(removed_at__isnull=True).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("pk"))
