"""Benchmark: memory and throughput of a file upload through the storage service.

Starts the portal's Django app in a child process behind a real HTTP server on 127.0.0.1 (a
throw-away SQLite database and media directory, a bench-only upload endpoint that calls
`openlpse.core.storage.file_store`), uploads generated files of 50, 200 and 500 MB as real
multipart POSTs streamed from disk, samples the server process's RSS with psutil every few
milliseconds, and compares the upload throughput with a raw fsync'ed write of the same size to
the same filesystem, in the same run. Architecture §8: memory per upload constant whatever the
file size; ingest throughput at least 70 % of the raw fsync'ed write rate.

    .venv/bin/python bench/upload_memory.py [--sizes 50,200,500] [--dir DIR]

Not part of the test suite. The server stops by itself after --max-seconds, and the parent
kills it and removes every file it made when it ends.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CHUNK = MB
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


# --- server side (child process) ------------------------------------------------------------


def serve(max_seconds: float) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import resource
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.http import HttpRequest, JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    from openlpse.core import filetypes, storage

    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("BENCH_HASHING_HANDLER") == "1":
        settings.FILE_UPLOAD_HANDLERS = ["openlpse.core.storage.HashingFileUploadHandler"]
    filetypes.register_kind("bench_upload", label="benchmark files", accepted=("pdf",), max_mb=2048)

    @csrf_exempt
    def upload(request: HttpRequest) -> JsonResponse:
        stored = storage.file_store(
            upload=request.FILES["file"], kind="bench_upload", owner=None, purpose="bench"
        )
        return JsonResponse(
            {"sha256": stored.sha256, "size": stored.size, "key": stored.storage_key}
        )

    def rss(request: HttpRequest) -> JsonResponse:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return JsonResponse(
            {"ru_maxrss": peak_kb * 1024, "handlers": settings.FILE_UPLOAD_HANDLERS}
        )

    module = sys.modules[__name__]
    module.urlpatterns = [path("bench/upload", upload), path("bench/rss", rss)]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = __name__

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)
    httpd.timeout = 1
    print(json.dumps({"port": httpd.server_port}), flush=True)
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        httpd.handle_request()
    httpd.server_close()


# --- client side (parent process) -----------------------------------------------------------


def generate(path: Path, size: int) -> str:
    """A PDF-looking file of `size` bytes written in 1 MB blocks; returns its SHA-256."""
    hasher = hashlib.sha256()
    block = os.urandom(CHUNK)
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = (PDF_HEAD + block) if written == 0 else block
            chunk = chunk[: min(CHUNK, size - written)]
            out.write(chunk)
            hasher.update(chunk)
            written += len(chunk)
    return hasher.hexdigest()


def raw_fsync_write(source: Path, target: Path) -> float:
    """Seconds to copy `source` to `target` in 1 MB writes and fsync it and its directory."""
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - started


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.current = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                self.current = self.process.memory_info().rss
            except Exception:  # the server went away: stop sampling
                return
            self.peak = max(self.peak, self.current)
            time.sleep(self.interval)

    def reset(self) -> int:
        self.current = self.process.memory_info().rss
        self.peak = self.current
        return self.current


def multipart(path: Path, boundary: str) -> tuple[Iterator[bytes], int]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as source:
            while chunk := source.read(CHUNK):
                yield chunk
        yield tail

    return body(), len(head) + path.stat().st_size + len(tail)


def post_file(port: int, path: Path) -> tuple[float, dict[str, object]]:
    boundary = uuid.uuid4().hex
    body, length = multipart(path, boundary)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/bench/upload",
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        },
    )
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"upload answered {response.status}: {payload[:500]!r}")
    return elapsed, json.loads(payload)


def get_json(port: int, url: str) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", url)
    data = json.loads(connection.getresponse().read())
    connection.close()
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200,500", help="File sizes in MB, comma-separated.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per size (median shown).")
    parser.add_argument("--dir", default=None, help="Work directory (default: a new temp dir).")
    parser.add_argument("--max-seconds", type=float, default=900, help="Server lifetime bound.")
    parser.add_argument(
        "--hashing-handler",
        action="store_true",
        help="Use openlpse.core.storage.HashingFileUploadHandler whatever the settings say.",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.max_seconds)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="openlpse-bench-", dir=args.dir))
    (work / "var").mkdir()
    (work / "media").mkdir()
    (work / "raw").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "OPENLPSE_VAR_DIR": str(work / "var"),
        "OPENLPSE_MEDIA_ROOT": str(work / "media"),
        "DATABASE_URL": f"sqlite:///{work / 'var' / 'bench.sqlite3'}",
        "OPENLPSE_DEBUG": "0",
        "BENCH_HASHING_HANDLER": "1" if args.hashing_handler else "0",
    }
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--max-seconds", str(args.max_seconds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(json.loads(server.stdout.readline())["port"])
        sampler = RssSampler(server.pid)
        sampler.start()
        warm = work / "warm.pdf"
        generate(warm, MB)
        post_file(port, warm)  # imports, first queries, caches
        warm.unlink()
        start_rss = sampler.reset()
        rows = []
        for size_mb in sizes:
            source = work / f"upload-{size_mb}mb.pdf"
            digest = generate(source, size_mb * MB)
            peaks, upload_times, raw_times = [], [], []
            for _ in range(args.repeat):
                os.sync()  # no dirty pages of an earlier step are flushed inside a timed one
                raw_times.append(raw_fsync_write(source, work / "raw" / source.name))
                (work / "raw" / source.name).unlink()
                os.sync()
                sampler.reset()
                seconds, answer = post_file(port, source)
                peaks.append(sampler.peak)
                upload_times.append(seconds)
                if answer["sha256"] != digest or answer["size"] != size_mb * MB:
                    raise RuntimeError(f"stored file differs from the upload: {answer}")
                (work / "media" / str(answer["key"])).unlink()
            source.unlink()
            rows.append(
                (size_mb, max(peaks), statistics.median(upload_times), statistics.median(raw_times))
            )
        server_facts = get_json(port, "/bench/rss")
        ru_maxrss = int(server_facts["ru_maxrss"])  # type: ignore[call-overload]
        sampler.running = False
    finally:
        server.kill()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    print(f"Upload handlers: {', '.join(server_facts['handlers'])}")  # type: ignore[arg-type]
    print(f"Server RSS after warm-up: {start_rss / MB:.1f} MB (psutil, sampled every 5 ms)")
    print(f"Each size uploaded {args.repeat} times: highest peak RSS, median throughputs.")
    print()
    header = (
        f"{'file':>8} | {'peak RSS':>9} | {'RSS growth':>10} | {'upload':>10} | "
        f"{'raw fsync':>10} | {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for size_mb, peak, seconds, raw_seconds in rows:
        upload_rate = size_mb / seconds
        raw_rate = size_mb / raw_seconds
        print(
            f"{size_mb:>5} MB | {peak / MB:>6.1f} MB | {(peak - start_rss) / MB:>7.1f} MB | "
            f"{upload_rate:>5.0f} MB/s | {raw_rate:>5.0f} MB/s | {upload_rate / raw_rate:>5.0%}"
        )
    print()
    print(f"Server peak RSS over the whole run (ru_maxrss): {ru_maxrss / MB:.1f} MB")
    print(
        "RSS growth = peak during the upload minus RSS after warm-up; ratio = upload throughput "
        "(HTTP multipart to a durable, hashed, audited StoredFile) / raw fsync'ed write."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
