"""The vendors app's menu entries (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from openlpse.core import navigation


def register() -> None:
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
            navigation.lazy_predicate("openlpse.vendors.permissions.can_open_vendor_area"),
            navigation.WORK,
            10,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.verification",
            _("Vendor verification"),
            "vendors:verification_queue",
            navigation.lazy_predicate("openlpse.vendors.permissions.can_open_verification"),
            navigation.WORK,
            20,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "vendors.blacklist_requests",
            _("Blacklist requests"),
            "vendors:blacklist_requests",
            navigation.lazy_predicate("openlpse.vendors.permissions.can_open_blacklist_requests"),
            navigation.WORK,
            30,
        )
    )
