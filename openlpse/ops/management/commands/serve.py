"""`manage.py serve`: what `make run` starts. The chronograph and the key service (ADR 0010) as
child processes, then Django's development server without autoreload. Stopping the server
(Ctrl+C, SIGTERM) stops the children.

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
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

CHILD_STOP_SECONDS = 10


def start_chronograph() -> subprocess.Popen[bytes]:
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.Popen([sys.executable, str(manage), "chronograph", "--stop-with-parent"])  # noqa: S603


def keyservice_listen_address() -> str | None:
    """Where the key service must listen for settings.OPENLPSE_KEYSERVICE_URL to reach it:
    host:port or unix:/path; None for the in-process `local:` transport (tests)."""
    url = str(settings.OPENLPSE_KEYSERVICE_URL)
    if url.startswith("unix:"):
        return url
    if url.startswith("http://"):
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or 80}"
    return None


def start_keyservice(listen: str) -> subprocess.Popen[bytes]:
    data = Path(settings.VAR_DIR) / "keyservice"
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "openlpse.keyservice",
            "--data",
            str(data),
            "--listen",
            listen,
            "--stop-with-parent",
        ],
        cwd=settings.BASE_DIR,
    )


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
        parser.add_argument(
            "--no-keyservice",
            action="store_true",
            help="Do not start the key service (run `python -m openlpse.keyservice` yourself).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addr, port = options["addr"], options["port"]
        child = None if options["no_chronograph"] else start_chronograph()
        if child is not None:
            atexit.register(stop_child, child)
        listen = None if options["no_keyservice"] else keyservice_listen_address()
        keyservice = start_keyservice(listen) if listen else None
        if keyservice is not None:
            atexit.register(stop_child, keyservice)

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
            self.stdout.write(f"Chronograph started (process {child.pid}). Press Ctrl+C to stop.")
        if keyservice is not None:
            self.stdout.write(
                f"Key service started at {listen} (process {keyservice.pid}, data "
                f"{Path(settings.VAR_DIR) / 'keyservice'}); it stops with the server."
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
            if keyservice is not None:
                stop_child(keyservice)
                self.stdout.write("Key service stopped.")
