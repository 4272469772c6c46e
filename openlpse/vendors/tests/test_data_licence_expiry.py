"""Business licence expiry warnings: once per licence per stage, run by the chronograph."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from openlpse.core import clock
from openlpse.core.models import AuditEvent, Notification
from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck
from openlpse.ops.services import chronograph_run_once
from openlpse.vendors.models import BusinessLicence
from openlpse.vendors.services.data import vendor_record_create, vendor_record_update
from openlpse.vendors.services.licence_expiry import (
    LICENCE_EXPIRY,
    expiry_stage,
    licence_expiry_notify,
    next_stage_change,
)
from openlpse.vendors.tests.data_support import make_cast, valid_values

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=WIB)
TODAY = START.date()


@pytest.fixture
def cast(lpse_lampung_timur):
    return make_cast(lpse_lampung_timur)


@pytest.fixture
def frozen():
    with clock.frozen(START):
        yield


def _licence(cast, valid_until, **overrides):
    values = {
        **valid_values(BusinessLicence),
        "issued_on": dt.date(2024, 1, 1),
        "valid_until": valid_until,
        **overrides,
    }
    return vendor_record_create(
        actor=cast.admin, vendor=cast.vendor, model=BusinessLicence, values=values
    )


def _notices(user):
    return list(
        Notification.objects.filter(user=user, topic="vendors.licence_expiry").order_by("pk")
    )


def _move_to(day: dt.date) -> None:
    clock.advance(dt.datetime.combine(day, START.timetz()) - clock.now().astimezone(WIB))


def test_stages():
    until = dt.date(2027, 4, 30)
    assert expiry_stage(valid_until=until, on=dt.date(2027, 3, 30)) is None
    assert expiry_stage(valid_until=until, on=dt.date(2027, 3, 31)) == "expiring"
    assert expiry_stage(valid_until=until, on=until) == "expiring"
    assert expiry_stage(valid_until=until, on=dt.date(2027, 5, 1)) == "expired"
    assert expiry_stage(valid_until=None, on=until) is None


def test_an_expiring_licence_is_announced_once_then_once_more_when_expired(cast, frozen):
    licence = _licence(cast, TODAY + dt.timedelta(days=20))
    assert licence_expiry_notify() == 1
    assert licence_expiry_notify() == 0
    notices = _notices(cast.admin)
    assert len(notices) == 1
    assert licence.number in notices[0].subject
    assert notices[0].url == "/penyedia/data/izin-usaha/"
    licence.refresh_from_db()
    assert licence.expiry_notified_on == TODAY
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "vendor.data.licence.expiry_notified"
    assert event.changes["stage"] == "expiring"
    assert event.changes["notified"] == [cast.admin.username]
    # Staff are not told; the administrator is.
    assert _notices(cast.staff) == []

    _move_to(TODAY + dt.timedelta(days=20))  # the last valid day: still "expiring"
    assert licence_expiry_notify() == 0
    _move_to(TODAY + dt.timedelta(days=21))  # the day after: expired
    assert licence_expiry_notify() == 1
    assert licence_expiry_notify() == 0
    _move_to(TODAY + dt.timedelta(days=60))
    assert licence_expiry_notify() == 0
    assert len(_notices(cast.admin)) == 2


def test_a_licence_first_seen_expired_is_announced_once(cast, frozen):
    _licence(cast, TODAY - dt.timedelta(days=5))
    assert licence_expiry_notify() == 1
    _move_to(TODAY + dt.timedelta(days=1))
    assert licence_expiry_notify() == 0
    assert len(_notices(cast.admin)) == 1


def test_a_licence_valid_long_enough_or_indefinitely_is_not_announced(cast, frozen):
    _licence(cast, TODAY + dt.timedelta(days=31))
    _licence(cast, None, number="TANPA-BATAS")
    assert licence_expiry_notify() == 0
    _move_to(TODAY + dt.timedelta(days=1))
    assert licence_expiry_notify() == 1


def test_a_renewed_licence_starts_over(cast, frozen):
    licence = _licence(cast, TODAY + dt.timedelta(days=10))
    licence_expiry_notify()
    renewed = vendor_record_update(
        actor=cast.staff,
        vendor=cast.vendor,
        model=BusinessLicence,
        record_id=licence.pk,
        values={"valid_until": TODAY + dt.timedelta(days=400)},
    )
    assert renewed.expiry_notified_on is None
    assert licence_expiry_notify() == 0
    _move_to(TODAY + dt.timedelta(days=371))
    assert licence_expiry_notify() == 1


def test_unverified_vendors_are_not_told(cast, frozen):
    _licence(cast, TODAY + dt.timedelta(days=3))
    cast.vendor.__class__.objects.filter(pk=cast.vendor.pk).update(status="submitted")
    assert licence_expiry_notify() == 0


def test_the_notice_is_mailed_to_the_admin(
    cast, frozen, mailoutbox, django_capture_on_commit_callbacks
):
    _licence(cast, TODAY + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        licence_expiry_notify()
    assert [m.to for m in mailoutbox] == [[cast.admin.email]]
    assert "/penyedia/data/izin-usaha/" in mailoutbox[0].body


def test_writing_a_licence_schedules_the_chronograph(cast, frozen):
    far = _licence(cast, TODAY + dt.timedelta(days=100))
    check = DueCheck.objects.get(kind=LICENCE_EXPIRY, done_at__isnull=True)
    assert check.due_at == dt.datetime.combine(
        far.valid_until - dt.timedelta(days=30), dt.time(6, 0), tzinfo=WIB
    )
    # A licence already in its warning period moves the check to now.
    _licence(cast, TODAY + dt.timedelta(days=5), number="DEKAT")
    check.refresh_from_db()
    assert check.due_at == clock.now()
    assert DueCheck.objects.filter(kind=LICENCE_EXPIRY).count() == 1


def test_the_chronograph_sends_the_notices_and_sleeps_until_the_next_stage(cast, frozen):
    assert chronograph.get_handler(LICENCE_EXPIRY) is not None
    near = _licence(cast, TODAY + dt.timedelta(days=5))
    _licence(cast, TODAY + dt.timedelta(days=100), number="JAUH")
    report = chronograph_run_once(runner_id="test")
    assert report.rescheduled == 1
    assert len(_notices(cast.admin)) == 1
    check = DueCheck.objects.get(kind=LICENCE_EXPIRY)
    # Next: the near licence expires (valid_until + 1) before the far one starts warning.
    assert check.due_at == dt.datetime.combine(
        near.valid_until + dt.timedelta(days=1), dt.time(6, 0), tzinfo=WIB
    )
    assert chronograph_run_once(runner_id="test").claimed == 0  # not due yet

    _move_to(near.valid_until + dt.timedelta(days=1))
    chronograph_run_once(runner_id="test")
    assert len(_notices(cast.admin)) == 2
    check.refresh_from_db()
    assert check.due_at.astimezone(WIB).date() == TODAY + dt.timedelta(days=70)


def test_next_stage_change_is_none_without_dated_licences(cast, frozen):
    _licence(cast, None)
    assert next_stage_change(after=TODAY) is None
