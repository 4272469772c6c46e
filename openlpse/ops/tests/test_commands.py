"""`manage.py chronograph` (loop and --once) and `manage.py serve`."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from openlpse.core import clock
from openlpse.ops import chronograph, services
from openlpse.ops.chronograph_handlers import HEARTBEAT
from openlpse.ops.management.commands import chronograph as chronograph_command
from openlpse.ops.management.commands import serve as serve_command
from openlpse.ops.models import DueCheck, Heartbeat

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
class TestChronographCommand:
    def test_once_runs_due_checks_and_the_heartbeat(self):
        seen: list[str] = []
        services.due_check_schedule(kind="tests.cmd", object_ref="T-1", due_at=T0)
        with (
            chronograph.registered("tests.cmd", lambda check: seen.append(check.object_ref)),
            clock.frozen(T0),
        ):
            call_command("chronograph", "--once", "--runner-id", "cli", stdout=StringIO())
        assert seen == ["T-1"]
        beat = Heartbeat.objects.get(name="chronograph")
        assert (beat.last_run_at, beat.runner_id) == (T0, "cli")
        assert DueCheck.objects.get(kind=HEARTBEAT).done_at is None

    def test_once_drains_more_than_one_batch(self):
        seen: list[str] = []
        for i in range(5):
            services.due_check_schedule(kind="tests.cmd", object_ref=f"T-{i}", due_at=T0)
        with (
            chronograph.registered("tests.cmd", lambda check: seen.append(check.object_ref)),
            clock.frozen(T0),
        ):
            call_command("chronograph", "--once", "--limit", "2", stdout=StringIO())
        assert sorted(seen) == [f"T-{i}" for i in range(5)]

    def test_loop_stops_cleanly_on_sigterm(self):
        """The handler sends SIGTERM to this process mid-pass; the loop finishes the pass and stops."""
        seen: list[str] = []

        def terminate(check):
            seen.append(check.object_ref)
            os.kill(os.getpid(), signal.SIGTERM)

        previous = signal.getsignal(signal.SIGTERM)
        services.due_check_schedule(kind="tests.cmd", object_ref="T-1", due_at=T0)
        out = StringIO()
        with chronograph.registered("tests.cmd", terminate), clock.frozen(T0):
            call_command("chronograph", "--interval", "3600", "--runner-id", "loop", stdout=out)
        assert seen == ["T-1"]
        assert "Chronograph loop stopped." in out.getvalue()
        assert signal.getsignal(signal.SIGTERM) is previous  # handlers restored

    def test_loop_survives_a_failing_pass(self, monkeypatch):
        stop = threading.Event()
        calls = {"n": 0}

        def flaky_pass(**kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("database restarting")
            stop.set()
            return services.RunReport(runner_id="x")

        monkeypatch.setattr(chronograph_command, "run_pass", flaky_pass)
        passes = chronograph_command.run_loop(
            runner_id="x", limit=10, interval=0, stop=stop, once=False
        )
        assert passes == 2
        assert calls["n"] == 2


@pytest.mark.django_db
def test_loop_started_by_serve_stops_when_its_parent_is_gone():
    stop = threading.Event()
    passes = chronograph_command.run_loop(
        runner_id="orphan", limit=10, interval=0, stop=stop, once=False, parent_pid=os.getppid() + 1
    )
    assert passes == 1


class TestServeCommand:
    def _sleeper(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])

    def test_stop_child_terminates_a_running_child(self):
        child = self._sleeper()
        serve_command.stop_child(child)
        assert child.returncode == -signal.SIGTERM

    def test_stop_child_of_a_finished_child_does_nothing(self):
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        child.wait()
        serve_command.stop_child(child)
        assert child.returncode == 0

    def test_serve_starts_the_chronograph_then_the_server_and_stops_the_child(self, monkeypatch):
        children: list[subprocess.Popen[bytes]] = []
        runserver_calls: list[tuple] = []

        def start():
            children.append(self._sleeper())
            return children[-1]

        def fake_call_command(name, *args, **kwargs):
            runserver_calls.append((name, args, kwargs))
            assert children[0].poll() is None  # the chronograph runs while the server runs
            raise KeyboardInterrupt

        monkeypatch.setattr(serve_command, "start_chronograph", start)
        monkeypatch.setattr(serve_command, "call_command", fake_call_command)
        out = StringIO()
        call_command("serve", "--addr", "127.0.0.1", "--port", "8123", stdout=out)

        assert runserver_calls == [
            ("runserver", ("127.0.0.1:8123",), {"use_reloader": False, "use_threading": True})
        ]
        assert "http://127.0.0.1:8123/" in out.getvalue()
        assert children[0].returncode == -signal.SIGTERM

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
    def test_sigterm_or_sigint_to_serve_stops_the_server_and_the_child(self, monkeypatch, signum):
        children: list[subprocess.Popen[bytes]] = []
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def start():
            children.append(self._sleeper())
            return children[-1]

        def fake_call_command(name, *args, **kwargs):
            os.kill(os.getpid(), signum)
            raise AssertionError("the signal should have interrupted the server")

        monkeypatch.setattr(serve_command, "start_chronograph", start)
        monkeypatch.setattr(serve_command, "call_command", fake_call_command)
        call_command("serve", stdout=StringIO())
        assert children[0].returncode == -signal.SIGTERM
        assert {sig: signal.getsignal(sig) for sig in previous} == previous
