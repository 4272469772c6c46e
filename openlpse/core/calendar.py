"""The LPSE's working-day calendar: working weekdays, working hours and holidays, in the LPSE's
own time zone (architecture §4: deadlines that the rules say must end on a working day and hour
use the LPSE's calendar; spse-reference §2.4).

`WorkingCalendar.for_lpse(lpse)` reads the holidays once; every question after that is pure
computation, so a schedule of twenty stages is validated with one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from openlpse.core.timezones import zone_abbreviation


def _as_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))


@dataclass(frozen=True)
class WorkingCalendar:
    zone: str
    working_weekdays: frozenset[int]
    opens: dt.time
    closes: dt.time
    holidays: dict[dt.date, str]

    @classmethod
    def for_lpse(cls, lpse: Any) -> WorkingCalendar:
        from openlpse.organizations.models import Holiday

        weekdays = frozenset(
            int(d) for d in str(lpse.working_days).split(",") if d.strip().isdigit()
        )
        holidays = dict(Holiday.objects.filter(lpse=lpse).values_list("date", "name"))
        return cls(
            zone=lpse.time_zone,
            working_weekdays=weekdays or frozenset({0, 1, 2, 3, 4}),
            opens=_as_time(lpse.working_hours_start),
            closes=_as_time(lpse.working_hours_end),
            holidays=holidays,
        )

    # --- questions ---------------------------------------------------------------------

    @property
    def abbreviation(self) -> str:
        return zone_abbreviation(self.zone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("WorkingCalendar needs aware datetimes")
        return moment.astimezone(ZoneInfo(self.zone))

    def holiday_name(self, day: dt.date) -> str | None:
        return self.holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def is_working_moment(self, moment: dt.datetime) -> bool:
        """True when `moment` falls on a working day within working hours (both ends
        included: a deadline at exactly 16:00 is within hours that close at 16:00)."""
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.opens <= local.time() <= self.closes

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the next one."""
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 400 days: check the LPSE's calendar")

    def previous_working_day(self, day: dt.date) -> dt.date:
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("no working day within 400 days: check the LPSE's calendar")

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """The aware moment of a local date and time in the LPSE's zone."""
        return dt.datetime.combine(day, time, tzinfo=ZoneInfo(self.zone))

    def snap_deadline(self, moment: dt.datetime) -> dt.datetime:
        """The nearest deadline at or after `moment` that ends on a working day within working
        hours: a deadline after closing time moves to the next working day's closing time."""
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day) and self.opens <= local.time() <= self.closes:
            return moment
        if self.is_working_day(day) and local.time() < self.opens:
            return self.at(day, self.closes)
        return self.at(self.next_working_day(day + dt.timedelta(days=1)), self.closes)

    def snap_start(self, moment: dt.datetime) -> dt.datetime:
        """The first working moment at or after `moment` (opening time of a working day)."""
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.opens:
                return self.at(day, self.opens)
            if local.time() <= self.closes:
                return moment
        return self.at(self.next_working_day(day + dt.timedelta(days=1)), self.opens)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day `count` working days after `day` (count 0: `day` if working)."""
        result = self.next_working_day(day)
        for _ in range(count):
            result = self.next_working_day(result + dt.timedelta(days=1))
        return result

    def hours_label(self) -> str:
        """e.g. '08:00-16:00 WITA'."""
        return f"{self.opens:%H:%M}-{self.closes:%H:%M} {self.abbreviation}"
