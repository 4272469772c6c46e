"""The LPSE's working-day calendar, in WIB and WITA, with holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from openlpse.core.calendar import WorkingCalendar
from openlpse.organizations.tests.factories import HolidayFactory, LpseFactory

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def wita_lpse(db):
    lpse = LpseFactory(time_zone="Asia/Makassar")
    HolidayFactory(lpse=lpse, date=dt.date(2026, 12, 25), name="Hari Raya Natal")
    return lpse


def test_working_moment_uses_the_lpse_zone(wita_lpse):
    cal = WorkingCalendar.for_lpse(wita_lpse)
    # 15:30 WIB is 16:30 WITA: after closing in Karangasem.
    assert not cal.is_working_moment(dt.datetime(2026, 12, 2, 15, 30, tzinfo=WIB))
    assert cal.is_working_moment(dt.datetime(2026, 12, 2, 14, 30, tzinfo=WIB))
    # Closing time itself still counts as within hours.
    assert cal.is_working_moment(dt.datetime(2026, 12, 2, 16, 0, tzinfo=WITA))


def test_holidays_and_weekends_are_not_working_days(wita_lpse):
    cal = WorkingCalendar.for_lpse(wita_lpse)
    assert not cal.is_working_day(dt.date(2026, 12, 25))  # Friday, Christmas
    assert not cal.is_working_day(dt.date(2026, 12, 26))  # Saturday
    assert cal.next_working_day(dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)
    assert cal.holiday_name(dt.date(2026, 12, 25)) == "Hari Raya Natal"


def test_a_deadline_after_hours_snaps_to_the_next_working_days_closing(wita_lpse):
    cal = WorkingCalendar.for_lpse(wita_lpse)
    late = dt.datetime(2026, 12, 24, 18, 0, tzinfo=WITA)  # Thursday evening, then Christmas
    assert cal.snap_deadline(late) == dt.datetime(2026, 12, 28, 16, 0, tzinfo=WITA)
    early = dt.datetime(2026, 12, 28, 6, 0, tzinfo=WITA)
    assert cal.snap_deadline(early) == dt.datetime(2026, 12, 28, 16, 0, tzinfo=WITA)
    inside = dt.datetime(2026, 12, 28, 10, 0, tzinfo=WITA)
    assert cal.snap_deadline(inside) == inside


def test_a_start_snaps_to_the_next_opening(wita_lpse):
    cal = WorkingCalendar.for_lpse(wita_lpse)
    assert cal.snap_start(dt.datetime(2026, 12, 24, 17, 0, tzinfo=WITA)) == dt.datetime(
        2026, 12, 28, 8, 0, tzinfo=WITA
    )
    assert cal.add_working_days(dt.date(2026, 12, 23), 2) == dt.date(2026, 12, 28)
    assert cal.hours_label() == "08:00-16:00 WITA"


def test_naive_datetimes_are_refused(wita_lpse):
    cal = WorkingCalendar.for_lpse(wita_lpse)
    with pytest.raises(ValueError, match="aware"):
        cal.is_working_moment(dt.datetime(2026, 12, 2, 10, 0))
