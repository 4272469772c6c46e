"""The bids app's menu entries (core.navigation) for the keys: "Personal key" for those who
may sit on a committee, "Key confirmation" for LPSE admins. Every page checks permission
itself; other parts of the bids app register their entries in their own modules."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.core import navigation


def _has(*roles: str) -> navigation.Predicate:
    def predicate(user: Any) -> bool:
        if not navigation.signed_in(user):
            return False
        from openlpse.accounts.permissions import menu_roles

        return bool({role for role, _kind in menu_roles(user)} & set(roles))

    return predicate


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "bids.personal_key",
            _("Personal key"),
            "bids:key_personal",
            _has(Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN),
            navigation.ACCOUNT,
            30,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "bids.key_confirmation",
            _("Key confirmation"),
            "bids:key_admin",
            _has(Role.LPSE_ADMIN),
            navigation.ORGANIZATION,
            40,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "bids.unopenable",
            _("Unopenable bids"),
            "bids:case_list",
            _has(Role.LPSE_ADMIN, Role.LPSE_STAFF),
            navigation.ORGANIZATION,
            41,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "bids.collusion_signals",
            _("Submission signals"),
            "bids:audit_signal_tenders",
            _has(Role.AUDITOR, Role.LPSE_ADMIN, Role.LPSE_STAFF),
            navigation.ORGANIZATION,
            42,
        )
    )
