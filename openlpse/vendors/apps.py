from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "openlpse.vendors"
    label = "vendors"
    verbose_name = _("Vendors")

    def ready(self) -> None:
        from openlpse.vendors import (
            documents_kinds,  # noqa: F401  (registers document kinds)
            navigation_entries,
        )
        from openlpse.vendors.services import licence_expiry  # noqa: F401  (chronograph handler)

        navigation_entries.register()
