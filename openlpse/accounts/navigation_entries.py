"""Menu entries of the officials and auditor-request pages (core.navigation). Both share one
query per page (`accounts.permissions.menu_roles`). The inbox is linked from the page
header, with its unread badge, for everyone signed in."""

from django.utils.translation import gettext_lazy as _

from openlpse.core import navigation


def register() -> None:
    navigation.register(
        navigation.NavEntry(
            "accounts.officials",
            _("Officials"),
            "accounts:officials_list",
            navigation.lazy_predicate(
                "openlpse.accounts.permissions_registrations.can_open_official_pages"
            ),
            navigation.ORGANIZATION,
            30,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "accounts.auditor_requests",
            _("Auditor requests"),
            "accounts:auditor_requests_list",
            navigation.lazy_predicate(
                "openlpse.accounts.permissions_registrations.can_open_auditor_requests"
            ),
            navigation.WORK,
            40,
        )
    )
