"""`manage.py chronograph`: run due checks every CHRONOGRAPH_INTERVAL seconds until stopped.

`--once` runs one pass (until nothing due is left) and exits. SIGTERM and SIGINT stop the loop
cleanly after the check being processed. Several copies may run at once, on one machine or
many: rows are claimed with locks that skip locked rows (see openlpse.ops.services).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from openlpse.core import clock
from openlpse.ops import services
from openlpse.ops.chronograph_handlers import HEARTBEAT

logger = logging.getLogger("openlpse.ops.chronograph")


def default_runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set `stop` on SIGTERM/SIGINT while the block runs (main thread only), then restore."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_pass(*, runner_id: str, limit: int, stop: threading.Event) -> services.RunReport:
    """Run batches until fewer than `limit` checks were due (or we are asked to stop)."""
    total = services.RunReport(runner_id=runner_id)
    while True:
        report = services.chronograph_run_once(runner_id=runner_id, limit=limit)
        for name in ("claimed", "done", "rescheduled", "failed", "skipped"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.claimed < limit or stop.is_set():
            return total


def run_loop(
    *,
    runner_id: str,
    limit: int,
    interval: float,
    stop: threading.Event,
    once: bool,
    parent_pid: int | None = None,
) -> int:
    """The chronograph loop. Returns the number of passes made.

    With `parent_pid`, the loop also ends when that process is gone: this runner was started by
    `manage.py serve`, which may have been killed without a chance to stop it.
    """
    passes = 0
    services.due_check_schedule(kind=HEARTBEAT, object_ref="chronograph", due_at=clock.now())
    while not stop.is_set():
        _refresh_connections()
        try:
            report = run_pass(runner_id=runner_id, limit=limit, stop=stop)
        except Exception:
            # The database may be restarting: log, wait one interval, try again.
            logger.exception("chronograph pass failed")
        else:
            if report.claimed:
                logger.debug(
                    "chronograph pass: %d claimed, %d done, %d rescheduled, %d failed",
                    report.claimed,
                    report.done,
                    report.rescheduled,
                    report.failed,
                )
        passes += 1
        if once:
            break
        stop.wait(interval)
        if parent_pid is not None and os.getppid() != parent_pid:
            logger.warning(
                "chronograph %s: parent process %s is gone, stopping", runner_id, parent_pid
            )
            break
    _refresh_connections()
    return passes


def _refresh_connections() -> None:
    # Drop broken or too-old connections between passes (as Django does between requests).
    # Never inside an enclosing transaction (tests run the loop inside one).
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = (
        "Run the chronograph: handle due checks every CHRONOGRAPH_INTERVAL seconds until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument(
            "--limit", type=int, default=100, help="Checks claimed per batch (default 100)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default: OPENLPSE_CHRONOGRAPH_INTERVAL).",
        )
        parser.add_argument(
            "--runner-id", default=None, help="Name of this runner (default host:pid)."
        )
        parser.add_argument(
            "--stop-with-parent",
            action="store_true",
            help="Stop when the process that started this one exits (used by `manage.py serve`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runner_id = options["runner_id"] or default_runner_id()
        interval = (
            options["interval"]
            if options["interval"] is not None
            else settings.CHRONOGRAPH_INTERVAL
        )
        stop = threading.Event()
        if not options["once"]:
            self.stdout.write(
                f"Chronograph {runner_id} running every {interval:g} s. Stop with Ctrl+C."
            )
        with stop_on_signals(stop):
            run_loop(
                runner_id=runner_id,
                limit=options["limit"],
                interval=interval,
                stop=stop,
                once=options["once"],
                parent_pid=os.getppid() if options["stop_with_parent"] else None,
            )
        if not options["once"]:
            self.stdout.write(f"Chronograph {runner_id} stopped.")
