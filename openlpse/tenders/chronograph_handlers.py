"""Chronograph follow-ups of tenders (architecture §4; issue 4 item 11): notices when a stage
starts and when it ends. The chronograph only sends follow-ups; what may be done in a stage is
decided by the server clock in the services (tenders.windows), never by this handler.

`tenders.stage_notices`, one check per announced tender (object_ref = tender id): scheduled at
the announcement and after every schedule change for the next stage start or end. Idempotent:
each stage's start and end notice is sent once (TenderStage.start_notice_at / end_notice_at),
so running early or twice sends nothing new.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from openlpse.core import clock
from openlpse.core.notifications import Message, notify
from openlpse.core.timezones import local_datetime_label
from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders.enums import StageActor, TenderStatus
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import Tender, TenderStage
from openlpse.tenders.services.common import participant_users
from openlpse.tenders.services.setup import STAGE_NOTICES, public_url, tender_url
from openlpse.tenders.stages import stage_def

VENDOR_ACTORS = frozenset(
    {StageActor.VENDOR, StageActor.POKJA_AND_VENDOR, StageActor.PPK_AND_VENDOR}
)


def _message(
    tender: Tender, stage_name: str, moment: dt.datetime, *, started: bool, url: str
) -> Message:
    code, zone = tender.code, tender.lpse.time_zone
    if started:
        return Message(
            "tender.stage_started",
            subject=lambda: (
                _("%(code)s: “%(stage)s” has started") % {"code": code, "stage": stage_name}
            ),
            body=lambda: (
                _("The stage “%(stage)s” of tender %(code)s started on %(at)s.")
                % {"stage": stage_name, "code": code, "at": local_datetime_label(moment, zone)}
            ),
            url=url,
        )
    return Message(
        "tender.stage_ended",
        subject=lambda: _("%(code)s: “%(stage)s” has ended") % {"code": code, "stage": stage_name},
        body=lambda: (
            _("The stage “%(stage)s” of tender %(code)s ended on %(at)s.")
            % {"stage": stage_name, "code": code, "at": local_datetime_label(moment, zone)}
        ),
        url=url,
    )


# An end notice later than this after the stage's end is no longer sent.
STALE_AFTER = dt.timedelta(hours=12)


def stage_notices_run(tender: Tender, now: dt.datetime) -> dt.datetime | None:
    """Send the notices that are due at `now`; return when to come back (None: done)."""
    if tender.status != TenderStatus.ANNOUNCED:
        return None
    stages = list(
        TenderStage.objects.select_for_update().filter(tender=tender).order_by("position")
    )
    names = stage_names(tender.method, lpse=tender.lpse)
    committee = perms.committee_users(tender.package)
    vendors: list[object] | None = None
    for stage in stages:
        definition = stage_def(tender.method, stage.code)
        if definition.actor in VENDOR_ACTORS and vendors is None:
            vendors = participant_users(tender)
        audience_vendors = vendors if definition.actor in VENDOR_ACTORS else None
        name = names.get(stage.code, stage.code)
        if stage.start_notice_at is None and stage.starts_at <= now:
            if now < stage.ends_at:  # a stage that already ended gets only its end notice
                notify(
                    users=committee,
                    lpse=tender.lpse,
                    message=_message(
                        tender, name, stage.starts_at, started=True, url=tender_url(tender)
                    ),
                )
                if audience_vendors:
                    notify(
                        users=audience_vendors,
                        lpse=tender.lpse,
                        message=_message(
                            tender,
                            name,
                            stage.starts_at,
                            started=True,
                            url=public_url(tender, "jadwal"),
                        ),
                    )
            stage.start_notice_at = now
            stage.save(update_fields=["start_notice_at"])
        if stage.end_notice_at is None and stage.ends_at <= now - STALE_AFTER:
            # The runner was down, or the tender's past was loaded (the demo): a notice about
            # a stage that ended long ago is noise, so it is marked done without being sent.
            stage.end_notice_at = now
            stage.save(update_fields=["end_notice_at"])
        if stage.end_notice_at is None and stage.ends_at <= now:
            notify(
                users=committee,
                lpse=tender.lpse,
                message=_message(
                    tender, name, stage.ends_at, started=False, url=tender_url(tender)
                ),
            )
            if audience_vendors:
                notify(
                    users=audience_vendors,
                    lpse=tender.lpse,
                    message=_message(
                        tender, name, stage.ends_at, started=False, url=public_url(tender, "jadwal")
                    ),
                )
            stage.end_notice_at = now
            stage.save(update_fields=["end_notice_at"])
    pending = [s.starts_at for s in stages if s.start_notice_at is None]
    pending += [s.ends_at for s in stages if s.end_notice_at is None]
    return min(pending) if pending else None


@chronograph.handler(STAGE_NOTICES)
def stage_notices(check: DueCheck) -> dt.datetime | None:
    tender = (
        Tender.objects.select_for_update(of=("self",))
        .select_related("lpse", "package")
        .filter(pk=int(check.object_ref or 0))
        .first()
    )
    if tender is None:
        return None
    return stage_notices_run(tender, clock.now())
