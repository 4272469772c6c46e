"""Chronograph handlers of the vendors app (discovered by OpsConfig.ready()).

`vendors.blacklist_periods`: one check for every blacklist entry. The blacklist services
schedule it for the next day on which an entry starts or ends; it starts entries dated in the
future, closes entries whose last day has passed (reactivating the accounts they stopped) and
comes back on the next such day (LT 12(4), KA 12(4): automatic end of the period).
"""

from __future__ import annotations

import datetime as dt

from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck
from openlpse.vendors.services import blacklist


@chronograph.handler(blacklist.PERIODS_CHECK)
def blacklist_periods(check: DueCheck) -> dt.datetime | None:
    """Idempotent: running it early or twice changes nothing that is already right."""
    return blacklist.next_run_at(blacklist.blacklist_periods_run())
