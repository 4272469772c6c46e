"""`manage.py serve`: what `make run` starts. The chronograph as a child process, then Django's
development server without autoreload. Stopping the server (Ctrl+C, SIGTERM) stops the child.

For a single machine and for trying OpenLPSE out; production runs the web server (gunicorn or
similar) and `manage.py chronograph` as separate services.
"""

from __future__ import annotations

import atexit
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

CHILD_STOP_SECONDS = 10


def start_chronograph() -> subprocess.Popen[bytes]:
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.Popen([sys.executable, str(manage), "chronograph", "--stop-with-parent"])  # noqa: S603


def stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=CHILD_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


class Command(BaseCommand):
    help = (
        "Serve OpenLPSE on one machine: the chronograph plus the web server (used by `make run`)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to listen on (default 8000)."
        )
        parser.add_argument(
            "--no-chronograph", action="store_true", help="Do not start the chronograph."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addr, port = options["addr"], options["port"]
        child = None if options["no_chronograph"] else start_chronograph()
        if child is not None:
            atexit.register(stop_child, child)

        def on_stop_signal(signum: int, frame: FrameType | None) -> None:
            # runserver stops cleanly on KeyboardInterrupt; SIGTERM means the same. SIGINT is
            # set explicitly too: a shell starting us in the background may have ignored it.
            raise KeyboardInterrupt

        previous = {
            sig: signal.signal(sig, on_stop_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        host = f"[{addr}]" if ":" in addr else addr
        self.stdout.write(self.style.SUCCESS(f"OpenLPSE is running at http://{host}:{port}/"))
        if child is not None:
            self.stdout.write(
                f"Chronograph started (process {child.pid}). Press Ctrl+C to stop both."
            )
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if child is not None:
                stop_child(child)
                self.stdout.write("Chronograph stopped.")
