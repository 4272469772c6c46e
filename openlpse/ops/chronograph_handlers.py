"""Built-in chronograph handlers of the ops app."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from openlpse.core import clock
from openlpse.ops import chronograph, services
from openlpse.ops.models import DueCheck

HEARTBEAT = "ops.heartbeat"


@chronograph.handler(HEARTBEAT)
def heartbeat(check: DueCheck) -> dt.datetime:
    """Record that the chronograph is alive, then come back after one interval."""
    services.heartbeat_record(name="chronograph", runner_id=check.locked_by)
    return clock.now() + dt.timedelta(seconds=settings.CHRONOGRAPH_INTERVAL)
