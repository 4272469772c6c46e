"""Stage windows by the server clock (architecture §4): what may be done in a tender now is
decided against its schedule at the moment of the request, inside the transaction that
writes. Services call `assert_open(tender, action)` after locking the tender row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from openlpse.core import clock
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors
from openlpse.tenders.enums import StageAction, TenderStatus
from openlpse.tenders.labels import stage_name
from openlpse.tenders.models import Tender, TenderStage
from openlpse.tenders.stages import stages_with


def schedule(tender: Tender) -> list[TenderStage]:
    """The tender's stage rows in template order (uses a prefetch when there is one)."""
    cache = getattr(tender, "_prefetched_objects_cache", {})
    rows = cache["stages"] if "stages" in cache else tender.stages.all()
    return sorted(rows, key=lambda s: s.position)


def is_open(stage: TenderStage, at: dt.datetime) -> bool:
    return stage.starts_at <= at < stage.ends_at


def current_stages(tender: Tender, at: dt.datetime | None = None) -> list[TenderStage]:
    """The stages open at `at` (several may run in parallel, e.g. announcement and download)."""
    at = at or clock.now()
    return [s for s in schedule(tender) if is_open(s, at)]


def stages_for(tender: Tender, action: StageAction | str) -> list[TenderStage]:
    codes = {d.code for d in stages_with(tender.method, action)}
    return [s for s in schedule(tender) if s.code in codes]


def open_stage_for(
    tender: Tender, action: StageAction | str, at: dt.datetime | None = None
) -> TenderStage | None:
    at = at or clock.now()
    for stage in stages_for(tender, action):
        if is_open(stage, at):
            return stage
    return None


def window_for(tender: Tender, action: StageAction | str) -> tuple[dt.datetime, dt.datetime] | None:
    """From the first start to the last end of the stages that allow `action`."""
    rows = stages_for(tender, action)
    if not rows:
        return None
    return min(s.starts_at for s in rows), max(s.ends_at for s in rows)


def _label(tender: Tender, value: dt.datetime) -> str:
    return local_datetime_label(value, tender.lpse.time_zone)


def assert_open(
    tender: Tender, action: StageAction | str, *, what: Any = None, at: dt.datetime | None = None
) -> TenderStage:
    """The open stage allowing `action`, or StageNotStarted / StageEnded / StageClosed with a
    sentence naming the stage and its window in the LPSE's zone. `what` names the action in
    the message ("Questions", "Joining")."""
    if tender.status != TenderStatus.ANNOUNCED:
        raise errors.not_announced()
    at = at or clock.now()
    stage = open_stage_for(tender, action, at)
    if stage is not None:
        return stage
    rows = stages_for(tender, action)
    what = what or _("This action")
    if not rows:
        raise errors.StageClosed(
            _("%(what)s is not part of this tender's method.") % {"what": what}
        )
    upcoming = [s for s in rows if s.starts_at > at]
    if upcoming:
        first = min(upcoming, key=lambda s: s.starts_at)
        raise errors.StageNotStarted(
            _("%(what)s opens with the stage “%(stage)s” on %(start)s. Try again then.")
            % {
                "what": what,
                "stage": stage_name(tender.method, first.code, lpse=tender.lpse),
                "start": _label(tender, first.starts_at),
            }
        )
    last = max(rows, key=lambda s: s.ends_at)
    raise errors.StageEnded(
        _(
            "%(what)s closed with the stage “%(stage)s” on %(end)s by the server's clock. "
            "Nothing was saved."
        )
        % {
            "what": what,
            "stage": stage_name(tender.method, last.code, lpse=tender.lpse),
            "end": _label(tender, last.ends_at),
        },
        ended_at=last.ends_at,
    )
