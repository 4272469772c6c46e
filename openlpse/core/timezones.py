"""Times are stored in UTC and shown in the LPSE's zone with its name (WIB, WITA, WIT)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from openlpse.organizations.enums import ZONE_ABBREVIATION


def zone_abbreviation(zone: str) -> str:
    return ZONE_ABBREVIATION.get(zone, zone)


def to_local(value: dt.datetime, zone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(zone))


def local_time_label(value: dt.datetime, zone: str) -> str:
    """e.g. '14:05 WITA'."""
    return f"{to_local(value, zone):%H:%M} {zone_abbreviation(zone)}"
