"""`python -m openlpse.keyservice`: run the key service (ADR 0010)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from openlpse.keyservice import core, server, store


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m openlpse.keyservice",
        description=(
            "OpenLPSE key service: holds the system key of every tender envelope and computes "
            "its half of a sealed bid's key only from the envelope's opening time on, by its own "
            "clock. On first start it makes DIR/master.key (32 random bytes that encrypt every "
            "private key) and DIR/token (the bearer token the web application must send; point "
            "OPENLPSE_KEYSERVICE_TOKEN_FILE at it). Every call is appended to its own log."
        ),
        epilog=(
            "Endpoints: GET /health; POST /keys {tender_ref, envelope, opening_at}; GET "
            "/keys/{kid}; POST /keys/{kid}/opening {opening_at} (later freely, earlier only to a "
            "future time); POST /keys/{kid}/halves {epks: [base64]} -> {halves: [base64]}, or "
            "403 {code: too_early, opening_at} before the opening time."
        ),
    )
    parser.add_argument(
        "--data",
        required=True,
        type=Path,
        metavar="DIR",
        help="Directory of the key service's own files (master.key, token, keyservice.sqlite3); "
        "made 0700 when missing. Keep it readable only by the key service's OS user.",
    )
    parser.add_argument(
        "--listen",
        default="127.0.0.1:8790",
        metavar="ADDRESS",
        help="host:port (default 127.0.0.1:8790; port 0 picks a free port) or unix:/path.",
    )
    parser.add_argument(
        "--database",
        default=None,
        metavar="URL",
        help="postgres://keysvc@host/db to use PostgreSQL with the key service's own role "
        "(default: SQLite file DIR/keyservice.sqlite3).",
    )
    parser.add_argument(
        "--access-log", action="store_true", help="Write one line per request to stderr."
    )
    parser.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="Stop when the process that started this one exits (used by `manage.py serve`).",
    )
    return parser.parse_args(argv)


def _watch_parent(stop: threading.Event, parent: int) -> None:
    while not stop.wait(1.0):
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.umask(0o077)
    try:
        service = core.open_service(args.data, database=args.database)
        token = store.load_token(args.data)
        httpd = server.make_server(service, token, args.listen, access_log=args.access_log)
    except (store.StoreError, ValueError, OSError) as exc:
        print(f"openlpse-keyservice: cannot start: {exc}", file=sys.stderr)
        return 2

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop = threading.Event()
    if args.stop_with_parent:
        threading.Thread(target=_watch_parent, args=(stop, os.getppid()), daemon=True).start()
    print(
        f"OpenLPSE key service listening on {server.address_of(httpd)} (data {args.data})",
        flush=True,
    )
    try:
        httpd.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()
        service.store.close()
    print("OpenLPSE key service stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
