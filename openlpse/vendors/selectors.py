"""Reads about vendors that depend on who asks, and the blacklist lookups every enforcement
point shares (registration, verification, joining a tender, sign-in)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from openlpse.accounts.permissions import today
from openlpse.core import errors
from openlpse.vendors import permissions
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
    match = Q(pk__in=[])
    if npwp:
        match |= Q(npwp=npwp)
    if nib:
        match |= Q(nib=nib)
    if vendor is not None and vendor.pk is not None:
        match |= Q(vendor_id=vendor.pk)
        if vendor.npwp:
            match |= Q(npwp=vendor.npwp)
        if vendor.nib:
            match |= Q(nib=vendor.nib)
    return blacklist_entries_in_force(on=on).filter(match).order_by("-ends_on", "-pk").first()


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
