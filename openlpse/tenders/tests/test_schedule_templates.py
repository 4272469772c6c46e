"""Stage templates of every method, the default layout and the schedule validator, across WIB
(Asia/Jakarta) and WITA (Asia/Makassar) and the LPSE's holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from openlpse.core.calendar import WorkingCalendar
from openlpse.organizations.tests.factories import HolidayFactory, LpseFactory
from openlpse.tenders import schedule
from openlpse.tenders.enums import StageAction, TenderMethod
from openlpse.tenders.stages import template_for

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 3, 2)  # a Monday
NYEPI = dt.date(2026, 3, 19)  # a Thursday


def calendar(zone: str = "Asia/Jakarta", holidays: dict | None = None) -> WorkingCalendar:
    return WorkingCalendar(
        zone=zone,
        working_weekdays=frozenset({0, 1, 2, 3, 4}),
        opens=dt.time(8),
        closes=dt.time(16),
        holidays=holidays or {},
    )


def at(day: dt.date, hour: int, minute: int = 0, zone=WIB) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


EXPECTED_STAGES = {
    TenderMethod.PASCA_1_FILE: 12,
    TenderMethod.PASCA_2_FILE: 13,
    TenderMethod.PRA_1_FILE: 19,
    TenderMethod.PRA_2_FILE: 20,
    TenderMethod.PENGADAAN_LANGSUNG: 5,
}


@pytest.mark.parametrize("method", list(TenderMethod))
def test_every_method_has_a_template_whose_rules_name_known_earlier_stages(method):
    stages = template_for(method)
    assert len(stages) == EXPECTED_STAGES[method]
    codes = [s.code for s in stages]
    assert len(set(codes)) == len(codes)
    for index, definition in enumerate(stages):
        for other in (*definition.starts_after_end_of, *definition.starts_with):
            assert other in codes[:index], (definition.code, other)
        if definition.ends_with:
            assert definition.ends_with in codes
    # Every method can be joined, bid on and signed.
    actions = set().union(*(s.actions for s in stages))
    assert {StageAction.JOIN, StageAction.SUBMIT_BID, StageAction.SIGN_CONTRACT} <= actions


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar"])
@pytest.mark.parametrize("method", list(TenderMethod))
def test_the_default_layout_of_every_method_validates_clean(method, zone):
    cal = calendar(zone, {NYEPI: "Hari Suci Nyepi"})
    start = at(MONDAY, 9, zone=ZoneInfo(zone))
    rows = schedule.default_layout(method, start, cal)
    assert list(rows) == [s.code for s in template_for(method)]
    assert schedule.validate(method, rows, cal, now=start - dt.timedelta(minutes=1)) == []
    # Every deadline falls on a working day within hours, in the LPSE's own zone.
    for code, (begin, end) in rows.items():
        assert end > begin
        assert cal.is_working_moment(end), code
        assert cal.local(end).date() != NYEPI


def test_the_default_layout_is_exact_for_pasca_1_file_in_wita_around_a_holiday():
    cal = calendar("Asia/Makassar", {NYEPI: "Hari Suci Nyepi"})
    rows = schedule.default_layout(
        TenderMethod.PASCA_1_FILE, at(dt.date(2026, 3, 16), 9, zone=WITA), cal
    )
    local = {c: (s.astimezone(WITA), e.astimezone(WITA)) for c, (s, e) in rows.items()}
    assert local["pengumuman"] == (
        at(dt.date(2026, 3, 16), 9, zone=WITA),
        at(dt.date(2026, 3, 23), 16, zone=WITA),
    )
    # Penjelasan: 2 days after the announcement starts; its 1-day deadline falls on Nyepi and
    # moves to Friday's closing time.
    assert local["penjelasan"] == (
        at(dt.date(2026, 3, 18), 9, zone=WITA),
        at(dt.date(2026, 3, 20), 16, zone=WITA),
    )
    assert local["upload_penawaran"] == (
        at(dt.date(2026, 3, 20), 16, zone=WITA),
        at(dt.date(2026, 3, 27), 16, zone=WITA),
    )
    # The download ends with the bid upload.
    assert local["download_dokumen"][1] == local["upload_penawaran"][1]
    # Masa sanggah lasts 5 calendar days.
    start, end = rows["masa_sanggah"]
    assert end - start >= dt.timedelta(days=5)


def test_a_start_on_a_weekend_moves_to_the_next_working_morning():
    cal = calendar()
    rows = schedule.default_layout(
        TenderMethod.PENGADAAN_LANGSUNG, at(dt.date(2026, 3, 7), 10), cal
    )
    assert rows["upload_penawaran"][0] == at(MONDAY + dt.timedelta(days=7), 8)


def _valid(method=TenderMethod.PASCA_1_FILE, zone="Asia/Jakarta"):
    cal = calendar(zone, {NYEPI: "Hari Suci Nyepi"})
    rows = schedule.default_layout(method, at(MONDAY, 9, zone=ZoneInfo(zone)), cal)
    return cal, dict(rows)


def _problems(rows, cal, method=TenderMethod.PASCA_1_FILE, now=None):
    with translation.override("en"):
        return schedule.validate(method, rows, cal, now=now or at(MONDAY, 8))


def test_a_stage_starting_before_the_one_it_follows_ends_is_explained():
    cal, rows = _valid()
    _upload_start, upload_end = rows["upload_penawaran"]
    rows["upload_penawaran"] = (rows["penjelasan"][1] - dt.timedelta(hours=2), upload_end)
    problems = _problems(rows, cal)
    assert [(p.code, p.field, p.rule) for p in problems] == [
        ("upload_penawaran", "starts_at", "order")
    ]
    assert problems[0].message == (
        "“Bid upload” must start after “Explanation (aanwijzing)” ends (5 March 2026 16:00 WIB). "
        "Move its start to 5 March 2026 16:00 WIB or later, or end “Explanation (aanwijzing)” "
        "earlier."
    )
    assert problems[0].suggestion == rows["penjelasan"][1]
    assert problems[0].key == "upload_penawaran.starts_at"


def test_a_deadline_on_a_holiday_in_wita_names_the_holiday_and_a_better_moment():
    cal, rows = _valid(zone="Asia/Makassar")
    begin, _end = rows["kontrak"]
    rows["kontrak"] = (begin, at(NYEPI, 12, zone=WITA))
    # Make the stage valid otherwise: start it before the holiday.
    rows["kontrak"] = (at(NYEPI - dt.timedelta(days=1), 9, zone=WITA), at(NYEPI, 12, zone=WITA))
    problems = [p for p in _problems(rows, cal) if p.code == "kontrak"]
    assert [(p.field, p.rule) for p in problems if p.rule == "outside_working_hours"] == [
        ("ends_at", "outside_working_hours")
    ]
    message = next(p.message for p in problems if p.rule == "outside_working_hours")
    assert message == (
        "“Contract signing” ends on 19 March 2026 12:00 WITA, but that day is a holiday (Hari "
        "Suci Nyepi). A deadline must end on a working day within working hours: choose for "
        "example 20 March 2026 16:00 WITA."
    )


def test_the_same_utc_moment_is_within_hours_in_wib_but_not_in_wita():
    # 16:30 WITA = 15:30 WIB: inside WIB hours, after closing in WITA.
    moment = at(dt.date(2026, 3, 10), 15, 30, zone=WIB)
    assert calendar("Asia/Jakarta").is_working_moment(moment)
    assert not calendar("Asia/Makassar").is_working_moment(moment)
    for zone in ("Asia/Jakarta", "Asia/Makassar"):
        cal, rows = _valid(zone=zone)
        start, _ = rows["kontrak"]  # 1 April 16:00 local
        rows["kontrak"] = (start, at(dt.date(2026, 4, 3), 15, 30, zone=WIB))
        rules = [p.rule for p in _problems(rows, cal) if p.code == "kontrak"]
        assert rules == ([] if zone == "Asia/Jakarta" else ["outside_working_hours"])


def test_a_weekend_deadline_and_after_hours_deadline_are_explained():
    cal, rows = _valid()
    start, _ = rows["sppbj"]
    saturday = at(dt.date(2026, 4, 4), 12)
    rows["sppbj"] = (start, saturday)
    problems = [p for p in _problems(rows, cal) if p.code == "sppbj"]
    assert [p.rule for p in problems] == ["outside_working_hours"]
    assert "that day is not a working day" in problems[0].message
    assert problems[0].suggestion == at(dt.date(2026, 4, 6), 16)
    rows["sppbj"] = (start, at(dt.date(2026, 4, 2), 17))
    problems = [p for p in _problems(rows, cal) if p.code == "sppbj"]
    assert [p.rule for p in problems] == ["outside_working_hours"]
    assert "it is outside working hours (08:00-16:00 WIB)" in problems[0].message
    assert problems[0].suggestion == at(dt.date(2026, 4, 3), 16)


def test_missing_dates_end_before_start_and_unknown_stage():
    cal, rows = _valid()
    rows["evaluasi"] = (None, None)
    start, _ = rows["pembukaan"]
    rows["pembukaan"] = (start, start - dt.timedelta(hours=1))
    rows["nonsense"] = (start, start)
    got = [(p.code, p.field, p.rule) for p in _problems(rows, cal)]
    assert ("nonsense", "", "unknown_stage") in got
    assert ("evaluasi", "starts_at", "missing") in got
    assert ("evaluasi", "ends_at", "missing") in got
    assert ("pembukaan", "ends_at", "ends_before_start") in got


def test_masa_sanggah_shorter_than_five_calendar_days_is_refused():
    cal, rows = _valid()
    start, _ = rows["masa_sanggah"]
    rows["masa_sanggah"] = (start, start + dt.timedelta(days=4))
    problems = [p for p in _problems(rows, cal) if p.code == "masa_sanggah"]
    assert [p.rule for p in problems] == ["too_short"]
    assert "at least 5 calendar days" in problems[0].message


def test_a_download_ending_after_the_bid_upload_is_refused():
    cal, rows = _valid()
    start, _ = rows["download_dokumen"]
    rows["download_dokumen"] = (start, rows["upload_penawaran"][1] + dt.timedelta(days=1))
    problems = [p for p in _problems(rows, cal) if p.code == "download_dokumen"]
    assert [p.rule for p in problems] == ["ends_with"]


def test_a_stage_in_the_past_is_refused_unless_fixed():
    cal, rows = _valid()
    now = rows["penjelasan"][0] + dt.timedelta(hours=1)
    problems = _problems(rows, cal, now=now)
    past = {(p.code, p.field) for p in problems if p.rule == "in_the_past"}
    assert past == {
        ("pengumuman", "starts_at"),
        ("download_dokumen", "starts_at"),
        ("penjelasan", "starts_at"),
    }
    fixed = past
    assert schedule.validate(TenderMethod.PASCA_1_FILE, rows, cal, now=now, fixed=fixed) == []


@pytest.mark.django_db
def test_the_calendar_of_an_lpse_reads_its_zone_and_holidays():
    lpse = LpseFactory(time_zone="Asia/Makassar")
    HolidayFactory(lpse=lpse, date=NYEPI, name="Hari Suci Nyepi")
    HolidayFactory(date=dt.date(2026, 3, 20))  # another LPSE's holiday does not count
    cal = WorkingCalendar.for_lpse(lpse)
    rows = schedule.default_layout(TenderMethod.PRA_2_FILE, at(MONDAY, 8, zone=WITA), cal)
    assert schedule.validate(TenderMethod.PRA_2_FILE, rows, cal, now=at(MONDAY, 7, zone=WITA)) == []
    assert all(cal.local(end).date() != NYEPI for _s, end in rows.values())
    assert cal.holidays == {NYEPI: "Hari Suci Nyepi"}
    assert cal.zone == "Asia/Makassar"
