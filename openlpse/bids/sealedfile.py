"""The sealed-bid file format, in Python (security-reference §1.4; architecture §5).

The browser module (`static/openlpse/js/sealing/seal.mjs`) and the Python client write the
same bytes; the server reads the header at finalize and opens files at the opening ceremony.

    file  = "LPSEBID1" || u32 len(core) || core || u32 len(wrap) || wrap || (u32 len || ct_i)*
    core  = UTF-8 JSON {v, suite, tender, envelope, bidder, committee_kid, system_kid, epk,
                        chunk, nonce_prefix}               (these exact bytes are authenticated)
    Z1,Z2 = ECDH(eph, committee_pub), ECDH(eph, system_pub)
    KEK   = HKDF-SHA256(ikm = Z1 || Z2, salt = SHA256(core), info = "lpse-bid-kek-v1")
    wrap  = iv || AES-GCM(KEK, iv, DEK, aad = core)
    aad   = SHA256(core || wrap)
    ct_i  = AES-GCM(DEK, nonce = prefix7 || u32be(i) || last?1:0, chunk_i, aad)

Opening needs both Z1 (the committee key, rebuilt from k shares) and Z2 (the system key's
half, computed by the key service after the opening time). The header is never re-serialised:
the stored bytes are what is authenticated. Reading and writing are streamed chunk by chunk, so
memory stays flat whatever the file size.

Every failure is an `OpenError` with one of the classes of security-reference §1.5, which the
unopenable-bid procedure (LT 27(2)-(3)) reports.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"LPSEBID1"
VERSION = 1
SUITE = "P256x2-HKDF-SHA256/A256GCM-STREAM"
KEK_INFO = b"lpse-bid-kek-v1"
DEFAULT_CHUNK = 1024 * 1024
MAX_CHUNK = 8 * 1024 * 1024
MAX_HEADER = 4096
TAG = 16
HEADER_FIELDS = (
    "v",
    "suite",
    "tender",
    "envelope",
    "bidder",
    "committee_kid",
    "system_kid",
    "epk",
    "chunk",
    "nonce_prefix",
)

# Error classes (security-reference §1.5 and §1.6).
E_FORMAT = "E_FORMAT"
E_KEY_MISMATCH = "E_KEY_MISMATCH"
E_UNWRAP = "E_UNWRAP"
E_CHUNK_AUTH = "E_CHUNK_AUTH"
E_TRUNCATED = "E_TRUNCATED"
E_TRAILING = "E_TRAILING"
E_SHARES = "E_SHARES"
ERROR_CLASSES = (
    E_FORMAT,
    E_KEY_MISMATCH,
    E_UNWRAP,
    E_CHUNK_AUTH,
    E_TRUNCATED,
    E_TRAILING,
    E_SHARES,
)


class OpenError(Exception):
    """A sealed file that cannot be read or opened, with its class and where it failed."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        chunk: int | None = None,
        byte_range: tuple[int, int] | None = None,
        header_parsed: bool = False,
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.chunk = chunk
        self.byte_range = byte_range
        self.header_parsed = header_parsed

    def as_dict(self) -> dict[str, Any]:
        return {
            "error_class": self.code,
            "detail": self.detail,
            "chunk": self.chunk,
            "byte_range": list(self.byte_range) if self.byte_range else None,
            "header_parsed": self.header_parsed,
        }


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --- keys ----------------------------------------------------------------------------------


def public_raw(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed SEC1 point (65 bytes): WebCrypto's `exportKey('raw', ...)`."""
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def load_public(raw: bytes) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise OpenError(E_FORMAT, f"not a P-256 public key: {exc}") from exc


def fingerprint(raw_public: bytes) -> str:
    """SHA-256 of the raw public key, hex: what the announcement publishes."""
    return hashlib.sha256(raw_public).hexdigest()


def key_id(raw_public: bytes) -> str:
    """The key id written into sealed headers: the first 32 hex digits of the fingerprint."""
    return fingerprint(raw_public)[:32]


def format_fingerprint(fp: str) -> str:
    """Groups of four, as read aloud when a fingerprint is confirmed out of band."""
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4)).upper()


