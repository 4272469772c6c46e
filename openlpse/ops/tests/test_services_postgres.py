"""Several chronograph runners at once never process the same row (PostgreSQL row locks)."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from openlpse.core import clock
from openlpse.ops import chronograph, services
from openlpse.ops.models import DueCheck

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SKIP LOCKED)"
    ),
]
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
KIND = "tests.concurrent"


def _in_thread(target, *args):
    """Run `target` in a new thread with the caller's context (frozen clock) and its own
    database connection, closed at the end; re-raise its exception here."""
    context = contextvars.copy_context()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            context.run(target, *args)
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    return thread, failures


def test_two_runners_in_two_threads_never_process_the_same_row():
    for i in range(60):
        services.due_check_schedule(kind=KIND, object_ref=f"T-{i}", due_at=T0)
    processed: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def handle(check: DueCheck) -> None:
        with lock:
            processed.append((check.pk, check.locked_by))

    def runner(name: str) -> None:
        start.wait(timeout=30)
        while services.chronograph_run_once(runner_id=name, limit=5).claimed:
            pass

    with chronograph.registered(KIND, handle), clock.frozen(T0):
        threads = [_in_thread(runner, name) for name in ("runner-a", "runner-b")]
        for thread, _ in threads:
            thread.start()
        for thread, _ in threads:
            thread.join(timeout=120)
    for thread, failures in threads:
        assert not thread.is_alive()
        assert failures == []

    pks = [pk for pk, _ in processed]
    assert len(pks) == 60
    assert len(set(pks)) == 60, "a row was processed twice"
    assert DueCheck.objects.filter(done_at__isnull=True).count() == 0


def test_a_runner_skips_rows_locked_by_another_runner_without_waiting():
    checks = [
        services.due_check_schedule(kind=KIND, object_ref=f"T-{i}", due_at=T0) for i in range(3)
    ]
    processed: list[int] = []
    holding = threading.Event()
    release = threading.Event()

    def hold_first_row() -> None:
        with transaction.atomic():
            list(DueCheck.objects.select_for_update().filter(pk=checks[0].pk))
            holding.set()
            release.wait(timeout=60)

    def handle(check: DueCheck) -> None:
        processed.append(check.pk)

    holder, holder_failures = _in_thread(hold_first_row)
    with chronograph.registered(KIND, handle), clock.frozen(T0):
        holder.start()
        assert holding.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # fail rather than hang if we ever wait
        try:
            report = services.chronograph_run_once(runner_id="runner-b")
        finally:
            release.set()
            holder.join(timeout=30)
        assert holder_failures == []
        assert report.claimed == 2
        assert processed == [checks[1].pk, checks[2].pk]
        # Once the other transaction ends, the row is free again.
        assert services.chronograph_run_once(runner_id="runner-b").claimed == 1
    assert processed == [checks[1].pk, checks[2].pk, checks[0].pk]
