"""Deployment check: the key service must be a separate process in production (ADR 0010).

`OPENLPSE_KEYSERVICE_URL=local:DIR` runs the key service's code inside the web application,
which is meant for the test suite only: in production it would put the system keys where the
web application (and whoever controls it) can read them, and the AND composition of the two
keys would be lost."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def keyservice_is_separate(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    url = str(getattr(settings, "OPENLPSE_KEYSERVICE_URL", ""))
    if url.startswith("local:"):
        return [
            checks.Error(
                "OPENLPSE_KEYSERVICE_URL uses the in-process 'local:' transport, which is for "
                "tests only.",
                hint="Run `python -m openlpse.keyservice` as its own service (own OS user and "
                "key store) and set OPENLPSE_KEYSERVICE_URL to http://host:port or unix:/path.",
                id="openlpse.bids.E001",
            )
        ]
    return []
