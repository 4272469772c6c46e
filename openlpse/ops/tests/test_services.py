"""The chronograph: scheduling due checks and running them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from openlpse.core import clock
from openlpse.ops import chronograph, services
from openlpse.ops.chronograph_handlers import HEARTBEAT
from openlpse.ops.models import DueCheck, Heartbeat
from openlpse.organizations.models import Lpse

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
KIND = "tests.kind"


@pytest.fixture
def calls():
    seen: list[tuple[str, str]] = []

    def handle(check: DueCheck) -> None:
        seen.append((check.object_ref, check.locked_by))

    with chronograph.registered(KIND, handle):
        yield seen


class TestSchedule:
    def test_schedule_creates_one_pending_check(self):
        check = services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        assert (check.kind, check.object_ref, check.due_at, check.attempts, check.done_at) == (
            KIND,
            "T-1",
            T0,
            0,
            None,
        )

    def test_scheduling_again_keeps_one_check_and_the_earlier_time(self):
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0 + dt.timedelta(hours=1))
        assert list(DueCheck.objects.values_list("due_at", flat=True)) == [T0]
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0 - dt.timedelta(hours=1))
        assert list(DueCheck.objects.values_list("due_at", flat=True)) == [
            T0 - dt.timedelta(hours=1)
        ]

    def test_a_done_check_does_not_block_a_new_one(self, calls):
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        with clock.frozen(T0):
            services.chronograph_run_once(runner_id="r1")
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0 + dt.timedelta(days=1))
        assert DueCheck.objects.filter(kind=KIND, object_ref="T-1").count() == 2
        assert (
            DueCheck.objects.filter(kind=KIND, object_ref="T-1", done_at__isnull=True).count() == 1
        )


class TestRunOnce:
    def test_runs_due_checks_in_due_order_and_leaves_future_ones(self, calls):
        services.due_check_schedule(
            kind=KIND, object_ref="late", due_at=T0 - dt.timedelta(minutes=1)
        )
        services.due_check_schedule(
            kind=KIND, object_ref="early", due_at=T0 - dt.timedelta(minutes=5)
        )
        services.due_check_schedule(
            kind=KIND, object_ref="future", due_at=T0 + dt.timedelta(seconds=1)
        )

        with clock.frozen(T0):
            report = services.chronograph_run_once(runner_id="r1")

        assert calls == [("early", "r1"), ("late", "r1")]
        assert (report.claimed, report.done, report.failed) == (2, 2, 0)
        done = DueCheck.objects.filter(done_at__isnull=False)
        assert sorted(done.values_list("object_ref", flat=True)) == ["early", "late"]
        assert set(
            done.values_list("done_at", "last_run_at", "locked_by", "locked_until").distinct()
        ) == {(T0, T0, "", None)}
        assert DueCheck.objects.get(object_ref="future").done_at is None

    def test_a_done_check_is_not_run_again(self, calls):
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        with clock.frozen(T0):
            services.chronograph_run_once(runner_id="r1")
            report = services.chronograph_run_once(runner_id="r1")
        assert calls == [("T-1", "r1")]
        assert report.claimed == 0

    def test_limit_bounds_one_pass(self, calls):
        for i in range(5):
            services.due_check_schedule(kind=KIND, object_ref=f"T-{i}", due_at=T0)
        with clock.frozen(T0):
            assert services.chronograph_run_once(runner_id="r1", limit=2).claimed == 2
            assert services.chronograph_run_once(runner_id="r1", limit=2).claimed == 2
            assert services.chronograph_run_once(runner_id="r1", limit=2).claimed == 1
        assert len(calls) == 5

    def test_limit_must_be_positive(self):
        with pytest.raises(ValueError, match="limit"):
            services.chronograph_run_once(runner_id="r1", limit=0)

    def test_a_handler_returning_a_time_is_rescheduled(self):
        with chronograph.registered(KIND, lambda check: T0 + dt.timedelta(hours=2)):
            services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
            with clock.frozen(T0):
                report = services.chronograph_run_once(runner_id="r1")
        check = DueCheck.objects.get()
        assert report.rescheduled == 1
        assert (check.due_at, check.done_at, check.locked_by, check.last_run_at) == (
            T0 + dt.timedelta(hours=2),
            None,
            "",
            T0,
        )

    def test_a_failing_handler_is_recorded_with_back_off_and_its_writes_rolled_back(self, calls):
        def fail(check: DueCheck) -> None:
            Lpse.objects.create(slug="half-done", name="x", region="x")
            raise RuntimeError("the registry is down")

        services.due_check_schedule(kind="tests.failing", object_ref="T-9", due_at=T0)
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        with chronograph.registered("tests.failing", fail), clock.frozen(T0):
            report = services.chronograph_run_once(runner_id="r1")

        assert (report.claimed, report.done, report.failed) == (2, 1, 1)
        assert calls == [("T-1", "r1")]  # the other check still ran
        assert not Lpse.objects.filter(slug="half-done").exists()
        failed = DueCheck.objects.get(kind="tests.failing")
        assert failed.attempts == 1
        assert failed.last_error == "RuntimeError: the registry is down"
        assert failed.due_at == T0 + dt.timedelta(minutes=1)
        assert (failed.done_at, failed.locked_by, failed.locked_until) == (None, "", None)

    def test_back_off_doubles_up_to_an_hour_and_success_resets_it(self):
        outcome = {"fail": True}

        def flaky(check: DueCheck) -> None:
            if outcome["fail"]:
                raise RuntimeError("not yet")

        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        delays = []
        with chronograph.registered(KIND, flaky), clock.frozen(T0):
            for _ in range(8):
                check = DueCheck.objects.get()
                clock.advance(check.due_at - clock.now())
                services.chronograph_run_once(runner_id="r1")
                check.refresh_from_db()
                delays.append(int((check.due_at - clock.now()).total_seconds() // 60))
            outcome["fail"] = False
            clock.advance(check.due_at - clock.now())
            services.chronograph_run_once(runner_id="r1")
        assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
        check.refresh_from_db()
        assert (check.attempts, check.last_error, check.done_at is not None) == (0, "", True)

    def test_a_check_without_a_handler_is_recorded_as_failed(self):
        services.due_check_schedule(kind="tests.nobody", object_ref="x", due_at=T0)
        with clock.frozen(T0):
            report = services.chronograph_run_once(runner_id="r1")
        check = DueCheck.objects.get()
        assert report.failed == 1
        assert (
            check.last_error
            == "LookupError: no chronograph handler is registered for 'tests.nobody'"
        )

    def test_a_row_claimed_by_another_runner_is_left_alone_until_its_lease_ends(self, calls):
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        DueCheck.objects.update(locked_by="dead-runner", locked_until=T0 + services.LEASE)
        with clock.frozen(T0 + dt.timedelta(minutes=1)):
            assert services.chronograph_run_once(runner_id="r1").claimed == 0
        with clock.frozen(T0 + services.LEASE + dt.timedelta(seconds=1)):
            assert services.chronograph_run_once(runner_id="r1").done == 1
        assert calls == [("T-1", "r1")]

    def test_a_lost_lease_is_skipped(self, calls):
        services.due_check_schedule(kind=KIND, object_ref="T-1", due_at=T0)
        report = services.RunReport(runner_id="r1")
        DueCheck.objects.update(locked_by="someone-else")
        services._run_one(pk=DueCheck.objects.get().pk, runner_id="r1", report=report)
        assert report.skipped == 1
        assert calls == []


class TestRegistry:
    def test_a_kind_has_only_one_handler(self):
        with (
            chronograph.registered(KIND, lambda check: None),
            pytest.raises(ValueError, match="already registered"),
        ):
            chronograph.handler(KIND)(lambda check: None)

    def test_registered_handlers_are_discovered(self):
        assert HEARTBEAT in chronograph.registered_kinds()


class TestHeartbeat:
    def test_heartbeat_records_the_run_and_comes_back_after_the_interval(self, settings):
        settings.CHRONOGRAPH_INTERVAL = 15
        services.due_check_schedule(kind=HEARTBEAT, object_ref="chronograph", due_at=T0)
        with clock.frozen(T0):
            services.chronograph_run_once(runner_id="host:1")
        with clock.frozen(T0 + dt.timedelta(seconds=15)):
            services.chronograph_run_once(runner_id="host:2")
        beat = Heartbeat.objects.get(name="chronograph")
        assert (beat.last_run_at, beat.runner_id, beat.beats) == (
            T0 + dt.timedelta(seconds=15),
            "host:2",
            2,
        )
        check = DueCheck.objects.get(kind=HEARTBEAT)
        assert (check.due_at, check.done_at) == (T0 + dt.timedelta(seconds=30), None)
