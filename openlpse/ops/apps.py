from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "openlpse.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Every app's chronograph handlers register themselves when their module is imported.
        autodiscover_modules("chronograph_handlers")
