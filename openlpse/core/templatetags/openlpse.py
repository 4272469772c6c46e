"""OpenLPSE's template filters and tags: money, local times, menus.

``{% load openlpse %}`` then:

- ``{{ amount|rupiah }}``: ``Rp 1.234.567,00`` in Indonesian, ``IDR 1,234,567.00`` in English.
  Decimal (or int) only: a float here means money was computed in floating point somewhere.
- ``{{ moment|local_datetime:lpse }}``: ``21 November 2026 14:05 WITA`` in that LPSE's zone
  (an Lpse, an IANA zone name, or nothing for WIB); ``local_time`` gives ``14:05 WITA`` and
  ``local_date`` gives ``21 November 2026``.
- ``{{ lpse.time_zone|zone_abbr }}``: ``WITA``.
- ``{% backoffice_menu as sections %}`` / ``{% portal_menu as items %}``: the navigation
  registry's entries this user may see (openlpse.core.navigation).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from openlpse.core import navigation, timezones

register = template.Library()

_CENT = Decimal("0.01")
_TO_INDONESIAN = str.maketrans({",": ".", ".": ","})


def _is_indonesian() -> bool:
    return (get_language() or "id").lower().startswith("id")


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"rupiah needs a Decimal, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError("rupiah needs a finite amount")
    amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    digits = format(abs(amount), ",.2f")  # 1,234,567.00: exact, Decimal formatting
    if _is_indonesian():
        return f"{sign}Rp {digits.translate(_TO_INDONESIAN)}"
    return f"{sign}IDR {digits}"


def _zone(where: Any) -> str:
    return timezones.zone_of(where if where != "" else None)


@register.filter
def local_time(value: dt.datetime | None, where: Any = None) -> str:
    if value is None or value == "":
        return ""
    return timezones.local_time_label(value, _zone(where))


@register.filter
def local_date(value: dt.datetime | None, where: Any = None) -> str:
    if value is None or value == "":
        return ""
    return timezones.local_date_label(value, _zone(where))


@register.filter
def local_datetime(value: dt.datetime | None, where: Any = None) -> str:
    if value is None or value == "":
        return ""
    return timezones.local_datetime_label(value, _zone(where))


@register.filter
def zone_abbr(zone: str | None) -> str:
    return timezones.zone_abbreviation(timezones.zone_of(zone))


@register.simple_tag(takes_context=True)
def backoffice_menu(context: template.Context) -> list[navigation.MenuSection]:
    request = context.get("request")
    if request is None:
        return []
    return navigation.menu_for(request, exclude=(navigation.PORTAL,))


@register.simple_tag(takes_context=True)
def portal_menu(context: template.Context) -> list[navigation.MenuItem]:
    request = context.get("request")
    if request is None:
        return []
    menus = navigation.menu_for(request, sections=(navigation.PORTAL,))
    return menus[0].items if menus else []
