"""The web application's client of the key service (ADR 0010; security-reference §1.4).

The key service holds the system key of every tender envelope and derives its half of a sealed
bid's key only from the opening time on (LT 31(3), KA 4). The transport comes from
`settings.OPENLPSE_KEYSERVICE_URL`:

- `http://host:port`: the service's HTTP JSON API (production and `make run`);
- `unix:/path`: the same over a Unix socket;
- `local:DIR`: the same service code in this process, over DIR (TESTS ONLY); its clock is
  `openlpse.core.clock.now`, so tests can freeze time.

The bearer token is read from `settings.OPENLPSE_KEYSERVICE_TOKEN_FILE`.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openlpse.core import clock
from openlpse.core.errors import DomainError

TIMEOUT_SECONDS = 30
BATCH = 1000  # ephemeral keys per request (the service accepts up to 20,000)


@dataclass(frozen=True)
class SystemKey:
    kid: str
    public_key: str  # base64 of the 65-byte raw point
    fingerprint: str


class KeyServiceError(DomainError):
    code = "key_service_unavailable"
    http_status = 503
    default_message = _(
        "The key service could not be reached or refused the request. Try again in a few "
        "minutes; if it keeps failing, contact the LPSE's help desk."
    )


class TooEarly(KeyServiceError):
    code = "system_key_too_early"
    http_status = 403
    default_message = _(
        "The system key of this envelope can be used only from the opening time on. Try again "
        "after the opening time."
    )

    def __init__(self, *, opening_at: dt.datetime | None) -> None:
        self.opening_at = opening_at
        if opening_at is None:
            super().__init__()
            return
        message = _(
            "The system key of this envelope can be used only from the opening time, "
            "%(opening_at)s UTC. Try again after that time."
        ) % {"opening_at": opening_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")}
        super().__init__(message, opening_at=opening_at)


class OpeningTimeRefused(KeyServiceError):
    code = "system_key_opening_refused"
    http_status = 409
    default_message = _(
        "The opening time of the system key can be moved earlier only to a time still in the "
        "future. Choose a later time and try again."
    )


# --- transports ---------------------------------------------------------------------------------


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


_local_services: dict[str, Any] = {}
_local_lock = threading.Lock()


def _local_service(directory: str) -> Any:
    from openlpse.keyservice import core

    with _local_lock:
        service = _local_services.get(directory)
        if service is None:
            service = core.open_service(Path(directory), now=clock.now)
            _local_services[directory] = service
        return service


def _token() -> str:
    path = Path(settings.OPENLPSE_KEYSERVICE_TOKEN_FILE)
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise KeyServiceError() from exc


def _call(
    method: str, path: str, payload: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    url = str(settings.OPENLPSE_KEYSERVICE_URL)
    body = json.dumps(payload).encode("utf-8") if payload is not None else b""
    if url.startswith("local:"):
        from openlpse.keyservice import core

        return core.handle(
            _local_service(url.removeprefix("local:")), method, path, body, client="local"
        )
    connection: http.client.HTTPConnection
    if url.startswith("unix:"):
        connection = _UnixConnection(url.removeprefix("unix:"), TIMEOUT_SECONDS)
    else:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise KeyServiceError()
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port or 80, timeout=TIMEOUT_SECONDS
        )
    headers = {"Authorization": f"Bearer {_token()}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        raise KeyServiceError() from exc
    finally:
        connection.close()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyServiceError() from exc
    if not isinstance(data, dict):
        raise KeyServiceError()
    return status, data


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _checked(status: int, data: dict[str, Any], *ok: int) -> dict[str, Any]:
    if status in ok:
        return data
    code = data.get("code")
    if status == 403 and code == "too_early":
        raise TooEarly(opening_at=_parse_time(data.get("opening_at")))
    if status == 409 and code == "opening_refused":
        raise OpeningTimeRefused()
    raise KeyServiceError()


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("the key service needs an aware datetime")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


# --- the API used by the bids services ------------------------------------------------------------


def create_system_key(*, tender_ref: str, envelope: str, opening_at: dt.datetime) -> SystemKey:
    """A new system key for one tender envelope, usable from `opening_at` on."""
    data = _checked(
        *_call(
            "POST",
            "/keys",
            {"tender_ref": tender_ref, "envelope": envelope, "opening_at": _iso(opening_at)},
        ),
        201,
    )
    return SystemKey(
        kid=str(data["kid"]),
        public_key=str(data["public_key"]),
        fingerprint=str(data["fingerprint"]),
    )


def set_opening_time(*, kid: str, opening_at: dt.datetime) -> None:
    """Move the opening time (a schedule change): later freely, earlier only into the future."""
    _checked(*_call("POST", f"/keys/{kid}/opening", {"opening_at": _iso(opening_at)}), 200)


def describe(*, kid: str) -> dict[str, Any]:
    """The service's public record of a key: kid, public key, fingerprint, opening time."""
    return _checked(*_call("GET", f"/keys/{kid}"), 200)


def system_halves(*, kid: str, epks: list[bytes]) -> list[bytes]:
    """Z2 = ECDH(S, epk) for each 65-byte ephemeral key; raises TooEarly before the opening."""
    result: list[bytes] = []
    for start in range(0, len(epks), BATCH):
        batch = epks[start : start + BATCH]
        payload = {"epks": [base64.b64encode(e).decode("ascii") for e in batch]}
        data = _checked(*_call("POST", f"/keys/{kid}/halves", payload), 200)
        halves = data.get("halves")
        if not isinstance(halves, list) or len(halves) != len(batch):
            raise KeyServiceError()
        result.extend(base64.b64decode(h) for h in halves)
    return result


def authenticated() -> bool:
    """Whether the service answers and accepts our token (a wrong token answers 401; an
    unknown key id with the right token answers 404). Raises KeyServiceError when it does
    not answer at all."""
    status, _data = _call("GET", "/keys/" + "0" * 32)
    return status != 401


def health() -> dict[str, Any]:
    return _checked(*_call("GET", "/health"), 200)
