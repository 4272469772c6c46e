"""Signed receipts of sealed bids (issue 5 item 4; security-reference §1.4 "Submission and
receipt").

A receipt document is

    {"format": "openlpse-receipt", "v": 1, "receipt": {...fields...},
     "key_id": "<first 16 hex of SHA-256 of the raw Ed25519 public key>",
     "signature": "<base64 Ed25519 signature over the RFC 8785 canonical JSON of receipt>"}

so anyone can check it with the public key published at /api/v1/keys (or offline with
`manage.py verify_receipt FILE --public-key PEM`). The signing key lives in
`settings.OPENLPSE_RECEIPT_KEY_FILE` (PKCS#8 PEM, made 0600 on first use).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import os
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

FORMAT = "openlpse-receipt"
VERSION = 1
ALGORITHM = "Ed25519"
# The fields a receipt carries (the brief's receipt document format).
RECEIPT_FIELDS = (
    "receipt_number",
    "tender",
    "tender_name",
    "lpse",
    "envelope",
    "vendor",
    "vendor_name",
    "file_name",
    "size",
    "ciphertext_sha256",
    "upload_id",
    "version",
    "received_at",
    "audit_seq",
    "software_version",
)

_lock = threading.Lock()
_keys: dict[str, Ed25519PrivateKey] = {}


class ReceiptKeyError(RuntimeError):
    """The receipt key file exists but cannot be used."""


@dataclass(frozen=True)
class ReceiptCheck:
    valid: bool
    reason: str
    receipt: dict[str, Any] | None
    code: str = field(default="valid")


# --- the key ------------------------------------------------------------------------------------


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # Atomic: when two processes make the key at once, the first one's key is kept.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def signing_key() -> Ed25519PrivateKey:
    path = Path(settings.OPENLPSE_RECEIPT_KEY_FILE)
    with _lock:
        key = _keys.get(str(path))
        if key is not None:
            return key
        if not path.exists():
            _create_key_file(path)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ReceiptKeyError(f"{path} does not hold an Ed25519 private key.")
        _keys[str(path)] = loaded
        return loaded


def public_raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_raw(public)).hexdigest()[:16]


def public_key_info() -> dict[str, str]:
    public = signing_key().public_key()
    return {
        "algorithm": ALGORITHM,
        "key_id": key_id_of(public),
        "public_key": base64.b64encode(public_raw(public)).decode("ascii"),
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii"),
    }


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo); a private key PEM gives its
    public half. ValueError when it is neither."""
    try:
        loaded: Any = serialization.load_pem_public_key(data)
    except ValueError:
        loaded = serialization.load_pem_private_key(data, password=None).public_key()
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 key")
    return loaded


# --- signing and verifying ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("receipt times must be aware datetimes")
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def sign_receipt(fields: dict[str, Any]) -> dict[str, Any]:
    """The whole receipt document for `fields` (every name of RECEIPT_FIELDS is required;
    datetimes become ISO 8601 UTC with milliseconds and Z, UUIDs text)."""
    missing = [name for name in RECEIPT_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"receipt fields missing: {', '.join(missing)}")
    receipt = {name: _plain(value) for name, value in fields.items()}
    key = signing_key()
    signature = key.sign(rfc8785.dumps(receipt))
    return {
        "format": FORMAT,
        "v": VERSION,
        "receipt": receipt,
        "key_id": key_id_of(key.public_key()),
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def _invalid(code: str, reason: str, receipt: dict[str, Any] | None = None) -> ReceiptCheck:
    return ReceiptCheck(valid=False, reason=reason, receipt=receipt, code=code)


def verify_document(doc: Any, *, public_key: Ed25519PublicKey | None = None) -> ReceiptCheck:
    """Check a receipt document against this portal's key, or against `public_key` (offline)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return _invalid(
            "not_a_receipt",
            _("This is not an OpenLPSE receipt: its format field is missing or different."),
        )
    if doc.get("v") != VERSION:
        return _invalid(
            "unsupported_version",
            _(
                "This receipt has a version this portal does not know. Check it with newer software."
            ),
        )
    receipt, key_id, signature = doc.get("receipt"), doc.get("key_id"), doc.get("signature")
    if (
        not isinstance(receipt, dict)
        or not isinstance(key_id, str)
        or not isinstance(signature, str)
    ):
        return _invalid(
            "malformed",
            _("This receipt is incomplete: it needs the fields receipt, key_id and signature."),
        )
    try:
        signature_bytes = base64.b64decode(signature.encode("ascii"), validate=True)
        message = rfc8785.dumps(receipt)
    except (binascii.Error, ValueError, UnicodeEncodeError, rfc8785.CanonicalizationError):
        return _invalid(
            "malformed", _("This receipt's signature or contents cannot be read."), receipt
        )
    public = public_key if public_key is not None else signing_key().public_key()
    if key_id != key_id_of(public):
        return _invalid(
            "unknown_key",
            _(
                "This receipt was signed with another key (key id %(key_id)s) than the one it is "
                "checked against (%(expected)s). Check it with the key published by the portal "
                "that issued it."
            )
            % {"key_id": key_id[:32], "expected": key_id_of(public)},
            receipt,
        )
    try:
        public.verify(signature_bytes, message)
    except InvalidSignature:
        return _invalid(
            "bad_signature",
            _(
                "The signature does not match the receipt's contents: the receipt was changed "
                "after it was signed, or it was not issued by this portal."
            ),
            receipt,
        )
    return ReceiptCheck(
        valid=True,
        reason=_("The signature is valid: this receipt was issued by the portal and is unchanged."),
        receipt=receipt,
        code="valid",
    )
