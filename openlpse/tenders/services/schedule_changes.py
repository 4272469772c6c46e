"""Schedule changes after announcement (issue 4 item 7; spse-reference §2.3): a reason every
participant sees, counted publicly ("2 kali perubahan"), never moving a stage that has ended,
never moving the start of a running stage, validated again, and notified to the participants.
`stage_extend` lengthens the running stage (the Pokja may extend pemberian penjelasan while it
runs; Perlem 12/2021 4.2.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders import schedule, sealing
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import ScheduleChange, Tender, TenderStage
from openlpse.tenders.services.common import lock_tender, notify_participants, touch_public
from openlpse.tenders.services.setup import public_url, schedule_stage_notices

ScheduleRows = Mapping[str, tuple[dt.datetime | None, dt.datetime | None]]


def _refuse_unless_running(actor: User, tender: Tender) -> None:
    if not perms.can_change_schedule(actor, tender):
        raise errors.PermissionDenied(
            _(
                "Only the committee of an announced tender can change its schedule. Before the "
                "announcement, edit the schedule in the set-up."
            ),
            code="not_committee",
        )


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise errors.field_error(
            "reason",
            _(
                "Give the reason for the change: every participant and the public see it next "
                "to the schedule. Nothing was changed."
            ),
            code="reason_required",
        )
    return text


def _apply(
    *, actor: User, tender: Tender, rows: ScheduleRows, reason: str, action: str
) -> list[ScheduleChange]:
    """One change operation on the locked tender (caller holds the transaction)."""
    now = clock.now()
    stages = {s.code: s for s in tender.stages.select_for_update().order_by("position")}
    names = stage_names(tender.method, lpse=tender.lpse)
    zone = tender.lpse.time_zone
    problems: dict[str, list[Any]] = {}
    merged = {code: (s.starts_at, s.ends_at) for code, s in stages.items()}
    changed: list[str] = []
    for code, (start, end) in rows.items():
        stage = stages.get(code)
        if stage is None:
            problems.setdefault(code, []).append(
                _("“%(code)s” is not a stage of this tender.") % {"code": code}
            )
            continue
        start = start if start is not None else stage.starts_at
        end = end if end is not None else stage.ends_at
        if (start, end) == (stage.starts_at, stage.ends_at):
            continue
        name = names.get(code, code)
        if stage.ends_at <= now:
            problems.setdefault(f"{code}.{schedule.END}", []).append(
                _(
                    "“%(stage)s” ended on %(end)s: a stage that has ended can never be moved. "
                    "Leave its dates as they were."
                )
                % {"stage": name, "end": local_datetime_label(stage.ends_at, zone)}
            )
            continue
        if stage.starts_at <= now and start != stage.starts_at:
            problems.setdefault(f"{code}.{schedule.START}", []).append(
                _(
                    "“%(stage)s” is running since %(start)s: its start cannot move. Change only "
                    "its end."
                )
                % {"stage": name, "start": local_datetime_label(stage.starts_at, zone)}
            )
            continue
        merged[code] = (start, end)
        changed.append(code)
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=dict(problems), code="stage_fixed")
    if not changed:
        raise errors.ValidationError(
            _("No date was changed. Change at least one start or end, or leave the page."),
            code="nothing_changed",
        )
    # The stages that already ended, and the start of running ones, may lie in the past.
    fixed = [
        (code, field)
        for code, s in stages.items()
        for field, value in ((schedule.START, s.starts_at), (schedule.END, s.ends_at))
        if value <= now
    ]
    found = schedule.tender_problems(tender, merged, now=now, fixed=fixed)
    if found:
        raise schedule.ScheduleInvalid(found)

    batch = tender.schedule_change_count + 1
    records = []
    for code in changed:
        stage = stages[code]
        new_start, new_end = merged[code]
        records.append(
            ScheduleChange(
                tender=tender,
                batch=batch,
                stage_code=code,
                old_starts_at=stage.starts_at,
                old_ends_at=stage.ends_at,
                new_starts_at=new_start,
                new_ends_at=new_end,
                reason=reason,
                changed_by=actor,
                changed_at=now,
            )
        )
        TenderStage.objects.filter(pk=stage.pk).update(
            starts_at=new_start, ends_at=new_end, change_count=F("change_count") + 1
        )
    ScheduleChange.objects.bulk_create(records)
    sealing_summary = sealing.schedule_changed(tender=tender, changed=changed)  # issue 5
    Tender.objects.filter(pk=tender.pk).update(
        schedule_change_count=F("schedule_change_count") + 1, updated_at=now
    )
    tender.refresh_from_db(fields=["schedule_change_count", "updated_at"])
    touch_public(tender)
    schedule_stage_notices(tender, now)
    code_, tname = tender.code, tender.name
    listed = [(names.get(c, c), merged[c][0], merged[c][1]) for c in changed]

    def body() -> str:
        lines = [
            _("The schedule of %(name)s (%(code)s) changed. Reason: %(reason)s")
            % {"name": tname, "code": code_, "reason": reason}
        ]
        lines += [
            f"- {stage}: {local_datetime_label(start, zone)} - {local_datetime_label(end, zone)}"
            for stage, start, end in listed
        ]
        return "\n".join(lines)

    notify_participants(
        tender,
        Message(
            "tender.schedule_changed",
            subject=lambda: _("Schedule of tender %(code)s changed") % {"code": code_},
            body=body,
            url=public_url(tender, "jadwal"),
        ),
    )
    audit.record(
        actor=actor,
        action=action,
        obj=tender,
        changes={
            "batch": batch,
            "reason": reason,
            "stages": {
                r.stage_code: [
                    [str(r.old_starts_at), str(r.old_ends_at)],
                    [str(r.new_starts_at), str(r.new_ends_at)],
                ]
                for r in records
            },
            **sealing_summary,
        },
        lpse_id=tender.lpse_id,
    )
    return records


def schedule_change(
    *, actor: User, tender: Tender, rows: ScheduleRows, reason: str
) -> list[ScheduleChange]:
    """Change the dates of stages of an announced tender (rows: {code: (start, end)}; a stage
    left out, or given with its current dates, does not change). One operation counts once for
    the tender and once for each stage it moves."""
    _refuse_unless_running(actor, tender)
    text = _reason(reason)
    with transaction.atomic():
        locked = lock_tender(tender)
        if locked.status != TenderStatus.ANNOUNCED:
            raise errors.Conflict(
                _("The tender is not in progress any more: its schedule cannot change."),
                code="tender_not_announced",
            )
        return _apply(
            actor=actor, tender=locked, rows=rows, reason=text, action="tender.schedule_change"
        )


def stage_extend(
    *, actor: User, tender: Tender, code: str, new_end: dt.datetime, reason: str
) -> list[ScheduleChange]:
    """Lengthen the stage `code` while it runs (e.g. pemberian penjelasan). The stages that
    start after its end must already start later, else the schedule is refused with each
    problem; move them in the same schedule change then."""
    _refuse_unless_running(actor, tender)
    text = _reason(reason)
    with transaction.atomic():
        locked = lock_tender(tender)
        if locked.status != TenderStatus.ANNOUNCED:
            raise errors.Conflict(
                _("The tender is not in progress any more: its schedule cannot change."),
                code="tender_not_announced",
            )
        stage = locked.stages.filter(code=code).first()
        if stage is None:
            raise errors.NotFound()
        now = clock.now()
        name = stage_names(locked.method, lpse=locked.lpse).get(code, code)
        zone = locked.lpse.time_zone
        if not (stage.starts_at <= now < stage.ends_at):
            raise errors.Conflict(
                _(
                    "Only a running stage can be extended; “%(stage)s” runs from %(start)s to "
                    "%(end)s. Use a schedule change for other stages."
                )
                % {
                    "stage": name,
                    "start": local_datetime_label(stage.starts_at, zone),
                    "end": local_datetime_label(stage.ends_at, zone),
                },
                code="stage_not_running",
            )
        if new_end <= stage.ends_at:
            raise errors.field_error(
                "new_end",
                _("An extension ends later than the current end (%(end)s). Choose a later end.")
                % {"end": local_datetime_label(stage.ends_at, zone)},
                code="not_later",
            )
        return _apply(
            actor=actor,
            tender=locked,
            rows={code: (stage.starts_at, new_end)},
            reason=text,
            action="tender.stage_extend",
        )
