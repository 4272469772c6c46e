"""The vendors app's menu entries (core.navigation).

The menu is drawn on every back-office page, so its predicates share one query
(accounts.permissions.menu_roles: the roles in force with their LPSE unit, read once per
request). Each page still checks permission itself through vendors.permissions."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.core import navigation
from openlpse.organizations.enums import LpseUnitKind

_VENDOR_ROLES = {str(Role.VENDOR_ADMIN), str(Role.VENDOR_STAFF)}


def _roles(user: Any) -> frozenset[tuple[str, str]]:
    from openlpse.accounts.permissions import menu_roles

    return menu_roles(user)


def _is_verifikator(user: Any) -> bool:
    return any(
        role == Role.LPSE_STAFF and kind == LpseUnitKind.REGISTRASI_VERIFIKASI
        for role, kind in _roles(user)
    )


def _menu_vendor_area(user: Any) -> bool:
    roles = {role for role, _kind in _roles(user)}
    if roles & _VENDOR_ROLES:
        return True
    if roles or not getattr(user, "is_authenticated", False):
        return False  # an official never registers a company (separation of duties)
    from openlpse.vendors.models import Vendor

    return Vendor.objects.filter(created_by_id=user.pk).exists()


def _menu_verification(user: Any) -> bool:
    return _is_verifikator(user)


def _menu_blacklist_requests(user: Any) -> bool:
    from openlpse.vendors.permissions import BLACKLIST_REQUESTER_ROLES

    requesters = {str(r) for r in BLACKLIST_REQUESTER_ROLES}
    return _is_verifikator(user) or any(role in requesters for role, _kind in _roles(user))


def _menu_directory(user: Any) -> bool:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(role not in _VENDOR_ROLES for role, _kind in _roles(user))


def _signed_out(user: Any) -> bool:
    return not getattr(user, "is_authenticated", False)


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "vendors.signup",
            _("Register your company"),
            "vendors:signup",
            _signed_out,
            navigation.PORTAL,
            70,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.blacklist_public",
            _("Blacklist"),
            "vendors:blacklist_public",
            navigation.everyone,
            navigation.PORTAL,
            60,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.area",
            _("My company"),
            "vendors:home",
            _menu_vendor_area,
            navigation.WORK,
            10,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.verification",
            _("Vendor verification"),
            "vendors:verification_queue",
            _menu_verification,
            navigation.WORK,
            20,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.blacklist_requests",
            _("Blacklist requests"),
            "vendors:blacklist_requests",
            _menu_blacklist_requests,
            navigation.WORK,
            30,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.directory",
            _("Verified vendors"),
            "vendors:directory",
            _menu_directory,
            navigation.WORK,
            40,
        )
    )