def private_from_scalar(scalar: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        return ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    except ValueError as exc:
        raise OpenError(E_SHARES, "rebuilt scalar is not a valid P-256 private key") from exc


def scalar_of(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The 32-byte private scalar (JWK `d`), the secret that the committee splits."""
    return key.private_numbers().private_value.to_bytes(32, "big")


# --- header --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """A parsed sealed-file header. `core` and `wrap` are the exact stored bytes."""

    core: bytes
    wrap: bytes
    fields: dict[str, Any]
    body_offset: int  # where the first chunk's length prefix starts

    @property
    def tender(self) -> str:
        return str(self.fields["tender"])

    @property
    def envelope(self) -> str:
        return str(self.fields["envelope"])

    @property
    def bidder(self) -> str:
        return str(self.fields["bidder"])

    @property
    def committee_kid(self) -> str:
        return str(self.fields["committee_kid"])

    @property
    def system_kid(self) -> str:
        return str(self.fields["system_kid"])

    @property
    def chunk(self) -> int:
        return int(self.fields["chunk"])


def _read_exact(stream: IO[bytes], n: int, what: str, pos: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise OpenError(E_TRUNCATED, f"{what} cut short at byte {pos + len(data)}")
    return data


def read_header(stream: IO[bytes]) -> Header:
    """Read and check the framing of the header from the start of `stream` (left positioned
    at the first chunk). Raises OpenError E_FORMAT / E_TRUNCATED."""
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise OpenError(E_FORMAT, "bad magic: not an OpenLPSE sealed bid")
    pos = len(MAGIC)
    (core_len,) = struct.unpack(">I", _read_exact(stream, 4, "header length", pos))
    pos += 4
    if core_len == 0 or core_len > MAX_HEADER:
        raise OpenError(E_FORMAT, f"header length {core_len} out of range")
    core = _read_exact(stream, core_len, "header", pos)
    pos += core_len
    (wrap_len,) = struct.unpack(">I", _read_exact(stream, 4, "wrapped key length", pos))
    pos += 4
    if wrap_len != 12 + 32 + TAG:
        raise OpenError(E_FORMAT, f"wrapped key length {wrap_len}, expected 60")
    wrap = _read_exact(stream, wrap_len, "wrapped key", pos)
    pos += wrap_len
    try:
        fields = json.loads(core.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise OpenError(E_FORMAT, f"header unparsable: {exc}") from exc
    if not isinstance(fields, dict):
        raise OpenError(E_FORMAT, "header is not a JSON object")
    missing = [name for name in HEADER_FIELDS if name not in fields]
    if missing:
        raise OpenError(E_FORMAT, f"header lacks {', '.join(missing)}")
    if fields["v"] != VERSION or fields["suite"] != SUITE:
        raise OpenError(E_FORMAT, f"unknown version or suite {fields['v']}/{fields['suite']}")
    chunk = fields["chunk"]
    if not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK:
        raise OpenError(E_FORMAT, f"chunk size {chunk!r} out of range")
    try:
        if len(unb64(str(fields["nonce_prefix"]))) != 7 or len(unb64(str(fields["epk"]))) != 65:
            raise ValueError("length")
    except ValueError as exc:
        raise OpenError(E_FORMAT, "nonce prefix or ephemeral key malformed") from exc
    return Header(core=core, wrap=wrap, fields=fields, body_offset=pos)


def check_framing(stream: IO[bytes], *, size: int) -> Header:
    """The finalize check: header, then every chunk's length prefix up to exactly `size`
    bytes, without decrypting. Raises OpenError (E_FORMAT, E_TRUNCATED, E_TRAILING)."""
    header = read_header(stream)
    pos = header.body_offset
    limit = header.chunk + TAG
    count = 0
    last_short = False
    while pos < size:
        if last_short:
            raise OpenError(
                E_TRAILING, f"{size - pos} bytes after the short last chunk", chunk=count
            )
        (n,) = struct.unpack(">I", _read_exact(stream, 4, f"chunk {count} length", pos))
        if n < TAG or n > limit:
            raise OpenError(E_FORMAT, f"chunk {count} length {n} out of range", chunk=count)
        if pos + 4 + n > size:
            raise OpenError(E_TRUNCATED, f"chunk {count} cut short at byte {size}", chunk=count)
        stream.seek(n, os.SEEK_CUR)
        last_short = n < limit
        pos += 4 + n
        count += 1
    if count == 0:
        raise OpenError(E_TRUNCATED, "no chunk after the header", header_parsed=True)
    return header


# --- sealing -------------------------------------------------------------------------------


@dataclass
class SealResult:
    ciphertext_sha256: str
    plaintext_sha256: str
    size: int
    chunks: int
    header: dict[str, Any] = field(default_factory=dict)


def _kek(core: bytes, z1: bytes, z2: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, hashlib.sha256(core).digest(), KEK_INFO).derive(z1 + z2)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def _chunks(source: IO[bytes], size: int) -> Iterator[tuple[bytes, bool]]:
    """Yield (chunk, is_last); an empty source yields one empty last chunk."""
    current = source.read(size)
    while True:
        following = source.read(size) if len(current) == size else b""
        last = not following
        yield current, last
        if last:
            return
        current = following


def seal(
    source: IO[bytes],
    out: IO[bytes],
    *,
    tender: str,
    envelope: str,
    bidder: str,
    committee_pub: bytes,
    system_pub: bytes,
    chunk: int = DEFAULT_CHUNK,
    self_check: bool = True,
) -> SealResult:
    """Seal `source` into `out` (both binary streams) for one tender envelope and bidder."""
    committee = load_public(committee_pub)
    system = load_public(system_pub)
    eph = ec.generate_private_key(ec.SECP256R1())
    z1 = eph.exchange(ec.ECDH(), committee)
    z2 = eph.exchange(ec.ECDH(), system)
    prefix = os.urandom(7)
    header = {
        "v": VERSION,
        "suite": SUITE,
        "tender": tender,
        "envelope": envelope,
        "bidder": bidder,
        "committee_kid": key_id(committee_pub),
        "system_kid": key_id(system_pub),
        "epk": b64(public_raw(eph)),
        "chunk": chunk,
        "nonce_prefix": b64(prefix),
    }
    core = json.dumps(header, separators=(",", ":")).encode("utf-8")
    dek = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    wrap = iv + AESGCM(_kek(core, z1, z2)).encrypt(iv, dek, core)
    aad = hashlib.sha256(core + wrap).digest()
    file_hash = hashlib.sha256()
    plain_hash = hashlib.sha256()
    size = 0

    def emit(data: bytes) -> None:
        nonlocal size
        out.write(data)
        file_hash.update(data)
        size += len(data)

    emit(MAGIC + struct.pack(">I", len(core)) + core + struct.pack(">I", len(wrap)) + wrap)
    aead = AESGCM(dek)
    count = 0
    for index, (plain, last) in enumerate(_chunks(source, chunk)):
        nonce = _nonce(prefix, index, last)
        ct = aead.encrypt(nonce, plain, aad)
        if self_check and aead.decrypt(nonce, ct, aad) != plain:
            raise RuntimeError(f"self-check failed at chunk {index}")
        plain_hash.update(plain)
        emit(struct.pack(">I", len(ct)) + ct)
        count += 1
    return SealResult(
        ciphertext_sha256=file_hash.hexdigest(),
        plaintext_sha256=plain_hash.hexdigest(),
        size=size,
        chunks=count,
        header=header,
    )


# --- opening -------------------------------------------------------------------------------

SystemHalf = Callable[[bytes], bytes]
"""Given the ephemeral public key (raw), return Z2 = ECDH(system key, epk): the key service."""


@dataclass
class OpenResult:
    plaintext_sha256: str
    size: int
    chunks: int
    header: dict[str, Any]


def open_sealed(
    stream: IO[bytes],
    out: IO[bytes],
    *,
    committee_key: ec.EllipticCurvePrivateKey,
    system_half: SystemHalf,
    expected_kids: tuple[str, str],
) -> OpenResult:
    """Open a sealed file from `stream` into `out`. Nothing is written to `out` for a file
    whose key unwrap fails; on a chunk failure the caller must discard `out` (the chunks
    before it authenticated, but the file as a whole is not the bidder's)."""
    header = read_header(stream)
    kids = (header.committee_kid, header.system_kid)
    if kids != expected_kids:
        raise OpenError(
            E_KEY_MISMATCH,
            f"sealed to {kids[0]}/{kids[1]}, the envelope's keys are "
            f"{expected_kids[0]}/{expected_kids[1]}",
            header_parsed=True,
        )
    epk_raw = unb64(str(header.fields["epk"]))
    epk = load_public(epk_raw)
    z1 = committee_key.exchange(ec.ECDH(), epk)
    z2 = system_half(epk_raw)
    try:
        dek = AESGCM(_kek(header.core, z1, z2)).decrypt(
            header.wrap[:12], header.wrap[12:], header.core
        )
    except InvalidTag as exc:
        raise OpenError(
            E_UNWRAP, "key unwrap failed: wrong keys or header altered", header_parsed=True
        ) from exc
    aad = hashlib.sha256(header.core + header.wrap).digest()
    prefix = unb64(str(header.fields["nonce_prefix"]))
    aead = AESGCM(dek)
    plain_hash = hashlib.sha256()
    pos = header.body_offset
    index = 0
    size = 0
    final = False
    limit = header.chunk + TAG
    while True:
        length = stream.read(4)
        if not length:
            break
        if len(length) < 4:
            raise OpenError(
                E_TRUNCATED,
                f"chunk {index} length cut short at byte {pos}",
                chunk=index,
                byte_range=(pos, pos + len(length)),
                header_parsed=True,
            )
        (n,) = struct.unpack(">I", length)
        if n < TAG or n > limit:
            raise OpenError(
                E_FORMAT,
                f"chunk {index} length {n} out of range",
                chunk=index,
                byte_range=(pos, pos + 4),
                header_parsed=True,
            )
        ct = stream.read(n)
        end = pos + 4 + n
        if len(ct) != n:
            raise OpenError(
                E_TRUNCATED,
                f"chunk {index} cut short at byte {pos + 4 + len(ct)}",
                chunk=index,
                byte_range=(pos, pos + 4 + len(ct)),
                header_parsed=True,
            )
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, index, last), ct, aad)
            except InvalidTag:
                continue
            final = last
            break
        else:
            raise OpenError(
                E_CHUNK_AUTH,
                f"chunk {index} failed authentication (bytes {pos}-{end})",
                chunk=index,
                byte_range=(pos, end),
                header_parsed=True,
            )
        if final:
            # Bytes after the final chunk: refused before the final chunk is written, so a
            # refused file never leaves its whole plaintext in `out`. Counted in bounded
            # reads: trailing garbage can be any size.
            rest = 0
            while block := stream.read(DEFAULT_CHUNK):
                rest += len(block)
            if rest:
                raise OpenError(
                    E_TRAILING,
                    f"{rest} bytes after the final chunk (byte {end})",
                    chunk=index + 1,
                    byte_range=(end, end + rest),
                    header_parsed=True,
                )
        out.write(plain)
        plain_hash.update(plain)
        size += len(plain)
        pos = end
        index += 1
        if final:
            break
    if not final:
        raise OpenError(
            E_TRUNCATED, f"no final chunk after {index} chunks", chunk=index, header_parsed=True
        )
    return OpenResult(
        plaintext_sha256=plain_hash.hexdigest(), size=size, chunks=index, header=header.fields
    )


# --- small sealed messages: shares and the personal key file -------------------------------

SHARE_INFO = b"lpse-share-v1"


def seal_to_personal_key(message: bytes, *, recipient_pub: bytes, context: str) -> dict[str, str]:
    """ECDH-ES + AES-GCM of a short message (a Shamir share) to a member's personal key, as
    the chair's browser does it: {epk, iv, ct} in base64. `context` (e.g. "T-2026-0001/single/
    gen1/member 42") is the AES-GCM AAD, so a share cannot be moved to another slot."""
    eph = ec.generate_private_key(ec.SECP256R1())
    z = eph.exchange(ec.ECDH(), load_public(recipient_pub))
    key = HKDF(hashes.SHA256(), 32, None, SHARE_INFO).derive(z)
    iv = os.urandom(12)
    ct = AESGCM(key).encrypt(iv, message, context.encode("utf-8"))
    return {"epk": b64(public_raw(eph)), "iv": b64(iv), "ct": b64(ct)}


def open_from_personal_key(
    sealed: dict[str, str], *, recipient: ec.EllipticCurvePrivateKey, context: str
) -> bytes:
    epk = load_public(unb64(sealed["epk"]))
    z = recipient.exchange(ec.ECDH(), epk)
    key = HKDF(hashes.SHA256(), 32, None, SHARE_INFO).derive(z)
    try:
        return AESGCM(key).decrypt(
            unb64(sealed["iv"]), unb64(sealed["ct"]), context.encode("utf-8")
        )
    except InvalidTag as exc:
        raise OpenError(E_SHARES, "share does not open with this personal key") from exc
