"""`manage.py keyservice_check`: is the key service reachable with our token? Prints its health
and clock; exit status 1 when it cannot be reached."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from openlpse.bids import keyclient


class Command(BaseCommand):
    help = "Check that the key service answers (settings.OPENLPSE_KEYSERVICE_URL)."

    def handle(self, *args: Any, **options: Any) -> None:
        url = settings.OPENLPSE_KEYSERVICE_URL
        try:
            data = keyclient.health()
        except keyclient.KeyServiceError as exc:
            self.stderr.write(f"Key service at {url}: NOT REACHABLE. {exc}")
            raise SystemExit(1) from exc
        self.stdout.write(self.style.SUCCESS(f"Key service at {url}: {data.get('status')}"))
        for name in ("service", "version", "time"):
            if name in data:
                self.stdout.write(f"{name}: {data[name]}")
