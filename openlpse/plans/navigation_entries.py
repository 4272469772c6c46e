"""The plans app's menu entries (core.navigation). The predicates read the roles in force
once per request (accounts.permissions.menu_roles); every page checks permission itself."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.core import navigation


def _roles(user: Any) -> set[str]:
    from openlpse.accounts.permissions import menu_roles

    return {role for role, _kind in menu_roles(user)}


def _menu_rup(user: Any) -> bool:
    return bool(_roles(user) & {Role.PA, Role.KPA, Role.PPK})


def _menu_adoption(user: Any) -> bool:
    return bool(
        _roles(user) & {Role.PA, Role.KPA, Role.AGENCY_ADMIN, Role.LPSE_ADMIN, Role.LPSE_STAFF}
    )


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "plans.public_rup",
            _("Procurement plans (RUP)"),
            "plans:public_rup_list",
            navigation.everyone,
            navigation.PORTAL,
            20,
        )
    )
    navigation.register(
        navigation.NavEntry("plans.rup", _("RUP"), "plans:rup_list", _menu_rup, navigation.WORK, 50)
    )
    navigation.register(
        navigation.NavEntry(
            "plans.adoption",
            _("E-procurement adoption plans"),
            "plans:adoption_list",
            _menu_adoption,
            navigation.WORK,
            55,
        )
    )
