"""The tender schedule (jadwal) as data: a default layout from a start moment, and a validator
that returns every problem, each with the stage, the field and a sentence that says what is
wrong and what to do (issue 4 item 5; spse-reference §2.3-2.4).

Both work on the stage template of the method (`tenders.stages`) and on the LPSE's
`WorkingCalendar` (working days, hours, holidays, in the LPSE's own zone), so one function
serves every method and every LPSE. Pure computation: the caller reads the calendar once.

Rules checked (from the template's `StageDef`):
- every stage of the template has a start and an end, and no unknown stage is given;
- the end is after the start; `min_days` calendar days at least (masa sanggah: 5);
- `starts_after_end_of`: starts at or after the end of each named stage;
- `starts_with`: starts at or after the start of each named stage;
- `ends_with`: ends at or before the end of the named stage (download ends with the upload);
- `ends_in_working_hours`: the deadline ends on a working day within working hours
  (SDP IKP 34.4-34.5; spse-reference §2.4);
- nothing in the past (except the fields the caller says are fixed: a schedule change keeps
  the stages that already ended and the start of a running stage).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openlpse.core import errors
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders.stages import StageDef, template_for

if TYPE_CHECKING:
    from openlpse.tenders.models import Tender

START = "starts_at"
END = "ends_at"

Window = tuple[dt.datetime | None, dt.datetime | None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a schedule. `code` is the stage ("" for the whole schedule),
    `field` is "starts_at", "ends_at" or "" and `rule` a stable name of the broken rule;
    `suggestion`, when given, is a moment that would satisfy the rule."""

    code: str
    field: str
    rule: str
    message: str
    suggestion: dt.datetime | None = None

    @property
    def key(self) -> str:
        """The form field / API field this problem belongs to: "<code>.<field>"."""
        if not self.code:
            return "schedule"
        return f"{self.code}.{self.field}" if self.field else self.code


# --- default layout ----------------------------------------------------------------------------


