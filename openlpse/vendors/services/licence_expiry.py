"""Expiry warnings for business licences (issue 3 item 5: "izin usaha, with expiry warnings").

A licence is *expiring* from WARNING_DAYS days before its last valid day, and *expired* from
the day after. The vendor's administrators get one notice per licence per stage: the day it
was sent is kept in `expiry_notified_on`, which tells which stage was announced (on or before
`valid_until`: expiring; after it: expired). Changing `valid_until` clears it (services.data).

The chronograph runs `licence_expiry_check` (kind LICENCE_EXPIRY); it sends what is due and
asks to be woken on the next day a licence changes stage. Writing a licence schedules it too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.accounts.permissions import REFERENCE_ZONE, today
from openlpse.core import audit, clock
from openlpse.core.notifications import Message, notify
from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck
from openlpse.ops.services import due_check_schedule
from openlpse.vendors import selectors_data
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import BusinessLicence

LICENCE_EXPIRY = "vendors.licence_expiry"
WARNING_DAYS = 30
EXPIRING = "expiring"
EXPIRED = "expired"
# Notices go out in the morning (WIB), not at midnight.
RUN_AT = dt.time(6, 0)


def expiry_stage(*, valid_until: dt.date | None, on: dt.date) -> str | None:
    """ "expired" after the last valid day, "expiring" within WARNING_DAYS before it, else None."""
    if valid_until is None:
        return None
    if on > valid_until:
        return EXPIRED
    if on >= valid_until - dt.timedelta(days=WARNING_DAYS):
        return EXPIRING
    return None


def _stage_to_announce(licence: BusinessLicence, on: dt.date) -> str | None:
    stage = expiry_stage(valid_until=licence.valid_until, on=on)
    if stage is None or licence.expiry_notified_on is None:
        return stage
    announced = expiry_stage(valid_until=licence.valid_until, on=licence.expiry_notified_on)
    if announced in (stage, EXPIRED):
        return None
    return stage


def _message(licence: BusinessLicence, stage: str) -> Message:
    vendor = licence.vendor
    params = {"licence": str(licence), "company": vendor.name}

    def until() -> str:
        assert licence.valid_until is not None
        return date_format(licence.valid_until, "j F Y")

    if stage == EXPIRED:

        def subject() -> str:
            return _("The business licence %(licence)s of %(company)s has expired") % params

        def body() -> str:
            return _(
                "The business licence %(licence)s of %(company)s was valid until %(date)s. "
                "Enter the renewed licence on the Business licences tab, so that Pokja see valid "
                "data when you join a tender."
            ) % {**params, "date": until()}

    else:

        def subject() -> str:
            return _("The business licence %(licence)s of %(company)s expires on %(date)s") % {
                **params,
                "date": until(),
            }

        def body() -> str:
            return _(
                "The business licence %(licence)s of %(company)s is valid until %(date)s. "
                "Renew it in time and enter the new licence on the Business licences tab."
            ) % {**params, "date": until()}

    return Message(
        "vendors.licence_expiry",
        subject=subject,
        body=body,
        url=reverse("vendors:data_tab", args=["izin-usaha"]),
    )


def licence_expiry_notify(*, on: dt.date | None = None) -> int:
    """Tell the administrators of verified vendors about licences that entered the expiring
    or expired stage and were not announced in that stage yet. Returns how many notices went
    out. Idempotent: a second run on the same day sends nothing."""
    day = on or today()
    horizon = day + dt.timedelta(days=WARNING_DAYS)
    candidates = list(
        BusinessLicence.objects.filter(
            valid_until__isnull=False,
            valid_until__lte=horizon,
            vendor__status=VendorStatus.VERIFIED,
        )
        .filter(
            Q(expiry_notified_on__isnull=True)
            | Q(expiry_notified_on__lte=F("valid_until"), valid_until__lt=day)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            licence = (
                BusinessLicence.objects.select_for_update(of=("self",))
                .select_related("vendor")
                .filter(pk=pk)
                .first()
            )
            if licence is None:
                continue
            stage = _stage_to_announce(licence, day)
            if stage is None:
                continue
            admins = selectors_data.vendor_admin_users(vendor=licence.vendor)
            licence.expiry_notified_on = day
            licence.save(update_fields=["expiry_notified_on"])
            notify(users=admins, message=_message(licence, stage))
            audit.record(
                actor=None,
                action="vendor.data.licence.expiry_notified",
                obj=licence,
                changes={
                    "vendor": licence.vendor_id,
                    "stage": stage,
                    "valid_until": licence.valid_until,
                    "notified": [u.username for u in admins],
                },
            )
        sent += 1
    return sent


def _morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, RUN_AT, tzinfo=ZoneInfo(REFERENCE_ZONE))


def next_stage_change(*, after: dt.date) -> dt.date | None:
    """The first day after `after` on which a licence of a verified vendor changes stage."""
    licences = BusinessLicence.objects.filter(
        valid_until__isnull=False, vendor__status=VendorStatus.VERIFIED
    )
    # Enters "expiring" on valid_until - WARNING_DAYS, "expired" on valid_until + 1.
    warn = licences.filter(valid_until__gt=after + dt.timedelta(days=WARNING_DAYS)).aggregate(
        first=Min("valid_until")
    )["first"]
    lapse = licences.filter(valid_until__gte=after).aggregate(first=Min("valid_until"))["first"]
    days = []
    if warn is not None:
        days.append(warn - dt.timedelta(days=WARNING_DAYS))
    if lapse is not None:
        days.append(lapse + dt.timedelta(days=1))
    return min(days) if days else None


def licence_expiry_schedule(*, valid_until: dt.date | None) -> None:
    """Make sure the chronograph looks at licences by the day this one starts expiring."""
    if valid_until is None:
        return
    warn_from = valid_until - dt.timedelta(days=WARNING_DAYS)
    due = clock.now() if warn_from <= today() else _morning(warn_from)
    due_check_schedule(kind=LICENCE_EXPIRY, due_at=due)


@chronograph.handler(LICENCE_EXPIRY)
def licence_expiry_check(check: DueCheck) -> dt.datetime | None:
    """Send the due notices, then sleep until the next day a licence changes stage."""
    day = today()
    licence_expiry_notify(on=day)
    following = next_stage_change(after=day)
    return _morning(following) if following is not None else None
