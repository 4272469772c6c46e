"""Chronograph services: schedule due checks and run the due ones (architecture §4).

Several runners may work at once, on one machine or many:

* PostgreSQL: a runner claims due rows with `SELECT ... FOR UPDATE SKIP LOCKED`, so two
  runners never claim the same row and never wait for each other.
* SQLite has no row locks and no SKIP LOCKED. Every transaction starts with BEGIN IMMEDIATE
  (`transaction_mode` in the settings), which takes the database's write lock at once, so
  claims are serialised: a plain SELECT then UPDATE inside one such transaction is safe.

A claim is a lease (`locked_by`, `locked_until`). Each claimed row is then processed in its
own transaction, with the row locked again and the handler inside a savepoint: a failing
handler's writes are rolled back, the failure is recorded with a back-off, and the runner goes
on with the next row. A runner that dies leaves a lease that runs out after `LEASE`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

from openlpse.core import clock
from openlpse.ops import chronograph
from openlpse.ops.models import DueCheck, Heartbeat

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600
MAX_ERROR_LENGTH = 2000


@dataclass
class RunReport:
    """What one `chronograph_run_once` pass did."""

    runner_id: str
    claimed: int = 0
    done: int = 0
    rescheduled: int = 0
    failed: int = 0
    skipped: int = 0
    processed_ids: list[int] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    """Delay before retrying a check that failed `attempts` times: 1, 2, 4 ... minutes, at most 1 h."""
    exponent = max(attempts - 1, 0)
    seconds = BACKOFF_BASE_SECONDS * (2 ** min(exponent, 16))
    return dt.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def due_check_schedule(*, kind: str, object_ref: str = "", due_at: dt.datetime) -> DueCheck:
    """Make sure a pending check of `kind` for `object_ref` is due no later than `due_at`.

    Idempotent: with a pending check already there, the earlier of the two times wins (handlers
    recompute what to do when they run, so running early is harmless).
    """
    with transaction.atomic():
        existing = (
            DueCheck.objects.select_for_update()
            .filter(kind=kind, object_ref=object_ref, done_at__isnull=True)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    return DueCheck.objects.create(
                        kind=kind, object_ref=object_ref, due_at=due_at, created_at=clock.now()
                    )
            except IntegrityError:
                # Another process created it between our SELECT and INSERT (PostgreSQL).
                existing = DueCheck.objects.select_for_update().get(
                    kind=kind, object_ref=object_ref, done_at__isnull=True
                )
        if due_at < existing.due_at:
            existing.due_at = due_at
            existing.save(update_fields=["due_at"])
        return existing


def heartbeat_record(*, name: str, runner_id: str) -> None:
    """Note that the periodic job `name` ran now (used by the `ops.heartbeat` handler)."""
    now = clock.now()
    with transaction.atomic():
        updated = Heartbeat.objects.filter(name=name).update(
            last_run_at=now, runner_id=runner_id[:120], beats=F("beats") + 1
        )
        if not updated:
            Heartbeat.objects.create(name=name, last_run_at=now, runner_id=runner_id[:120], beats=1)


def _claim(*, runner_id: str, limit: int, now: dt.datetime) -> list[int]:
    with transaction.atomic():
        due = (
            DueCheck.objects.filter(done_at__isnull=True, due_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("due_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # Else (SQLite): this transaction began with BEGIN IMMEDIATE and holds the write lock.
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            DueCheck.objects.filter(pk__in=ids).update(
                locked_by=runner_id, locked_until=now + LEASE
            )
    return ids


_OUTCOME_FIELDS = [
    "last_run_at",
    "locked_by",
    "locked_until",
    "due_at",
    "attempts",
    "last_error",
    "done_at",
]


def _release(check: DueCheck, now: dt.datetime) -> None:
    check.last_run_at = now
    check.locked_by, check.locked_until = "", None


def _run_one(*, pk: int, runner_id: str, report: RunReport) -> None:
    with transaction.atomic():
        check = (
            DueCheck.objects.select_for_update()
            .filter(pk=pk, locked_by=runner_id, done_at__isnull=True)
            .first()
        )
        if check is None:
            report.skipped += 1  # our lease ran out and another runner finished it
            return
        now = clock.now()
        func = chronograph.get_handler(check.kind)
        try:
            if func is None:
                raise LookupError(f"no chronograph handler is registered for {check.kind!r}")
            with transaction.atomic():  # savepoint: a failing handler leaves no partial writes
                next_due = func(check)
        except Exception as exc:
            logger.exception(
                "chronograph check %s (%s:%s) failed", check.pk, check.kind, check.object_ref
            )
            _release(check, now)
            check.attempts += 1
            check.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            check.due_at = now + backoff(check.attempts)
            check.save(update_fields=_OUTCOME_FIELDS)
            report.failed += 1
            return
        _release(check, now)
        check.attempts, check.last_error = 0, ""
        if next_due is None:
            check.done_at = now
            report.done += 1
        else:
            check.due_at = next_due
            report.rescheduled += 1
        check.save(update_fields=_OUTCOME_FIELDS)
        report.processed_ids.append(check.pk)


def chronograph_run_once(*, runner_id: str, limit: int = 100) -> RunReport:
    """Claim up to `limit` due checks and run each one's handler. Never raises for a handler's
    failure: failures are recorded on the row and retried after a back-off."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    report = RunReport(runner_id=runner_id)
    ids = _claim(runner_id=runner_id, limit=limit, now=clock.now())
    report.claimed = len(ids)
    for pk in ids:
        try:
            _run_one(pk=pk, runner_id=runner_id, report=report)
        except Exception:
            # Recording the outcome itself failed (database trouble): the lease runs out and
            # the check is retried later; carry on with the other rows.
            logger.exception("chronograph could not record the outcome of check %s", pk)
            report.failed += 1
    return report
