"""Reads about vendors that depend on who asks, and the blacklist lookups every enforcement
point shares (registration, verification, joining a tender, sign-in)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import active_assignments, in_force_q, today
from openlpse.core import errors
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, validators
from openlpse.vendors.models import BlacklistEntry, Vendor


def blacklist_in_force_q(on: dt.date) -> Q:
    return Q(starts_on__lte=on, ends_on__gte=on, ended_at__isnull=True, lifted_by__isnull=True)


def blacklist_entries_in_force(*, on: dt.date | None = None) -> QuerySet[BlacklistEntry]:
    return BlacklistEntry.objects.filter(blacklist_in_force_q(on or today())).select_related(
        "lpse", "agency"
    )


def blacklist_entry_for(
    *, npwp: str = "", nib: str = "", vendor: Vendor | None = None, on: dt.date | None = None
) -> BlacklistEntry | None:
    """The blacklist entry in force for this NPWP, NIB or vendor, if any (the one that ends
    last, so the message gives the latest date)."""
    npwps = validators.npwp_forms(npwp)
    nibs = {nib} if nib else set()
    match = Q(pk__in=[])
    if vendor is not None and vendor.pk is not None:
        match |= Q(vendor_id=vendor.pk)
        npwps |= validators.npwp_forms(vendor.npwp)
        if vendor.nib:
            nibs.add(vendor.nib)
    if npwps:
        match |= Q(npwp__in=sorted(npwps))
    if nibs:
        match |= Q(nib__in=sorted(nibs))
    return blacklist_entries_in_force(on=on).filter(match).order_by("-ends_on", "-pk").first()


def vendor_holding_number(
    *, vendor: Vendor | None, npwp: str = "", nib: str = ""
) -> tuple[str, Vendor] | None:
    """Another vendor that already has this NPWP (either form) or NIB, with the field that
    matched: one user ID per vendor (issue 3 item 4). Callers word the refusal for their
    audience (DuplicateVendor for the registering company)."""
    others = Vendor.objects.select_related("created_by")
    if vendor is not None and vendor.pk is not None:
        others = others.exclude(pk=vendor.pk)
    if npwp:
        other = others.filter(npwp__in=sorted(validators.npwp_forms(npwp))).order_by("pk").first()
        if other is not None:
            return "npwp", other
    if nib:
        other = others.filter(nib=nib).order_by("pk").first()
        if other is not None:
            return "nib", other
    return None


def verifikator_lpse_ids(user: Any) -> list[int]:
    """The LPSEs where the user is verifikator today: LPSE staff of the Unit Registrasi dan
    Verifikasi (LT 12(1), KA 12(1)), by id."""
    ids = (
        active_assignments(user)
        .filter(role=Role.LPSE_STAFF, lpse_unit__kind=LpseUnitKind.REGISTRASI_VERIFIKASI)
        .values_list("lpse_id", flat=True)
    )
    return sorted({i for i in ids if i is not None})


def verifikators_of(lpse: Lpse) -> QuerySet[User]:
    """The active people of the Unit Registrasi dan Verifikasi of `lpse` today: they are told
    about registrations, identity changes, appointments and blacklist requests."""
    in_unit = RoleAssignment.objects.filter(
        in_force_q(today()),
        role=Role.LPSE_STAFF,
        lpse_id=lpse.pk,
        lpse_unit__kind=LpseUnitKind.REGISTRASI_VERIFIKASI,
    ).values("user_id")
    return User.objects.filter(pk__in=in_unit, is_active=True).order_by("pk")


def vendor_for_user(user: Any) -> Vendor | None:
    """The vendor the user acts for (a person acts for one vendor), or the one they are
    registering (draft)."""
    ids = permissions.vendor_ids_of(user)
    if ids:
        return Vendor.objects.filter(pk__in=ids).order_by("pk").first()
    if not getattr(user, "is_authenticated", False):
        return None
    return Vendor.objects.filter(created_by_id=user.pk).order_by("pk").first()


def access_vendor(*, user: Any, vendor_id: int) -> Vendor:
    """The vendor if the user may see its private data; NotFound otherwise (no leak)."""
    vendor = Vendor.objects.filter(pk=vendor_id).select_related("verified_lpse").first()
    if vendor is None or not permissions.can_view_vendor_private(user, vendor):
        raise errors.NotFound()
    return vendor
