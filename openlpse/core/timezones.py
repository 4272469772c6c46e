"""Times are stored in UTC and shown in the LPSE's zone with its name (WIB, WITA, WIT)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import dates

from openlpse.organizations.enums import ZONE_ABBREVIATION

# Pages that belong to no LPSE (the deployment's home, sign-in) show Western Indonesia Time.
DEFAULT_ZONE = "Asia/Jakarta"


class HasTimeZone(Protocol):
    time_zone: str


def zone_of(where: HasTimeZone | str | None) -> str:
    """The IANA zone of an LPSE (or of a zone name given directly); WIB when none is given."""
    if where is None or where == "":
        return DEFAULT_ZONE
    if isinstance(where, str):
        return where
    return where.time_zone or DEFAULT_ZONE


def zone_abbreviation(zone: str) -> str:
    return ZONE_ABBREVIATION.get(zone, zone)


def to_local(value: dt.datetime, zone: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive datetime has no place in OpenLPSE: guessing its zone would shift deadlines.
        raise ValueError("to_local() needs an aware datetime")
    return value.astimezone(ZoneInfo(zone))


def local_time_label(value: dt.datetime, zone: str) -> str:
    """e.g. '14:05 WITA'."""
    return f"{to_local(value, zone):%H:%M} {zone_abbreviation(zone)}"


def local_date_label(value: dt.datetime, zone: str) -> str:
    """e.g. '21 November 2026' (month name in the active language)."""
    local = to_local(value, zone)
    return f"{local.day} {dates.MONTHS[local.month]} {local.year}"


def local_datetime_label(value: dt.datetime, zone: str) -> str:
    """e.g. '21 November 2026 14:05 WITA' (month name in the active language)."""
    return f"{local_date_label(value, zone)} {local_time_label(value, zone)}"
