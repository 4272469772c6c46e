"""The personal key file (issue 5 brief, "Personal key file format").

A Pokja member's personal ECDH P-256 key pair is made in the browser; the private key is kept
by the member only, in a passphrase-protected JSON file `openlpse-kunci-<username>.json`:

    {"format": "openlpse-personal-key", "v": 1, "user": "<username>", "lpse": "<lpse slug>",
     "public_key": "<b64 raw 65 bytes>", "fingerprint": "<sha256 hex of raw>",
     "created": "<ISO UTC>",
     "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": 600000, "salt": "<b64 16>"},
     "cipher": {"name": "AES-GCM", "iv": "<b64 12 bytes>"},
     "private_key": "<b64 AES-256-GCM(PBKDF2(passphrase), iv, PKCS#8 DER, aad=fingerprint)>"}

The AES key is 256 bits (WebCrypto `deriveKey(..., {name: "AES-GCM", length: 256})`); the
passphrase is UTF-8. This module is the Python side (tests, the demo, the Python client); the
browser module writes and reads the same file. The server never receives the file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from openlpse.bids.sealedfile import b64, fingerprint, public_raw, unb64

FORMAT = "openlpse-personal-key"
VERSION = 1
ITERATIONS = 600_000


class KeyFileError(Exception):
    """Not a personal key file, or the passphrase is wrong."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def file_name(username: str) -> str:
    return f"openlpse-kunci-{username}.json"


def _derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def _name(value: Any, attr: str) -> str:
    return str(getattr(value, attr, value))


def make_key_file(
    *,
    user: Any,
    lpse: Any,
    passphrase: str,
    iterations: int = ITERATIONS,
    private_key: ec.EllipticCurvePrivateKey | None = None,
) -> tuple[dict[str, Any], ec.EllipticCurvePrivateKey]:
    """A new key pair (or `private_key`) and its key file. `user` is a username or a User,
    `lpse` a slug or an Lpse."""
    key = private_key or ec.generate_private_key(ec.SECP256R1())
    raw = public_raw(key)
    fp = fingerprint(raw)
    salt, iv = os.urandom(16), os.urandom(12)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed = AESGCM(_derive(passphrase, salt, iterations)).encrypt(iv, der, fp.encode("utf-8"))
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    data = {
        "format": FORMAT,
        "v": VERSION,
        "user": _name(user, "username"),
        "lpse": _name(lpse, "slug"),
        "public_key": b64(raw),
        "fingerprint": fp,
        "created": created,
        "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": iterations, "salt": b64(salt)},
        "cipher": {"name": "AES-GCM", "iv": b64(iv)},
        "private_key": b64(sealed),
    }
    return data, key


def dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, sort_keys=False).encode("utf-8")


def read_key_file(
    data: dict[str, Any] | bytes | str, passphrase: str
) -> ec.EllipticCurvePrivateKey:
    """The private key of a key file. Raises `KeyFileError` with code `not_a_key_file` or
    `wrong_passphrase` (also when the file was altered: AES-GCM cannot tell them apart)."""
    if isinstance(data, (bytes, str)):
        try:
            data = json.loads(data)
        except ValueError:
            raise KeyFileError("not_a_key_file", "The file is not JSON.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("v") != VERSION:
        raise KeyFileError("not_a_key_file", "The file is not an OpenLPSE personal key file.")
    try:
        kdf, cipher = data["kdf"], data["cipher"]
        if kdf.get("name") != "PBKDF2" or kdf.get("hash") != "SHA-256":
            raise KeyFileError("not_a_key_file", "Unknown key derivation.")
        if cipher.get("name") != "AES-GCM":
            raise KeyFileError("not_a_key_file", "Unknown cipher.")
        iterations = int(kdf["iterations"])
        salt, iv = unb64(kdf["salt"]), unb64(cipher["iv"])
        sealed = unb64(data["private_key"])
        fp = str(data["fingerprint"])
        raw = unb64(data["public_key"])
    except KeyFileError:
        raise
    except (KeyError, TypeError, ValueError):
        raise KeyFileError("not_a_key_file", "The key file is incomplete.") from None
    if iterations < 1000 or len(iv) != 12:
        raise KeyFileError("not_a_key_file", "The key file's parameters are not valid.")
    try:
        der = AESGCM(_derive(passphrase, salt, iterations)).decrypt(iv, sealed, fp.encode("utf-8"))
    except InvalidTag:
        raise KeyFileError("wrong_passphrase", "The passphrase is wrong.") from None
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyFileError("not_a_key_file", "The key is not a P-256 key.")
    if public_raw(key) != raw or fingerprint(raw) != fp:
        raise KeyFileError("not_a_key_file", "The key does not match the file's public key.")
    return key
