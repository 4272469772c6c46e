"""Reads of the set-up part that depend on who asks: the committee's tenders, the packages
waiting for their tender, one tender for its committee (not found and not allowed look the
same), and one tender for cancellation (the committee chair or the PA/KPA)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import active_assignments, may_write_procurement
from openlpse.core import errors
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders.enums import PackageStatus, SelectionUnit
from openlpse.tenders.models import Package, PokjaMember, Tender
from openlpse.tenders.permissions import is_committee_member


def _committee_of_tender_q(user: Any) -> Q:
    """Tenders whose package has the user as an active Pokja member or as its Pejabat
    Pengadaan."""
    pokja = PokjaMember.objects.filter(
        package=OuterRef("package_id"), user_id=user.pk, removed_at__isnull=True
    )
    return Q(Exists(pokja)) | Q(
        package__selection_unit=SelectionUnit.PEJABAT_PENGADAAN,
        package__pejabat_pengadaan_id=user.pk,
    )


def tenders_for_committee(*, user: Any, status: str = "") -> QuerySet[Tender]:
    """The tenders whose committee the user sits on (any status), newest first."""
    if not getattr(user, "is_authenticated", False) or not may_write_procurement(user):
        return Tender.objects.none()
    rows = Tender.objects.filter(_committee_of_tender_q(user))
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("package", "lpse").order_by("-created_at", "-pk")


def packages_waiting_for_tender(*, user: Any) -> list[Package]:
    """Assigned packages the user chairs (or runs as Pejabat Pengadaan) without a live tender."""
    if not getattr(user, "is_authenticated", False) or not may_write_procurement(user):
        return []
    chaired = PokjaMember.objects.filter(
        package=OuterRef("pk"), user_id=user.pk, removed_at__isnull=True, is_chair=True
    )
    live = Tender.objects.filter(package=OuterRef("pk"), status__in=perms.LIVE_STATUSES)
    rows = (
        Package.objects.filter(status=PackageStatus.ASSIGNED)
        .filter(
            Q(Exists(chaired))
            | Q(selection_unit=SelectionUnit.PEJABAT_PENGADAAN, pejabat_pengadaan_id=user.pk)
        )
        .exclude(Exists(live))
        .select_related("agency", "lpse")
        .order_by("-sent_at", "-pk")
    )
    return [p for p in rows if perms.can_create_tender(user, p)]


def access_package_for_tender(*, user: Any, package_id: int) -> Package:
    package = Package.objects.select_related("lpse", "agency").filter(pk=package_id).first()
    if package is None or not perms.can_create_tender(user, package):
        raise errors.NotFound()
    return package


def access_tender_for_committee(*, user: Any, tender_id: int) -> Tender:
    """The tender for a member of its committee; NotFound for anyone else (and for a missing
    id), so a draft tender's existence never leaks."""
    tender = (
        Tender.objects.select_related("package", "lpse", "invited_vendor")
        .filter(pk=tender_id)
        .first()
    )
    if tender is None or not is_committee_member(user, tender):
        raise errors.NotFound()
    return tender


def access_tender_for_cancel(*, user: Any, tender_id: int) -> Tender:
    tender = Tender.objects.select_related("package", "lpse").filter(pk=tender_id).first()
    if tender is None:
        raise errors.NotFound()
    if is_committee_member(user, tender) or perms.is_budget_holder_of(user, tender.package):
        return tender
    raise errors.NotFound()


def is_budget_holder(user: Any) -> bool:
    """Menu: does the user hold PA or KPA anywhere (to list the tenders they may cancel)?"""
    return active_assignments(user).filter(role__in=[Role.PA, Role.KPA]).exists()
