from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "openlpse.tenders"
    label = "tenders"
    verbose_name = _("Tenders")

    def ready(self) -> None:
        from openlpse.tenders import (
            chronograph_handlers,  # noqa: F401  (registers the stage follow-ups)
            documents_kinds,  # noqa: F401  (registers document kinds)
            navigation_entries,
        )

        navigation_entries.register()
