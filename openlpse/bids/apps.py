from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "openlpse.bids"
    label = "bids"
    verbose_name = _("Sealed bids")

    def ready(self) -> None:
        from openlpse.bids import checks, hooks  # noqa: F401  (checks registers itself)

        hooks.register()
