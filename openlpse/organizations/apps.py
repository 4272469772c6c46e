from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "openlpse.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from openlpse.core import navigation

        # The organisation pages, and the role pages of accounts that manage the same people.
        navigation.register(
            navigation.NavEntry(
                "organizations.index",
                _("LPSE and agencies"),
                "organizations:index",
                navigation.lazy_predicate("openlpse.accounts.permissions.can_open_organizations"),
                navigation.ORGANIZATION,
                10,
            )
        )
        navigation.register(
            navigation.NavEntry(
                "accounts.roles",
                _("Role assignments"),
                "accounts:roles_list",
                navigation.lazy_predicate("openlpse.accounts.permissions.can_open_role_pages"),
                navigation.ORGANIZATION,
                20,
            )
        )
