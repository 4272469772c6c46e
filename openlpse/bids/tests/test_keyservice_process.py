"""The key service over HTTP: the real server in a thread (token required, Unix socket) and
the real process `python -m openlpse.keyservice` started with a temporary directory."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from django.utils import timezone

from openlpse.bids import keyclient, sealedfile
from openlpse.keyservice import core, server
from openlpse.keyservice.store import TOKEN_FILE, load_token


@pytest.fixture
def running(tmp_path):
    """The real HTTP server on a free port, in a thread; its clock is the real one."""
    directory = tmp_path / "ks"
    service = core.open_service(directory)
    httpd = server.make_server(service, load_token(directory), "127.0.0.1:0")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield directory, service, httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()
    service.store.close()


def _request(httpd, method, path, payload=None, token=None):
    host, port = httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(payload).encode() if payload is not None else None
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    return response.status, data


def _epk() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    eph = ec.generate_private_key(ec.SECP256R1())
    return eph, sealedfile.public_raw(eph)


def test_every_call_but_health_needs_the_token_and_refusals_are_logged(running):
    directory, service, httpd = running
    token = (directory / TOKEN_FILE).read_text().strip()
    create = {"tender_ref": "T", "envelope": "single", "opening_at": "2000-01-01T00:00:00+00:00"}

    assert _request(httpd, "GET", "/health")[0] == 200
    for given in (None, "wrong", token + "x", token[:-1]):
        status, answer = _request(httpd, "POST", "/keys", create, token=given)
        assert (status, answer["code"]) == (401, "unauthorized")
    status, created = _request(httpd, "POST", "/keys", create, token=token)
    assert status == 201
    epk = base64.b64encode(_epk()[1]).decode()
    assert _request(httpd, "POST", f"/keys/{created['kid']}/halves", {"epks": [epk]})[0] == 401
    assert _request(httpd, "GET", f"/keys/{created['kid']}", token="nope")[0] == 401

    outcomes = [(c["action"], c["outcome"]) for c in service.store.calls()]
    assert outcomes.count(("POST /keys", "unauthorized")) == 4
    assert (f"POST /keys/{created['kid']}/halves", "unauthorized") in outcomes
    assert ("create", "ok") in outcomes
    assert not [c for c in service.store.calls(created["kid"]) if c["action"] == "halves"]


def test_the_web_app_client_works_over_http(running, settings):
    directory, _, httpd = running
    host, port = httpd.server_address[:2]
    settings.OPENLPSE_KEYSERVICE_URL = f"http://{host}:{port}"
    settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = directory / TOKEN_FILE

    past = timezone.now() - dt.timedelta(minutes=1)
    future = timezone.now() + dt.timedelta(days=1)
    open_key = keyclient.create_system_key(tender_ref="T", envelope="file_1", opening_at=past)
    shut_key = keyclient.create_system_key(tender_ref="T", envelope="file_2", opening_at=future)
    eph, epk = _epk()

    half = keyclient.system_halves(kid=open_key.kid, epks=[epk])
    assert half == [
        eph.exchange(ec.ECDH(), sealedfile.load_public(base64.b64decode(open_key.public_key)))
    ]
    with pytest.raises(keyclient.TooEarly) as refused:
        keyclient.system_halves(kid=shut_key.kid, epks=[epk])
    assert refused.value.opening_at == future.astimezone(dt.UTC)
    assert keyclient.health()["status"] == "ok"


def test_a_wrong_token_file_gives_the_unavailable_error(running, settings, tmp_path):
    _, _, httpd = running
    host, port = httpd.server_address[:2]
    settings.OPENLPSE_KEYSERVICE_URL = f"http://{host}:{port}"
    wrong = tmp_path / "wrong-token"
    wrong.write_text("x" * 43)
    settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = wrong
    with pytest.raises(keyclient.KeyServiceError) as refused:
        keyclient.create_system_key(tender_ref="T", envelope="single", opening_at=timezone.now())
    assert refused.value.code == "key_service_unavailable"


def test_an_unreachable_service_gives_the_unavailable_error(settings, tmp_path):
    settings.OPENLPSE_KEYSERVICE_URL = "http://127.0.0.1:1"
    token = tmp_path / "token"
    token.write_text("t" * 43)
    settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = token
    with pytest.raises(keyclient.KeyServiceError):
        keyclient.health()


def test_the_client_works_over_a_unix_socket(tmp_path, settings):
    directory = tmp_path / "ks"
    service = core.open_service(directory)
    socket_path = tmp_path / "ks.sock"
    httpd = server.make_server(service, load_token(directory), f"unix:{socket_path}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        settings.OPENLPSE_KEYSERVICE_URL = f"unix:{socket_path}"
        settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = directory / TOKEN_FILE
        key = keyclient.create_system_key(
            tender_ref="T", envelope="single", opening_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert len(keyclient.system_halves(kid=key.kid, epks=[_epk()[1]])) == 1
        assert [c["client"] for c in service.store.calls(key.kid)] == ["unix", "unix"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        service.store.close()


def test_the_real_process_gives_a_half_after_the_opening_and_refuses_before(tmp_path, settings):
    directory = tmp_path / "ks"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openlpse.keyservice",
            "--data",
            str(directory),
            "--listen",
            "127.0.0.1:0",
        ],
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(django_settings.BASE_DIR)},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("OpenLPSE key service listening on http://127.0.0.1:"), (
            line + process.stderr.read()
        )
        settings.OPENLPSE_KEYSERVICE_URL = line.split(" on ", 1)[1].split(" ", 1)[0]
        settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = directory / TOKEN_FILE

        past = keyclient.create_system_key(
            tender_ref="T-P", envelope="single", opening_at=timezone.now() - dt.timedelta(seconds=5)
        )
        future = keyclient.create_system_key(
            tender_ref="T-P", envelope="file_2", opening_at=timezone.now() + dt.timedelta(days=7)
        )
        eph, epk = _epk()
        halves = keyclient.system_halves(kid=past.kid, epks=[epk])
        assert halves == [
            eph.exchange(ec.ECDH(), sealedfile.load_public(base64.b64decode(past.public_key)))
        ]
        with pytest.raises(keyclient.TooEarly):
            keyclient.system_halves(kid=future.kid, epks=[epk])
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0
    assert "stopped" in process.stdout.read()
    assert {p.name for p in Path(directory).iterdir()} >= {
        "master.key",
        "token",
        "keyservice.sqlite3",
    }


def test_help_documents_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "openlpse.keyservice", "--help"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for option in ("--data", "--listen", "--database", "unix:/path", "too_early"):
        assert option in result.stdout


def test_the_key_service_imports_nothing_of_django_or_the_web_app():
    code = (
        "import sys, openlpse.keyservice.__main__, openlpse.keyservice.server; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django' "
        "or (m.startswith('openlpse.') and not m.startswith('openlpse.keyservice'))); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
