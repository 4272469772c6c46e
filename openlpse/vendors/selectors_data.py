"""Reads for the vendor data tabs, the vendor's staff and the directory of verified vendors.

Like every selector, a missing object and one the user may not see raise the same NotFound.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.permissions import in_force_q, today
from openlpse.core import errors
from openlpse.vendors import permissions
from openlpse.vendors.data_tabs import DataTab
from openlpse.vendors.enums import VendorStatus, VerificationKind, VerificationStatus
from openlpse.vendors.models import BusinessLicence, Vendor, VerificationRequest
from openlpse.vendors.models.data import VendorRecord
from openlpse.vendors.validators import clean_nib, clean_npwp

R = TypeVar("R", bound=VendorRecord)


# --- the vendor's own data ----------------------------------------------------------------------


def vendor_of_member(user: Any) -> Vendor | None:
    """The vendor the user acts for as its administrator or staff (a role in force), or None."""
    ids = permissions.vendor_ids_of(user)
    if not ids:
        return None
    return Vendor.objects.filter(pk__in=ids).select_related("verified_lpse").order_by("pk").first()


def record_list(*, vendor: Vendor, tab: DataTab) -> QuerySet[VendorRecord]:
    assert tab.model is not None
    return (
        tab.model._default_manager.filter(vendor_id=vendor.pk)
        .select_related("file")
        .order_by(*tab.ordering)
    )


def access_record(*, vendor: Vendor, model: type[R], record_id: int) -> R:
    """One row of the vendor's data; another vendor's row is "not found" (the vendor's own
    pages use services.data.vendor_record_access, which also audits that attempt)."""
    record = (
        model._default_manager.filter(pk=record_id, vendor_id=vendor.pk)
        .select_related("file")
        .first()
    )
    if record is None:
        raise errors.NotFound()
    return record


def licence_alerts(*, vendor: Vendor) -> list[tuple[BusinessLicence, str]]:
    """The vendor's licences that expire within the warning period or have expired, with
    their stage ("expiring" or "expired"), soonest first."""
    from openlpse.vendors.services.licence_expiry import WARNING_DAYS, expiry_stage

    day = today()
    horizon = day.toordinal() + WARNING_DAYS
    licences = BusinessLicence.objects.filter(
        vendor_id=vendor.pk, valid_until__isnull=False
    ).order_by("valid_until", "pk")
    alerts: list[tuple[BusinessLicence, str]] = []
    for licence in licences:
        assert licence.valid_until is not None
        if licence.valid_until.toordinal() > horizon:
            break
        stage = expiry_stage(valid_until=licence.valid_until, on=day)
        if stage is not None:
            alerts.append((licence, stage))
    return alerts


def pending_identity_change(*, vendor: Vendor) -> VerificationRequest | None:
    return (
        VerificationRequest.objects.filter(
            vendor_id=vendor.pk,
            kind=VerificationKind.IDENTITY_CHANGE,
            status=VerificationStatus.PENDING,
        )
        .select_related("lpse", "submitted_by")
        .first()
    )


def identity_change_history(*, vendor: Vendor) -> QuerySet[VerificationRequest]:
    return (
        VerificationRequest.objects.filter(
            vendor_id=vendor.pk, kind=VerificationKind.IDENTITY_CHANGE
        )
        .select_related("lpse", "submitted_by", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


# --- people ---------------------------------------------------------------------------------------


def vendor_people(*, vendor: Vendor, roles: tuple[str, ...]) -> QuerySet[RoleAssignment]:
    """The vendor's role assignments in force today (admin and/or staff)."""
    return (
        RoleAssignment.objects.filter(
            in_force_q(today()),
            role__in=roles,
            scope_kind=ScopeKind.VENDOR,
            scope_ref=vendor.scope_ref,
        )
        .select_related("user", "granted_by")
        .order_by("role", "user__full_name", "user__username", "pk")
    )


def vendor_staff_list(*, vendor: Vendor) -> QuerySet[RoleAssignment]:
    return vendor_people(vendor=vendor, roles=(Role.VENDOR_ADMIN, Role.VENDOR_STAFF))


def vendor_admin_users(*, vendor: Vendor) -> list[User]:
    """The active accounts holding vendor_admin for the vendor today (who gets its notices)."""
    return [
        a.user for a in vendor_people(vendor=vendor, roles=(Role.VENDOR_ADMIN,)) if a.user.is_active
    ]


def access_staff_assignment(*, vendor: Vendor, assignment_id: int) -> RoleAssignment:
    """A staff assignment of this vendor still in force; anything else is "not found"."""
    assignment = (
        vendor_people(vendor=vendor, roles=(Role.VENDOR_STAFF,)).filter(pk=assignment_id).first()
    )
    if assignment is None:
        raise errors.NotFound()
    return assignment


# --- the directory of verified vendors (issue 3 item 6) -------------------------------------------


def _search_q(query: str) -> Q:
    match = Q(name__icontains=query) | Q(city__icontains=query) | Q(province__icontains=query)
    for clean, field in ((clean_npwp, "npwp"), (clean_nib, "nib")):
        try:
            match |= Q(**{field: clean(query)})
        except errors.ValidationError:
            continue
    return match


def vendor_directory(*, user: Any, query: str = "", sort: str = "name") -> QuerySet[Vendor]:
    """Verified vendors of the whole deployment, for officials (NotFound for anyone else)."""
    if not permissions.can_view_vendor_directory(user):
        raise errors.NotFound()
    qs = Vendor.objects.filter(status=VendorStatus.VERIFIED).select_related("verified_lpse")
    query = query.strip()
    if query:
        qs = qs.filter(_search_q(query))
    orders = {
        "name": ("name", "pk"),
        "-name": ("-name", "-pk"),
        "city": ("city", "name", "pk"),
        "-city": ("-city", "name", "pk"),
        "verified": ("verified_at", "pk"),
        "-verified": ("-verified_at", "-pk"),
        "lpse": ("verified_lpse__name", "name", "pk"),
        "-lpse": ("-verified_lpse__name", "name", "pk"),
    }
    return qs.order_by(*orders.get(sort, orders["name"]))


def access_directory_vendor(*, user: Any, vendor_id: int) -> Vendor:
    vendor = vendor_directory(user=user).filter(pk=vendor_id).first()
    if vendor is None:
        raise errors.NotFound()
    return vendor
