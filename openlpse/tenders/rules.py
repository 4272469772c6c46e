"""Date-effective amounts of the procurement rules (after ProZorro's date-effective constants):
each rule is a list of (in force from, value) pairs, and code asks for the value in force on a
given day, so a package sent before a rule changed is judged by the rule of its day.

Pengadaan langsung ceilings (the HPS of a package run by a Pejabat Pengadaan may not exceed):
- Perpres 16/2018 jo. 12/2021 Pasal 38(3)-(4): barang, pekerjaan konstruksi and jasa lainnya
  at most Rp200 juta; jasa konsultansi at most Rp100 juta.
- Perpres 46/2025 (second amendment) raises pekerjaan konstruksi to Rp400 juta
  (spse-reference §2.2F). Its day in force is taken as the day it was promulgated,
  30 April 2025 [UNVERIFIED: check the Lembaran Negara]; change `PERPRES_46_2025` if needed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openlpse.plans.enums import ProcurementType

Schedule = tuple[tuple[dt.date, Decimal], ...]

PERPRES_16_2018 = dt.date(2018, 3, 22)
PERPRES_46_2025 = dt.date(2025, 4, 30)

JUTA = Decimal("1000000")

PENGADAAN_LANGSUNG_CEILINGS: dict[str, Schedule] = {
    ProcurementType.BARANG: ((PERPRES_16_2018, 200 * JUTA),),
    ProcurementType.JASA_LAINNYA: ((PERPRES_16_2018, 200 * JUTA),),
    ProcurementType.KONSTRUKSI: ((PERPRES_16_2018, 200 * JUTA), (PERPRES_46_2025, 400 * JUTA)),
    ProcurementType.KONSULTANSI_BADAN_USAHA: ((PERPRES_16_2018, 100 * JUTA),),
    ProcurementType.KONSULTANSI_PERORANGAN: ((PERPRES_16_2018, 100 * JUTA),),
}


def in_force(schedule: Schedule, on: dt.date) -> Decimal | None:
    """The value of the latest entry that started on or before `on` (None before the first)."""
    value: Decimal | None = None
    for starts_on, amount in sorted(schedule):
        if starts_on <= on:
            value = amount
    return value


def pengadaan_langsung_ceiling(procurement_type: str, on: dt.date) -> Decimal | None:
    """The highest HPS a pengadaan langsung of this procurement type may have on `on`."""
    schedule = PENGADAAN_LANGSUNG_CEILINGS.get(procurement_type)
    return in_force(schedule, on) if schedule else None