def _deadline(calendar: WorkingCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """Closing time of the local day `days` calendar days after `start`, moved to the next
    working day when that day is not one (deadlines end on a working day within hours)."""
    local = calendar.local(start)
    day = local.date() + dt.timedelta(days=days)
    end = calendar.at(day, calendar.closes)
    if end <= start:  # a same-day stage that starts at closing time: the next working day
        end = calendar.at(day + dt.timedelta(days=1), calendar.closes)
    return calendar.snap_deadline(end)


def default_layout(
    method: str, start: dt.datetime, calendar: WorkingCalendar
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """The default schedule of `method` whose first stage starts at `start` (moved to the next
    working moment): each stage starts at its reference point (the end or start of the stages
    its rules name, else the end of the previous stage) plus `offset_days`, and lasts its
    `default_days` (at least `min_days`), ending at closing time of a working day. A stage that
    `ends_with` another ends when that one ends. The result passes `validate` (tested for
    every method)."""
    stages = template_for(method)
    by_code = {s.code: s for s in stages}
    starts: dict[str, dt.datetime] = {}
    ends: dict[str, dt.datetime] = {}
    first = calendar.snap_start(start)

    def start_of(code: str) -> dt.datetime:
        if code in starts:
            return starts[code]
        definition = by_code[code]
        index = stages.index(definition)
        points = [start_of(c) for c in definition.starts_with]
        points += [end_of(c) for c in definition.starts_after_end_of]
        if not points:
            points = [first] if index == 0 else [end_of(stages[index - 1].code)]
        moment = max(points) + dt.timedelta(days=definition.offset_days)
        starts[code] = calendar.snap_start(moment)
        return starts[code]

    def end_of(code: str) -> dt.datetime:
        if code in ends:
            return ends[code]
        definition = by_code[code]
        begin = start_of(code)
        if definition.ends_with:
            ends[code] = max(end_of(definition.ends_with), begin + dt.timedelta(hours=1))
        else:
            days = max(definition.default_days, definition.min_days, 1)
            if definition.ends_in_working_hours:
                ends[code] = _deadline(calendar, begin, days)
            else:
                ends[code] = begin + dt.timedelta(days=days)
        return ends[code]

    return {s.code: (start_of(s.code), end_of(s.code)) for s in stages}


# --- validation --------------------------------------------------------------------------------


def _why_not_working(calendar: WorkingCalendar, moment: dt.datetime) -> str:
    local = calendar.local(moment)
    holiday = calendar.holiday_name(local.date())
    if holiday:
        return _("that day is a holiday (%(holiday)s)") % {"holiday": holiday}
    if local.weekday() not in calendar.working_weekdays:
        return _("that day is not a working day")
    return _("it is outside working hours (%(hours)s)") % {"hours": calendar.hours_label()}


def validate(
    method: str,
    rows: Mapping[str, Window],
    calendar: WorkingCalendar,
    *,
    now: dt.datetime,
    names: Mapping[str, str] | None = None,
    fixed: Iterable[tuple[str, str]] = (),
) -> list[Problem]:
    """Every problem of the schedule `rows` ({stage code: (start, end)}) for `method`, in
    template order; an empty list means the schedule is valid. `names` gives the stage names
    to use in the sentences (labels.stage_names); `fixed` lists (code, field) pairs that may
    lie in the past because they can no longer change (a schedule change after
    announcement)."""
    stages = template_for(method)
    names = names or {s.code: s.name_en for s in stages}
    fixed_fields = set(fixed)
    zone = calendar.zone
    problems: list[Problem] = []

    def when(value: dt.datetime) -> str:
        return local_datetime_label(value, zone)

    def name(code: str) -> str:
        return names.get(code, code)

    known = {s.code for s in stages}
    for code in rows:
        if code not in known:
            problems.append(
                Problem(
                    code,
                    "",
                    "unknown_stage",
                    _("“%(code)s” is not a stage of this method. Remove it from the schedule.")
                    % {"code": code},
                )
            )

    for definition in stages:
        problems += _check_stage(definition, rows, calendar, now, fixed_fields, name, when)
    return problems


def _check_stage(
    definition: StageDef,
    rows: Mapping[str, Window],
    calendar: WorkingCalendar,
    now: dt.datetime,
    fixed: set[tuple[str, str]],
    name: Callable[[str], str],
    when: Callable[[dt.datetime], str],
) -> list[Problem]:
    code = definition.code
    start, end = rows.get(code, (None, None))
    found: list[Problem] = []
    stage = name(code)
    if start is None:
        found.append(
            Problem(code, START, "missing", _("Enter when “%(stage)s” starts.") % {"stage": stage})
        )
    if end is None:
        found.append(
            Problem(code, END, "missing", _("Enter when “%(stage)s” ends.") % {"stage": stage})
        )
    if start is None or end is None:
        return found

    if end <= start:
        found.append(
            Problem(
                code,
                END,
                "ends_before_start",
                _("“%(stage)s” ends before it starts (%(start)s). Choose an end after the start.")
                % {"stage": stage, "start": when(start)},
            )
        )
    elif definition.min_days and end - start < dt.timedelta(days=definition.min_days):
        # e.g. masa sanggah: 5 calendar days (SDP IKP 34.4; spse-reference §2.4).
        at_least = start + dt.timedelta(days=definition.min_days)
        found.append(
            Problem(
                code,
                END,
                "too_short",
                _(
                    "“%(stage)s” must last at least %(days)d calendar days. Choose an end on or "
                    "after %(earliest)s."
                )
                % {"stage": stage, "days": definition.min_days, "earliest": when(at_least)},
                suggestion=calendar.snap_deadline(at_least),
            )
        )

    for other in definition.starts_after_end_of:
        other_end = rows.get(other, (None, None))[1]
        if other_end is not None and start < other_end:
            found.append(
                Problem(
                    code,
                    START,
                    "order",
                    _(
                        "“%(stage)s” must start after “%(other)s” ends (%(end)s). Move its start "
                        "to %(end)s or later, or end “%(other)s” earlier."
                    )
                    % {"stage": stage, "other": name(other), "end": when(other_end)},
                    suggestion=other_end,
                )
            )
    for other in definition.starts_with:
        other_start = rows.get(other, (None, None))[0]
        if other_start is not None and start < other_start:
            found.append(
                Problem(
                    code,
                    START,
                    "order",
                    _(
                        "“%(stage)s” cannot start before “%(other)s” starts (%(start)s). Move its "
                        "start to %(start)s or later."
                    )
                    % {"stage": stage, "other": name(other), "start": when(other_start)},
                    suggestion=other_start,
                )
            )
    if definition.ends_with:
        other_end = rows.get(definition.ends_with, (None, None))[1]
        if other_end is not None and end > other_end:
            found.append(
                Problem(
                    code,
                    END,
                    "ends_with",
                    _(
                        "“%(stage)s” cannot end after “%(other)s” ends (%(end)s). Choose an end "
                        "on or before %(end)s; usually both end at the same moment."
                    )
                    % {"stage": stage, "other": name(definition.ends_with), "end": when(other_end)},
                    suggestion=other_end,
                )
            )

    if definition.ends_in_working_hours and not calendar.is_working_moment(end):
        better = calendar.snap_deadline(end)
        found.append(
            Problem(
                code,
                END,
                "outside_working_hours",
                _(
                    "“%(stage)s” ends on %(end)s, but %(why)s. A deadline must end on a working "
                    "day within working hours: choose for example %(better)s."
                )
                % {
                    "stage": stage,
                    "end": when(end),
                    "why": _why_not_working(calendar, end),
                    "better": when(better),
                },
                suggestion=better,
            )
        )

    for field, value in ((START, start), (END, end)):
        if value < now and (code, field) not in fixed:
            found.append(
                Problem(
                    code,
                    field,
                    "in_the_past",
                    (
                        _(
                            "“%(stage)s” would start in the past (%(value)s). Choose a moment after "
                            "now (%(now)s)."
                        )
                        if field == START
                        else _(
                            "“%(stage)s” would end in the past (%(value)s). Choose a moment "
                            "after now (%(now)s)."
                        )
                    )
                    % {"stage": stage, "value": when(value), "now": when(now)},
                )
            )
    return found


def first_start(rows: Mapping[str, Window]) -> dt.datetime | None:
    starts = [start for start, _end in rows.values() if start is not None]
    return min(starts) if starts else None


# --- the schedule of one tender ----------------------------------------------------------------


class ScheduleInvalid(errors.ValidationError):
    """The schedule breaks its rules; `problems` lists each one (the editor shows them next to
    the rows, the API returns them under `fields` as "<stage>.<field>")."""

    code = "schedule_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        fields: dict[str, list[Any]] = {}
        for problem in problems:
            fields.setdefault(problem.key, []).append(problem.message)
        count = len(problems)
        super().__init__(
            ngettext(
                "The schedule has %(count)d problem: %(first)s Nothing was saved.",
                "The schedule has %(count)d problems, the first: %(first)s Correct the marked "
                "stages; nothing was saved.",
                count,
            )
            % {"count": count, "first": problems[0].message},
            fields=fields,
        )


def calendar_for(tender: Tender) -> WorkingCalendar:
    return WorkingCalendar.for_lpse(tender.lpse)


def rows_of(tender: Tender) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """The tender's stored schedule as {code: (start, end)}."""
    return {s.code: (s.starts_at, s.ends_at) for s in tender.stages.all()}


def tender_problems(
    tender: Tender,
    rows: Mapping[str, Window] | None = None,
    *,
    now: dt.datetime,
    fixed: Iterable[tuple[str, str]] = (),
    calendar: WorkingCalendar | None = None,
) -> list[Problem]:
    """`validate` for one tender (its method, its LPSE's calendar and stage names)."""
    from openlpse.tenders.labels import stage_names

    return validate(
        tender.method,
        rows_of(tender) if rows is None else rows,
        calendar or calendar_for(tender),
        now=now,
        names=stage_names(tender.method, lpse=tender.lpse),
        fixed=fixed,
    )
