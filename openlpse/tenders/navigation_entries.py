"""The tenders app's menu entries (core.navigation). The predicates read the roles in force
once per request (accounts.permissions.menu_roles); every page checks permission itself."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.core import navigation


def _roles(user: Any) -> set[str]:
    from openlpse.accounts.permissions import menu_roles

    return {role for role, _kind in menu_roles(user)}


def _has(*roles: str) -> navigation.Predicate:
    def predicate(user: Any) -> bool:
        return bool(_roles(user) & set(roles))

    return predicate


def register() -> None:
    entries = [
        (
            "tenders.public",
            _("Tenders"),
            "tenders:public_list",
            navigation.everyone,
            navigation.PORTAL,
            10,
        ),
        (
            "tenders.packages",
            _("My packages"),
            "tenders:package_list",
            _has(Role.PPK),
            navigation.WORK,
            60,
        ),
        (
            "tenders.addenda",
            _("Addenda to decide"),
            "tenders:addendum_ppk_queue",
            _has(Role.PPK),
            navigation.WORK,
            62,
        ),
        (
            "tenders.incoming",
            _("Packages to assign"),
            "tenders:package_incoming",
            _has(Role.ULP_HEAD),
            navigation.WORK,
            64,
        ),
        (
            "tenders.committee",
            _("My tenders (committee)"),
            "tenders:setup_my_tenders",
            _has(Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN),
            navigation.WORK,
            66,
        ),
        (
            "tenders.vendor_open",
            _("Open tenders"),
            "tenders:vendor_open_tenders",
            _has(Role.VENDOR_ADMIN, Role.VENDOR_STAFF),
            navigation.WORK,
            12,
        ),
        (
            "tenders.vendor_mine",
            _("My tenders"),
            "tenders:vendor_my_tenders",
            _has(Role.VENDOR_ADMIN, Role.VENDOR_STAFF),
            navigation.WORK,
            14,
        ),
    ]
    for key, label, url_name, predicate, section, order in entries:
        navigation.register(navigation.NavEntry(key, label, url_name, predicate, section, order))
