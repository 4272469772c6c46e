"""The key service's logic, shared by the HTTP server and the in-process (`local:`) transport.

Keys are ECDH P-256. The private scalar is generated here, sealed at once with AES-256-GCM
under the master key (AAD = kid) and never leaves the process: the only operations are
"give me the public key" and "give me ECDH(S, epk) for these epks", the latter only from the
opening time on, by this process's clock (`now`, injectable so tests can move time).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from openlpse.keyservice import VERSION
from openlpse.keyservice.store import KeyRow, Store, load_master_key, load_token, open_store

Now = Callable[[], dt.datetime]

MAX_EPKS = 20_000  # one call opens at most this many sealed files
MAX_REF = 100
ENVELOPE_RE = re.compile(r"^[a-z0-9_]{1,20}$")
KID_RE = re.compile(r"^[0-9a-f]{32}$")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_raw(key: ec.EllipticCurvePrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def fingerprint(raw_public: bytes) -> str:
    """SHA-256 hex of the 65-byte raw point (the same as openlpse.bids.sealedfile)."""
    return hashlib.sha256(raw_public).hexdigest()


def key_id(raw_public: bytes) -> str:
    return fingerprint(raw_public)[:32]


def format_time(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds, so stored values compare exactly."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(value: Any, field: str = "opening_at") -> dt.datetime:
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be an ISO 8601 date and time with a time zone.")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{field} must be an ISO 8601 date and time with a time zone.") from exc
    if parsed.tzinfo is None:
        raise BadRequest(f"{field} must carry a time zone (for example +00:00).")
    return parsed.astimezone(dt.UTC)


# --- errors (answered as {"code", "message", ...} with the status) ------------------------------


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    logged = False

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class BadRequest(ServiceError):
    pass


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class UnknownKey(ServiceError):
    status = 404
    code = "unknown_key"


class NotFoundPath(ServiceError):
    status = 404
    code = "not_found"


class TooEarly(ServiceError):
    status = 403
    code = "too_early"


class OpeningRefused(ServiceError):
    status = 409
    code = "opening_refused"


# --- the service ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKeyInfo:
    kid: str
    tender_ref: str
    envelope: str
    public_key: str
    fingerprint: str
    opening_at: str
    created_at: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def _info(row: KeyRow) -> PublicKeyInfo:
    raw = unb64(row.public_key)
    return PublicKeyInfo(
        kid=row.kid,
        tender_ref=row.tender_ref,
        envelope=row.envelope,
        public_key=row.public_key,
        fingerprint=fingerprint(raw),
        opening_at=row.opening_at,
        created_at=row.created_at,
    )


class KeyService:
    """Create system keys, move their opening time, derive halves behind the time gate."""

    def __init__(self, store: Store, *, master_key: bytes, now: Now = utc_now) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._store = store
        self._aead = AESGCM(master_key)
        self._now = now
        self._lock = threading.Lock()  # serialises the read-check-write of set_opening

    @property
    def store(self) -> Store:
        return self._store

    # Every public operation logs exactly one call, allowed or refused.
    def _log(
        self, action: str, kid: str, outcome: str, detail: dict[str, Any], client: str
    ) -> None:
        self._store.log_call(
            at=format_time(self._now()),
            action=action,
            kid=kid,
            outcome=outcome,
            detail=json.dumps(detail, sort_keys=True),
            client=client,
        )

    def log_refusal(
        self, action: str, error: ServiceError, *, kid: str = "", client: str = ""
    ) -> None:
        if error.logged:
            return
        self._log(action, kid, error.code, {"message": error.message}, client)
        error.logged = True

    def _seal(self, kid: str, scalar: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, scalar, kid.encode("ascii"))

    def _private(self, row: KeyRow) -> ec.EllipticCurvePrivateKey:
        sealed = row.sealed_private
        scalar = self._aead.decrypt(sealed[:12], sealed[12:], row.kid.encode("ascii"))
        return ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())

    def _row(self, kid: str) -> KeyRow:
        row = self._store.get_key(kid) if KID_RE.match(kid or "") else None
        if row is None:
            raise UnknownKey(f"There is no system key {kid!r}.")
        return row

    def create_key(
        self, *, tender_ref: str, envelope: str, opening_at: dt.datetime, client: str = ""
    ) -> PublicKeyInfo:
        try:
            if not isinstance(tender_ref, str) or not 0 < len(tender_ref) <= MAX_REF:
                raise BadRequest(f"tender_ref must be a text of 1 to {MAX_REF} characters.")
            if not isinstance(envelope, str) or not ENVELOPE_RE.match(envelope):
                raise BadRequest("envelope must be a short lower-case name such as file_1.")
        except ServiceError as exc:
            self.log_refusal("create", exc, client=client)
            raise
        private = ec.generate_private_key(ec.SECP256R1())
        raw = public_raw(private)
        kid = key_id(raw)
        scalar = bytearray(private.private_numbers().private_value.to_bytes(32, "big"))
        try:
            sealed = self._seal(kid, bytes(scalar))
        finally:
            scalar[:] = bytes(32)
        row = KeyRow(
            kid=kid,
            tender_ref=tender_ref,
            envelope=envelope,
            opening_at=format_time(opening_at),
            public_key=b64(raw),
            sealed_private=sealed,
            created_at=format_time(self._now()),
        )
        self._store.insert_key(row)
        self._log(
            "create",
            kid,
            "ok",
            {"tender_ref": tender_ref, "envelope": envelope, "opening_at": row.opening_at},
            client,
        )
        return _info(row)

    def describe(self, kid: str, *, client: str = "") -> PublicKeyInfo:
        try:
            row = self._row(kid)
        except ServiceError as exc:
            self.log_refusal("describe", exc, kid=kid, client=client)
            raise
        self._log("describe", kid, "ok", {}, client)
        return _info(row)

    def set_opening(self, kid: str, opening_at: dt.datetime, *, client: str = "") -> PublicKeyInfo:
        """Move the opening time: later freely, earlier only to a time still in the future (a
        past time would open the gate at once, which only the real passing of time may do)."""
        new = format_time(opening_at)
        with self._lock:
            try:
                row = self._row(kid)
                current = parse_time(row.opening_at)
                now = self._now()
                if opening_at < current and opening_at <= now:
                    raise OpeningRefused(
                        "The opening time can be moved earlier only to a time still in the future.",
                        opening_at=row.opening_at,
                    )
            except ServiceError as exc:
                self.log_refusal("set_opening", exc, kid=kid, client=client)
                raise
            self._store.update_opening(kid, new)
            self._log("set_opening", kid, "ok", {"from": row.opening_at, "to": new}, client)
            row = self._row(kid)
        return _info(row)

    def halves(self, kid: str, epks: list[bytes], *, client: str = "") -> list[bytes]:
        """ECDH(S, epk) for each ephemeral public key: only at or after the opening time."""
        try:
            row = self._row(kid)
            opening_at = parse_time(row.opening_at)
            now = self._now()
            if now < opening_at:  # LT 31(3): nothing opens before the opening time
                raise TooEarly(
                    "The system key can be used only from the opening time on.",
                    opening_at=row.opening_at,
                )
            if not 0 < len(epks) <= MAX_EPKS:
                raise BadRequest(f"Send between 1 and {MAX_EPKS} ephemeral public keys.")
            points = []
            for index, raw in enumerate(epks):
                try:
                    points.append(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw))
                except (ValueError, TypeError) as exc:
                    raise BadRequest(
                        f"Ephemeral key {index} is not a valid P-256 point.", index=index
                    ) from exc
        except ServiceError as exc:
            self.log_refusal("halves", exc, kid=kid, client=client)
            raise
        private = self._private(row)
        result = [private.exchange(ec.ECDH(), point) for point in points]
        del private
        self._log(
            "halves",
            kid,
            "ok",
            {
                "count": len(epks),
                "epk_sha256": [hashlib.sha256(e).hexdigest()[:16] for e in epks[:50]],
            },
            client,
        )
        return result

    def health(self, *, client: str = "") -> dict[str, Any]:
        self._log("health", "", "ok", {}, client)
        return {
            "status": "ok",
            "service": "openlpse-keyservice",
            "version": VERSION,
            "time": format_time(self._now()),
        }


# --- the JSON interface (HTTP server and local transport use the same code) ----------------------

_KEY_PATH = re.compile(r"^/keys/([^/]+)$")
_OPENING_PATH = re.compile(r"^/keys/([^/]+)/opening$")
_HALVES_PATH = re.compile(r"^/keys/([^/]+)/halves$")


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("The request body must be a JSON object.") from exc
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def handle(
    service: KeyService, method: str, path: str, body: bytes, *, client: str = ""
) -> tuple[int, dict[str, Any]]:
    """Answer one authorised request: (status, JSON object). Refusals are logged by the
    service; malformed requests are logged here."""
    action = f"{method} {path}"[:80]
    try:
        if method == "GET" and path == "/health":
            return 200, service.health(client=client)
        if method == "POST" and path == "/keys":
            data = _json_body(body)
            info = service.create_key(
                tender_ref=data.get("tender_ref"),  # type: ignore[arg-type]
                envelope=data.get("envelope"),  # type: ignore[arg-type]
                opening_at=parse_time(data.get("opening_at")),
                client=client,
            )
            return 201, info.as_dict()
        if method == "GET" and (match := _KEY_PATH.match(path)):
            return 200, service.describe(match.group(1), client=client).as_dict()
        if method == "POST" and (match := _OPENING_PATH.match(path)):
            data = _json_body(body)
            info = service.set_opening(
                match.group(1), parse_time(data.get("opening_at")), client=client
            )
            return 200, info.as_dict()
        if method == "POST" and (match := _HALVES_PATH.match(path)):
            data = _json_body(body)
            epks = data.get("epks")
            if not isinstance(epks, list) or not all(isinstance(e, str) for e in epks):
                raise BadRequest("epks must be a list of base64 texts.")
            try:
                raw = [unb64(e) for e in epks]
            except (binascii.Error, ValueError) as exc:
                raise BadRequest("epks must be a list of base64 texts.") from exc
            halves = service.halves(match.group(1), raw, client=client)
            return 200, {"kid": match.group(1), "halves": [b64(h) for h in halves]}
        raise NotFoundPath(f"There is no {method} {path}.")
    except ServiceError as exc:
        service.log_refusal(action, exc, client=client)  # no-op when the service logged it
        return exc.status, exc.as_dict()


def open_service(data_dir: Path, *, database: str | None = None, now: Now = utc_now) -> KeyService:
    """The service over DIR: master key and token made on first start, store opened."""
    master = load_master_key(data_dir)
    load_token(data_dir)
    return KeyService(open_store(data_dir, database), master_key=master, now=now)
