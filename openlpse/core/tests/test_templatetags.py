"""The template filters show money and times exactly as people in Indonesia read them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from openlpse.core.templatetags.openlpse import (
    local_date,
    local_datetime,
    local_time,
    rupiah,
    zone_abbr,
)
from openlpse.organizations.models import Lpse

UTC = dt.UTC


@pytest.mark.parametrize(
    ("amount", "indonesian", "english"),
    [
        (Decimal("1234567"), "Rp 1.234.567,00", "IDR 1,234,567.00"),
        (Decimal("1234567.5"), "Rp 1.234.567,50", "IDR 1,234,567.50"),
        (Decimal("0"), "Rp 0,00", "IDR 0.00"),
        (Decimal("0.01"), "Rp 0,01", "IDR 0.01"),
        (Decimal("999"), "Rp 999,00", "IDR 999.00"),
        (Decimal("1000"), "Rp 1.000,00", "IDR 1,000.00"),
        (Decimal("999.995"), "Rp 1.000,00", "IDR 1,000.00"),
        (Decimal("0.005"), "Rp 0,01", "IDR 0.01"),
        (Decimal("-2500000.25"), "-Rp 2.500.000,25", "-IDR 2,500,000.25"),
        (Decimal("-0.001"), "Rp 0,00", "IDR 0.00"),
        (
            Decimal("123456789012345678.99"),
            "Rp 123.456.789.012.345.678,99",
            "IDR 123,456,789,012,345,678.99",
        ),
        (12, "Rp 12,00", "IDR 12.00"),
    ],
)
def test_rupiah_formats_indonesian_and_english(amount, indonesian, english):
    with translation.override("id"):
        assert rupiah(amount) == indonesian
    with translation.override("en"):
        assert rupiah(amount) == english


@pytest.mark.parametrize("amount", [1234.5, "1234.50", True, [1]])
def test_rupiah_refuses_anything_but_decimal_or_int(amount):
    with pytest.raises(TypeError, match="rupiah needs a Decimal"):
        rupiah(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_rupiah_refuses_amounts_that_are_not_finite(amount):
    with pytest.raises(ValueError, match="finite"):
        rupiah(amount)


def test_rupiah_of_nothing_is_empty():
    assert rupiah(None) == ""
    assert rupiah("") == ""


def test_rupiah_in_a_template_follows_the_active_language():
    template = Template("{% load openlpse %}{{ hps|rupiah }}")
    context = Context({"hps": Decimal("1500000000")})
    with translation.override("id"):
        assert template.render(context) == "Rp 1.500.000.000,00"
    with translation.override("en"):
        assert template.render(context) == "IDR 1,500,000,000.00"


KARANGASEM = Lpse(slug="karangasem", name="LPSE Kabupaten Karangasem", time_zone="Asia/Makassar")
LAMPUNG_TIMUR = Lpse(
    slug="lampungtimurkab", name="LPSE Kabupaten Lampung Timur", time_zone="Asia/Jakarta"
)


def test_local_datetime_shows_the_lpse_zone_with_its_indonesian_name():
    moment = dt.datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    with translation.override("id"):
        assert local_datetime(moment, KARANGASEM) == "21 November 2026 14:05 WITA"
        assert local_datetime(moment, LAMPUNG_TIMUR) == "21 November 2026 13:05 WIB"
        assert local_datetime(moment, "Asia/Jayapura") == "21 November 2026 15:05 WIT"


def test_local_datetime_uses_indonesian_month_names_in_indonesian():
    moment = dt.datetime(2026, 8, 17, 3, 0, tzinfo=UTC)
    with translation.override("id"):
        assert local_datetime(moment, LAMPUNG_TIMUR) == "17 Agustus 2026 10:00 WIB"
    with translation.override("en"):
        assert local_datetime(moment, LAMPUNG_TIMUR) == "17 August 2026 10:00 WIB"


def test_local_datetime_moves_to_the_next_day_and_year_in_the_lpse_zone():
    moment = dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    with translation.override("id"):
        assert local_datetime(moment, "Asia/Jayapura") == "1 Januari 2027 01:30 WIT"
        assert local_datetime(moment, LAMPUNG_TIMUR) == "31 Desember 2026 23:30 WIB"


def test_local_time_and_date_separately():
    moment = dt.datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    with translation.override("id"):
        assert local_time(moment, KARANGASEM) == "14:05 WITA"
        assert local_date(moment, KARANGASEM) == "21 November 2026"


def test_local_time_accepts_any_aware_datetime_not_only_utc():
    moment = dt.datetime(2026, 11, 21, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert local_time(moment, LAMPUNG_TIMUR) == "13:05 WIB"


def test_local_time_without_an_lpse_is_western_indonesia_time():
    moment = dt.datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    assert local_time(moment) == "13:05 WIB"
    assert local_time(moment, None) == "13:05 WIB"
    assert local_time(moment, "") == "13:05 WIB"


def test_local_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        local_time(dt.datetime(2026, 11, 21, 6, 5), KARANGASEM)


def test_local_time_of_nothing_is_empty():
    assert local_time(None, KARANGASEM) == ""
    assert local_datetime(None, KARANGASEM) == ""
    assert local_date(None, KARANGASEM) == ""


def test_local_datetime_in_a_template_with_the_lpse_as_argument():
    template = Template("{% load openlpse %}{{ deadline|local_datetime:lpse }}")
    context = Context({"deadline": dt.datetime(2026, 11, 21, 6, 5, tzinfo=UTC), "lpse": KARANGASEM})
    with translation.override("id"):
        assert template.render(context) == "21 November 2026 14:05 WITA"


def test_zone_abbr_names_the_three_zones():
    assert zone_abbr("Asia/Jakarta") == "WIB"
    assert zone_abbr("Asia/Makassar") == "WITA"
    assert zone_abbr("Asia/Jayapura") == "WIT"
    assert zone_abbr(None) == "WIB"
