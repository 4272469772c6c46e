"""Who may do what with vendors, their verification and the blacklist. Plain predicates over
(user, object); views show or hide with them, services check them again. They never raise.

- A vendor's people: its administrator (vendor_admin) and staff (vendor_staff), by role
  assignments whose scope_ref is the vendor's id; before verification, the person who
  registered it (`created_by`), who may edit and submit the registration and nothing else.
- Verifikator: LPSE staff placed in the Unit Registrasi dan Verifikasi of that LPSE
  (LT 12, KA 12). They decide registrations and blacklist requests of their LPSE.
- Blacklist requesters: PA, KPA, PPK, Pokja members, ULP heads and Pejabat Pengadaan
  (LT 12(4), KA 12(4)) with a role in force at the LPSE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import (
    OFFICIAL_ROLES,
    VENDOR_ROLES,
    active_assignments,
    is_lpse_staff,
)
from openlpse.organizations.enums import LpseUnitKind

if TYPE_CHECKING:
    from openlpse.organizations.models import Lpse
    from openlpse.vendors.models import Vendor

BLACKLIST_REQUESTER_ROLES = frozenset(
    {Role.PA, Role.KPA, Role.PPK, Role.POKJA_MEMBER, Role.ULP_HEAD, Role.PEJABAT_PENGADAAN}
)


def _signed_in(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def vendor_ids_of(user: Any, *, admin_only: bool = False) -> set[int]:
    """Ids of the vendors the user acts for by a vendor role in force."""
    roles = (Role.VENDOR_ADMIN,) if admin_only else (Role.VENDOR_ADMIN, Role.VENDOR_STAFF)
    refs = active_assignments(user).filter(role__in=roles).values_list("scope_ref", flat=True)
    return {int(r) for r in refs if r.isdigit()}


def is_vendor_admin(user: Any, vendor: Vendor) -> bool:
    return _signed_in(user) and vendor.pk in vendor_ids_of(user, admin_only=True)


def is_vendor_member(user: Any, vendor: Vendor) -> bool:
    """Admin or staff of the vendor."""
    return _signed_in(user) and vendor.pk in vendor_ids_of(user)


def is_registrant(user: Any, vendor: Vendor) -> bool:
    """The person who registered the vendor (its first administrator)."""
    return _signed_in(user) and vendor.created_by_id == user.pk


# Why a person is linked to a company (vendor_link); shown in the refusal.
VENDOR_LINK_LABELS: dict[str, Any] = {
    "registrant": _("you registered this company"),
    "vendor_role": _("you hold a role in this company"),
    "nik": _("your NIK is that of its administrator, an owner or an officer"),
    "email": _("your e-mail address is the company's"),
}


def vendor_link(
    user: Any, vendor: Vendor | None, *, other_emails: tuple[str, ...] = ()
) -> str | None:
    """Why the user is linked to the company, or None: its registrant, a vendor role of it (in
    any period, unless revoked), the same NIK as its administrator, an owner or an officer, or
    the same e-mail as the company. A linked person never decides about the company:
    verification, blacklisting, deactivation (conflict of interest, issue 3 "Bad input")."""
    if vendor is None or vendor.pk is None or not _signed_in(user):
        return None
    from openlpse.accounts.models import RoleAssignment
    from openlpse.vendors.models import Officer, Owner

    if vendor.created_by_id == user.pk:
        return "registrant"
    if RoleAssignment.objects.filter(
        user_id=user.pk, role__in=VENDOR_ROLES, scope_ref=vendor.scope_ref, revoked_at__isnull=True
    ).exists():
        return "vendor_role"
    nik = (getattr(user, "nik", "") or "").strip()
    if nik and (
        nik == vendor.admin_nik
        or Owner.objects.filter(vendor_id=vendor.pk, id_number=nik).exists()
        or Officer.objects.filter(vendor_id=vendor.pk, nik=nik).exists()
    ):
        return "nik"
    email = (getattr(user, "email", "") or "").strip().lower()
    company = {e.strip().lower() for e in (vendor.email, *other_emails) if e and e.strip()}
    if email and email in company:
        return "email"
    return None


def can_edit_registration(user: Any, vendor: Vendor) -> bool:
    """Fill in and submit the registration: the registrant, or later the vendor admin."""
    return is_registrant(user, vendor) or is_vendor_admin(user, vendor)


def can_view_vendor_private(user: Any, vendor: Vendor) -> bool:
    """See the vendor's full data and documents: its people, and verifikators of any LPSE
    (a vendor verified at one LPSE is seen by all, issue 3 item 6)."""
    if not _signed_in(user):
        return False
    if is_vendor_member(user, vendor) or is_registrant(user, vendor):
        return True
    return is_any_verifikator(user)


def is_verifikator(user: Any, lpse: Lpse) -> bool:
    """LPSE staff of the Unit Registrasi dan Verifikasi of this LPSE (LT 12(1), KA 12(1))."""
    return is_lpse_staff(user, lpse, unit_kind=LpseUnitKind.REGISTRASI_VERIFIKASI)


def is_any_verifikator(user: Any) -> bool:
    return (
        active_assignments(user)
        .filter(role=Role.LPSE_STAFF, lpse_unit__kind=LpseUnitKind.REGISTRASI_VERIFIKASI)
        .exists()
    )


def can_request_blacklist(user: Any, lpse: Lpse | None = None) -> bool:
    """LT 12(4), KA 12(4): PA/KPA/PPK and ULP/Pokja/Pejabat Pengadaan ask for a blacklisting."""
    qs = active_assignments(user).filter(role__in=BLACKLIST_REQUESTER_ROLES)
    if lpse is not None:
        qs = qs.filter(lpse_id=lpse.pk)
    return qs.exists()


def can_decide_blacklist(user: Any, lpse: Lpse) -> bool:
    """The Unit Registrasi dan Verifikasi decides (LT 12(4), KA 12(4))."""
    return is_verifikator(user, lpse)


def can_open_verification(user: Any) -> bool:
    """Menu: the verification queue."""
    return is_any_verifikator(user)


def can_open_vendor_area(user: Any) -> bool:
    """Menu: the vendor's own pages (registration, data, staff)."""
    if not _signed_in(user):
        return False
    if vendor_ids_of(user):
        return True
    from openlpse.vendors.models import Vendor

    return Vendor.objects.filter(created_by_id=user.pk).exists()


def can_open_blacklist_requests(user: Any) -> bool:
    return can_request_blacklist(user) or is_any_verifikator(user)


def can_view_vendor_directory(user: Any) -> bool:
    """The directory of verified vendors (issue 3 item 6: every LPSE sees which LPSE verified
    a vendor and when): officials of any LPSE (LPSE admin and staff, agency admins, PA, KPA,
    PPK, ULP, Pokja, Pejabat Pengadaan) and auditors with a role in force, and platform
    operators. Not vendors, not the public."""
    if not _signed_in(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return active_assignments(user).filter(role__in=OFFICIAL_ROLES).exists()
