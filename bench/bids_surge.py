"""Deadline surge of sealed-bid uploads through the tus API (issue 5 benchmark).

N vendors upload M MB sealed bids at the same time to a live server (its own process, a
threaded WSGI server on 127.0.0.1) through `POST /api/v1/uploads/` (create), `PATCH` chunks with
Upload-Offset and Upload-Checksum, and `POST /api/v1/uploads/<id>/finalize` (receipt). Prints the
throughput as a ratio of the raw fsync'ed write rate of the same disk measured in the same run,
the p50/p99 chunk (PATCH) latency, the server's peak RSS against the file size, and the number
of receipts whose SHA-256 does not match the stored bytes (must be 0).

    .venv/bin/python bench/bids_surge.py                         # 4 vendors x 8 MB, SQLite
    .venv/bin/python bench/bids_surge.py --vendors 20 --mb 50
    .venv/bin/python bench/bids_surge.py --database postgres://postgres@localhost:5432/postgres
    .venv/bin/python bench/bids_surge.py --chunk-mib 8           # 8 MiB PATCHes
    .venv/bin/python bench/bids_surge.py --server per-request    # a thread per request

With `--database`, a throw-away database `openlpse_bench_<random>` is created on that server
(the URL's own database is only used to connect) and dropped at the end. Not part of the test
suite; never asserts timings.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
PATCH_BYTES = MB
MARKER = b"OPENLPSE-DEMO-PLAINTEXT"


# --- server side (child process) ------------------------------------------------------------


def serve(setup: dict[str, Any], max_seconds: float) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import resource
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.apps import apps
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connections
    from django.http import HttpRequest, JsonResponse
    from django.urls import include, path

    # Tables straight from the models (as the tests do): the benchmark does not depend on
    # the state of the migration files.
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)

    from openlpse.bids import sealedfile
    from openlpse.bids.models import Submission
    from openlpse.bids.tests.submissions_support import make_keys
    from openlpse.tenders.tests.factories import announced_tender, join
    from openlpse.vendors.tests.blacklist_support import issue_token
    from openlpse.vendors.tests.factories import make_verified_vendor

    tender = announced_tender(open_stage="upload_penawaran")
    keys = make_keys(tender)["single"]
    vendors = []
    for _ in range(setup["vendors"]):
        vendor = make_verified_vendor(lpse=tender.lpse)
        join(tender, vendor)
        vendors.append({"bidder": str(vendor.pk), "token": issue_token(vendor.created_by)})
    facts: dict[str, Any] = {
        "tender": tender.code,
        "committee_pub": sealedfile.b64(sealedfile.public_raw(keys.committee)),
        "system_pub": sealedfile.b64(sealedfile.public_raw(keys.system)),
        "vendors": vendors,
    }
    for conn in connections.all():
        conn.close()

    def submissions(request: HttpRequest) -> JsonResponse:
        rows = Submission.objects.filter(tender__code=tender.code).values(
            "storage_name", "sha256", "size", "receipt"
        )
        return JsonResponse({"rows": list(rows), "media_root": str(settings.MEDIA_ROOT)})

    def rss(request: HttpRequest) -> JsonResponse:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return JsonResponse({"ru_maxrss": peak_kb * 1024})

    module = sys.modules[__name__]
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/submissions", submissions),
        path("bench/rss", rss),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
        """A new thread per request, as Django's development server (`make run`)."""

        daemon_threads = True
        request_queue_size = 128

    class PooledWSGIServer(WSGIServer):
        """A fixed pool of worker threads, as gunicorn's gthread worker in production: a
        thread keeps its database connection between requests (CONN_MAX_AGE)."""

        request_queue_size = 128

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            from concurrent.futures import ThreadPoolExecutor

            super().__init__(*args, **kwargs)
            self.pool = ThreadPoolExecutor(max_workers=int(setup.get("threads") or 16))

        def process_request(self, request: Any, client_address: Any) -> None:
            self.pool.submit(self._work, request, client_address)

        def _work(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    app: Any = WSGIHandler()
    if setup.get("profile"):
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        lock = threading.Lock()
        inner = app

        def app(environ: Any, start_response: Any) -> Any:  # one request at a time
            with lock:
                profiler.enable()
                try:
                    return list(inner(environ, start_response))
                finally:
                    profiler.disable()

        def profile(request: HttpRequest) -> JsonResponse:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
            return JsonResponse({"text": out.getvalue()})

        module.urlpatterns.insert(0, path("bench/profile", profile))

    server_class = PooledWSGIServer if setup.get("server") == "pool" else ThreadingWSGIServer
    httpd = make_server("127.0.0.1", 0, app, server_class=server_class, handler_class=QuietHandler)
    facts["port"] = httpd.server_port
    print(json.dumps(facts), flush=True)
    threading.Timer(max_seconds, httpd.shutdown).start()
    httpd.serve_forever(poll_interval=0.5)
    httpd.server_close()


# --- client side (parent process) -----------------------------------------------------------


def seal_file(
    path: Path, size: int, *, tender: str, bidder: str, committee: bytes, system: bytes
) -> tuple[str, int]:
    """Seal `size` bytes of a PDF-looking plaintext (with the demo marker) into `path`, in
    1 MiB chunks from a generator (never the whole file in memory); SHA-256 and size."""
    sys.path.insert(0, str(ROOT))
    from openlpse.bids import sealedfile

    class Plain:
        def __init__(self) -> None:
            self.left = size
            self.block = os.urandom(MB)
            self.first = True

        def read(self, n: int = -1) -> bytes:
            n = self.left if n < 0 else min(n, self.left)
            out = b""
            if self.first and n:
                out = (b"%PDF-1.7\n" + MARKER + b"\n")[:n]
                self.first = False
            while len(out) < n:
                out += self.block[: n - len(out)]
            self.left -= len(out)
            return out

    with path.open("wb") as out:
        result = sealedfile.seal(
            Plain(),  # type: ignore[arg-type]
            out,
            tender=tender,
            envelope="single",
            bidder=bidder,
            committee_pub=committee,
            system_pub=system,
        )
    return result.ciphertext_sha256, result.size


def raw_fsync_rate(directory: Path, total: int, *, fsync_every: int | None = None) -> float:
    """MB/s of writing `total` bytes in 1 MiB os.write calls then fsync (as dd
    conv=fdatasync), or with an fsync every `fsync_every` bytes."""
    target = directory / f"raw-{uuid.uuid4().hex}"
    block = os.urandom(MB)
    os.sync()
    started = time.perf_counter()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        written = since_sync = 0
        while written < total:
            n = os.write(fd, block[: min(MB, total - written)])
            written += n
            since_sync += n
            if fsync_every and since_sync >= fsync_every:
                os.fsync(fd)
                since_sync = 0
        os.fsync(fd)
    finally:
        os.close(fd)
    seconds = time.perf_counter() - started
    target.unlink()
    return total / MB / seconds


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                current = self.process.memory_info().rss
            except Exception:  # the server went away
                return
            self.peak = max(self.peak, current)
            time.sleep(self.interval)

    def reset(self) -> int:
        current = int(self.process.memory_info().rss)
        self.peak = current
        return current


@dataclass
class VendorRun:
    token: str
    path: Path
    sha256: str
    size: int
    latencies: list[float] = field(default_factory=list)
    receipt: dict[str, Any] | None = None
    error: str = ""


def _request(
    port: int, method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def upload_one(port: int, tender: str, run: VendorRun) -> None:
    auth = {"Authorization": f"Bearer {run.token}", "Tus-Resumable": "1.0.0"}
    meta = ",".join(
        f"{k} {b64(v)}"
        for k, v in (
            ("filename", "penawaran.pdf.lpsebid"),
            ("tender", tender),
            ("envelope", "single"),
            ("sha256", run.sha256),
        )
    )
    status, headers, body = _request(
        port,
        "POST",
        "/api/v1/uploads/",
        b"",
        {**auth, "Upload-Length": str(run.size), "Upload-Metadata": meta},
    )
    if status != 201:
        run.error = f"create {status}: {body[:300]!r}"
        return
    location = urlsplit(headers.get("Location", "")).path
    offset = 0
    with run.path.open("rb") as source:
        while chunk := source.read(PATCH_BYTES):
            digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
            started = time.perf_counter()
            status, _, body = _request(
                port,
                "PATCH",
                location,
                chunk,
                {
                    **auth,
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": str(offset),
                    "Upload-Checksum": f"sha256 {digest}",
                },
            )
            run.latencies.append(time.perf_counter() - started)
            if status != 204:
                run.error = f"PATCH at {offset} {status}: {body[:300]!r}"
                return
            offset += len(chunk)
    status, _, body = _request(port, "POST", location.rstrip("/") + "/finalize", b"", auth)
    if status not in (200, 201):
        run.error = f"finalize {status}: {body[:300]!r}"
        return
    run.receipt = json.loads(body)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _temp_postgres(url: str) -> tuple[str, str]:
    """Create an empty database on the server of `url`; its URL and name."""
    import psycopg

    name = f"openlpse_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join((__doc__ or "").split("\n\n")[1:]),
    )
    parser.add_argument("--vendors", type=int, default=4, help="Concurrent vendors (N), default 4.")
    parser.add_argument(
        "--mb", type=float, default=8, help="Plaintext bid size in MB (M), default 8."
    )
    parser.add_argument(
        "--database",
        default=None,
        help="postgres://user@host:port/db: run on PostgreSQL (a throw-away database is "
        "created there); default: a temporary SQLite file (the embedded default).",
    )
    parser.add_argument(
        "--chunk-mib",
        type=int,
        default=1,
        help="PATCH size in MiB (default 1, as the browser; try 4 or 8).",
    )
    parser.add_argument(
        "--server",
        choices=("pool", "per-request"),
        default="pool",
        help="pool: a fixed pool of worker threads (as gunicorn gthread; default); "
        "per-request: a new thread per request (as Django's development server, `make run`).",
    )
    parser.add_argument(
        "--threads", type=int, default=16, help="Worker threads of the pool (default 16)."
    )
    parser.add_argument("--dir", default=None, help="Work directory (default: a new temp dir).")
    parser.add_argument("--max-seconds", type=float, default=900, help="Server lifetime bound.")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Profile the server (requests then run one at a time) and print the top functions.",
    )
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(json.loads(args.serve), args.max_seconds)
        return 0

    global PATCH_BYTES
    PATCH_BYTES = max(1, args.chunk_mib) * MB
    size = int(args.mb * MB)
    work = Path(tempfile.mkdtemp(prefix="openlpse-surge-", dir=args.dir))
    for sub in ("var", "media", "raw", "sealed"):
        (work / sub).mkdir()
    db_url, db_name = f"sqlite:///{work / 'var' / 'bench.sqlite3'}", ""
    if args.database:
        db_url, db_name = _temp_postgres(args.database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "OPENLPSE_VAR_DIR": str(work / "var"),
        "OPENLPSE_MEDIA_ROOT": str(work / "media"),
        "DATABASE_URL": db_url,
        "OPENLPSE_DEBUG": "0",
        "OPENLPSE_KEYSERVICE_URL": f"local:{work / 'var' / 'keyservice'}",
        "OPENLPSE_LOG_LEVEL": "WARNING",
    }
    # One vendor more for the warm-up upload.
    setup = {
        "vendors": args.vendors + 1,
        "profile": args.profile,
        "server": args.server,
        "threads": args.threads,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            json.dumps(setup),
            "--max-seconds",
            str(args.max_seconds),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line:
            raise RuntimeError("the server did not start (see its output above)")
        facts = json.loads(line)
        port, tender = int(facts["port"]), facts["tender"]
        committee = base64.b64decode(facts["committee_pub"])
        system = base64.b64decode(facts["system_pub"])
        runs = []
        for index, vendor in enumerate(facts["vendors"]):
            path = work / "sealed" / f"bid-{index}.lpsebid"
            digest, sealed_size = seal_file(
                path,
                size if index else MB,
                tender=tender,
                bidder=vendor["bidder"],
                committee=committee,
                system=system,
            )
            runs.append(VendorRun(vendor["token"], path, digest, sealed_size))
        # Warm-up (imports, first queries, the receipt key): not timed, not counted.
        warm = runs.pop(0)
        upload_one(port, tender, warm)
        if warm.error:
            raise RuntimeError(f"warm-up upload failed: {warm.error}")
        total = sum(r.size for r in runs)
        # Median of three, over at least 64 MB: small writes mostly measure the write cache.
        raw_size = max(total, 64 * MB)
        raw_rate = statistics.median(raw_fsync_rate(work / "raw", raw_size) for _ in range(3))
        raw_chunked_rate = statistics.median(
            raw_fsync_rate(work / "raw", raw_size, fsync_every=PATCH_BYTES) for _ in range(3)
        )
        sampler = RssSampler(server.pid)
        sampler.start()
        start_rss = sampler.reset()
        os.sync()
        started = time.perf_counter()
        threads = [threading.Thread(target=upload_one, args=(port, tender, r)) for r in runs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        peak_rss = sampler.peak
        sampler.running = False
        _, _, body = _request(port, "GET", "/bench/submissions", None, {})
        stored = json.loads(body)
        _, _, body = _request(port, "GET", "/bench/rss", None, {})
        ru_maxrss = int(json.loads(body)["ru_maxrss"])
        profile_text = ""
        if args.profile:
            _, _, body = _request(port, "GET", "/bench/profile", None, {})
            profile_text = json.loads(body)["text"]
        mismatches = 0
        media = Path(stored["media_root"])
        for row in stored["rows"]:
            receipt = row["receipt"].get("receipt", row["receipt"])
            hasher = hashlib.sha256()
            with (media / row["storage_name"]).open("rb") as f:
                while block := f.read(MB):
                    hasher.update(block)
            if hasher.hexdigest() != receipt.get("ciphertext_sha256"):
                mismatches += 1
        runs_all = [warm, *runs]
        for run in runs_all:
            if run.receipt is not None:
                signed = run.receipt.get("receipt", run.receipt)
                if signed.get("ciphertext_sha256") != run.sha256:
                    mismatches += 1
    finally:
        server.kill()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if db_name and args.database:
            _drop_postgres(args.database, db_name)

    failed = [r for r in runs if r.error or r.receipt is None]
    latencies = [x for r in runs for x in r.latencies]
    rate = sum(r.size for r in runs if not r.error) / MB / seconds
    database = "PostgreSQL" if args.database else "SQLite (embedded default)"
    print(f"Database: {database}; {args.vendors} vendors x {args.mb:g} MB plaintext")
    server_kind = (
        f"a pool of {args.threads} worker threads"
        if args.server == "pool"
        else "a new thread per request"
    )
    print(f"Server: {server_kind}; PATCH size {PATCH_BYTES // MB} MiB")
    print(f"Sealed bytes uploaded: {total / MB:.1f} MB in {seconds:.2f} s")
    print()
    print(f"  upload throughput (create + PATCH + finalize): {rate:8.1f} MB/s")
    print(f"  raw write, one fsync at the end (dd fdatasync): {raw_rate:8.1f} MB/s")
    print(
        f"  raw write, fsync every {PATCH_BYTES // MB} MiB (as the server):  {raw_chunked_rate:8.1f} MB/s"
    )
    print(f"  ratio to raw (goal >= 70 %):                    {rate / raw_rate:8.0%}")
    print(f"  ratio to raw with per-chunk fsync:              {rate / raw_chunked_rate:8.0%}")
    print(
        f"  chunk latency ({len(latencies)} PATCHes of {PATCH_BYTES // MB} MiB): "
        f"p50 {_percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {_percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"mean {statistics.fmean(latencies) * 1000 if latencies else float('nan'):.1f} ms"
    )
    print(
        f"  server RSS: {start_rss / MB:.1f} MB before, peak {peak_rss / MB:.1f} MB "
        f"(growth {(peak_rss - start_rss) / MB:.1f} MB against a {runs[0].size / MB:.1f} MB file "
        f"per vendor); ru_maxrss {ru_maxrss / MB:.1f} MB"
    )
    print(
        f"  receipts: {len(stored['rows'])} stored, {len(runs) - len(failed)} returned "
        "(+1 of the untimed warm-up upload)"
    )
    print(f"  receipts whose hash does not match the stored bytes: {mismatches} (must be 0)")
    for run in failed:
        print(f"  FAILED: {run.error or 'no receipt'}")
    if profile_text:
        print()
        print(profile_text)
    return 1 if failed or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
