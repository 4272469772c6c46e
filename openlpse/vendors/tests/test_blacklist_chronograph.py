"""The automatic start and end of blacklist periods: the clock is moved and the chronograph is
run explicitly (ops.services.chronograph_run_once)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from openlpse.accounts.permissions import today
from openlpse.core import clock
from openlpse.core.models import AuditEvent, Notification
from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck
from openlpse.ops.services import chronograph_run_once
from openlpse.vendors import selectors
from openlpse.vendors.services import blacklist as services
from openlpse.vendors.services import deactivation
from openlpse.vendors.tests.blacklist_support import blacklist, build_scene, refresh, snapshot

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def scene():
    return build_scene()


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def run() -> None:
    chronograph_run_once(runner_id="test")


def test_the_handler_is_registered():
    assert chronograph.get_handler(services.PERIODS_CHECK) is not None


def test_the_period_ends_by_itself_and_the_accounts_work_again(scene):
    start = today()
    entry = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=9))
    last_day = entry.ends_on
    # On the last day (late evening) nothing changes yet.
    with clock.frozen(at(last_day, 23, 59)):
        run()
    entry.refresh_from_db()
    refresh(*scene.people)
    assert entry.ended_at is None
    assert not any(p.is_active for p in scene.people)
    # The day after, the chronograph closes it.
    with clock.frozen(at(last_day + dt.timedelta(days=1), 0, 1)):
        run()
        entry.refresh_from_db()
        assert entry.ended_at == clock.now()
        assert selectors.blacklist_entry_for(vendor=scene.vendor) is None
    refresh(*scene.people)
    for person in scene.people:
        assert person.is_active
        assert (person.deactivation_ref, person.deactivated_until) == ("", None)
    event = AuditEvent.objects.filter(action="blacklist_entry.end").get()
    assert event.actor_id is None
    assert sorted(event.changes["reactivated"]) == sorted(p.username for p in scene.people)
    assert {n.user_id for n in Notification.objects.filter(topic="blacklist.ended")} == {
        p.pk for p in scene.people
    }
    # Nothing is left waiting: the check is done.
    assert not DueCheck.objects.filter(kind=services.PERIODS_CHECK, done_at__isnull=True).exists()


def test_running_again_changes_nothing(scene):
    start = today()
    entry = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=2))
    with clock.frozen(at(entry.ends_on + dt.timedelta(days=1), 1)):
        run()
        before = snapshot()
        services.blacklist_periods_run()
        services.blacklist_periods_run()
        run()
        assert snapshot() == before


def test_a_future_period_starts_by_itself(scene):
    start = today() + dt.timedelta(days=5)
    entry = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=30))
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    with clock.frozen(at(start - dt.timedelta(days=1), 23, 59)):
        run()
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    with clock.frozen(at(start, 0, 0)):
        run()
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"blacklist:{entry.pk}"
        assert person.deactivated_until == entry.ends_on
    # It comes back the day after the last day, and then ends the period.
    check = DueCheck.objects.get(kind=services.PERIODS_CHECK, done_at__isnull=True)
    assert check.due_at == at(entry.ends_on + dt.timedelta(days=1))
    with clock.frozen(at(entry.ends_on + dt.timedelta(days=1), 0, 5)):
        run()
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)


def test_an_overdue_entry_is_closed_even_without_a_scheduled_check(scene):
    start = today()
    entry = blacklist(scene, starts_on=start, ends_on=start)
    DueCheck.objects.all().delete()
    with clock.frozen(at(start + dt.timedelta(days=3), 9)):
        assert services.blacklist_periods_run() is None
    entry.refresh_from_db()
    assert entry.ended_at is not None
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)


def test_a_lifted_entry_is_left_alone(scene):
    start = today()
    entry = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=3))
    services.blacklist_entry_lift(actor=scene.verifikator, entry=entry, reason="Dicabut")
    entry.refresh_from_db()
    ended = entry.ended_at
    with clock.frozen(at(start + dt.timedelta(days=10))):
        before = AuditEvent.objects.count()
        run()
        assert AuditEvent.objects.count() == before
    entry.refresh_from_db()
    assert entry.ended_at == ended


def test_the_end_of_one_entry_hands_the_accounts_to_another_still_in_force(scene):
    start = today()
    short = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=3))
    # A second entry of the same company, starting later and lasting longer.
    later = blacklist(
        scene,
        actor=scene.world.users["pa"],
        starts_on=start + dt.timedelta(days=2),
        ends_on=start + dt.timedelta(days=60),
    )
    with clock.frozen(at(start + dt.timedelta(days=2), 0, 1)):
        run()
    refresh(*scene.people)
    assert scene.admin.deactivation_ref == f"blacklist:{short.pk}"
    with clock.frozen(at(short.ends_on + dt.timedelta(days=1), 0, 1)):
        run()
    short.refresh_from_db()
    assert short.ended_at is not None
    refresh(*scene.people)
    # The accounts stay stopped, now by the entry still in force, until its own end.
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"blacklist:{later.pk}"
        assert person.deactivated_until == later.ends_on
    with clock.frozen(at(later.ends_on + dt.timedelta(days=1), 0, 1)):
        run()
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)


def test_the_end_of_a_blacklisting_does_not_lift_a_deactivation_for_a_violation(scene):
    start = today()
    entry = blacklist(scene, starts_on=start, ends_on=start + dt.timedelta(days=3))
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Akun dipinjamkan"
    )
    with clock.frozen(at(entry.ends_on + dt.timedelta(days=1), 0, 1)):
        run()
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"violation:{scene.vendor.pk}"
