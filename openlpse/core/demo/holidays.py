"""National holidays (hari libur nasional) loaded into each demo LPSE's calendar.

2026: the official list of the joint decree (SKB Menteri Agama, Menteri Ketenagakerjaan and
Menteri PANRB) on national holidays and cuti bersama 2026. Cuti bersama days are not included.
2027: only the holidays with a fixed date; the moving ones (Islamic, Chinese, Balinese and
Christian calendars) are added when the SKB for 2027 is published.

An LPSE administrator must confirm these dates against the SKB in force, and add regional
holidays, on the holiday calendar page: the demo data is a convenience, not a legal source.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

NATIONAL_HOLIDAYS: tuple[tuple[dt.date, str], ...] = (
    # 2026 (SKB 2026)
    (D(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (D(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (D(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (D(2026, 3, 19), "Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    (D(2026, 3, 20), "Hari Raya Idul Fitri 1447 Hijriah"),
    (D(2026, 3, 21), "Hari Raya Idul Fitri 1447 Hijriah"),
    (D(2026, 4, 3), "Wafat Yesus Kristus"),
    (D(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (D(2026, 5, 1), "Hari Buruh Internasional"),
    (D(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (D(2026, 5, 27), "Hari Raya Idul Adha 1447 Hijriah"),
    (D(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (D(2026, 6, 1), "Hari Lahir Pancasila"),
    (D(2026, 6, 16), "Tahun Baru Islam 1448 Hijriah"),
    (D(2026, 8, 17), "Hari Proklamasi Kemerdekaan Republik Indonesia"),
    (D(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (D(2026, 12, 25), "Hari Raya Natal"),
    # 2027: fixed dates only, until the SKB 2027 is published.
    (D(2027, 1, 1), "Tahun Baru 2027 Masehi"),
    (D(2027, 5, 1), "Hari Buruh Internasional"),
    (D(2027, 6, 1), "Hari Lahir Pancasila"),
    (D(2027, 8, 17), "Hari Proklamasi Kemerdekaan Republik Indonesia"),
    (D(2027, 12, 25), "Hari Raya Natal"),
)
