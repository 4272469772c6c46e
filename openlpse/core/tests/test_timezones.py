"""Times are stored in UTC and shown in the LPSE's zone with WIB, WITA or WIT."""

import datetime as dt

import pytest
from django.utils import translation

from openlpse.core import timezones
from openlpse.organizations.models import Lpse

UTC = dt.UTC


def test_zone_of_an_lpse_a_name_or_nothing():
    assert timezones.zone_of(Lpse(time_zone="Asia/Makassar")) == "Asia/Makassar"
    assert timezones.zone_of("Asia/Jayapura") == "Asia/Jayapura"
    assert timezones.zone_of(None) == "Asia/Jakarta"
    assert timezones.zone_of("") == "Asia/Jakarta"


def test_zone_abbreviation_falls_back_to_the_iana_name():
    assert timezones.zone_abbreviation("Asia/Pontianak") == "WIB"
    assert timezones.zone_abbreviation("Europe/Amsterdam") == "Europe/Amsterdam"


def test_local_time_label_is_hours_minutes_and_zone():
    moment = dt.datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    assert timezones.local_time_label(moment, "Asia/Makassar") == "14:05 WITA"
    assert timezones.local_time_label(moment, "Asia/Jakarta") == "13:05 WIB"
    assert timezones.local_time_label(moment, "Asia/Jayapura") == "15:05 WIT"


def test_local_datetime_label_in_both_languages():
    moment = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with translation.override("id"):
        assert timezones.local_datetime_label(moment, "Asia/Makassar") == "2 Maret 2026 09:00 WITA"
    with translation.override("en"):
        assert timezones.local_datetime_label(moment, "Asia/Makassar") == "2 March 2026 09:00 WITA"


def test_to_local_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        timezones.to_local(dt.datetime(2026, 1, 1, 12, 0), "Asia/Jakarta")
