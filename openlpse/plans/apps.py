from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "openlpse.plans"
    label = "plans"
    verbose_name = _("Procurement plans")

    def ready(self) -> None:
        from openlpse.plans import navigation_entries

        navigation_entries.register()
