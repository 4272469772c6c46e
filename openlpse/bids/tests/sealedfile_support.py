"""Shared set-up of the sealed-file format tests (security-reference §1.5 and §1.7): key pairs,
a sealer, an opener that reports (plaintext, error) and the byte layout of a sealed file."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import pyshamir
from cryptography.hazmat.primitives.asymmetric import ec

from openlpse.bids import sealedfile as sf
from openlpse.bids.sealedfile import OpenError


@dataclass
class Keys:
    committee: ec.EllipticCurvePrivateKey
    system: ec.EllipticCurvePrivateKey

    @property
    def committee_pub(self) -> bytes:
        return sf.public_raw(self.committee)

    @property
    def system_pub(self) -> bytes:
        return sf.public_raw(self.system)

    @property
    def kids(self) -> tuple[str, str]:
        return sf.key_id(self.committee_pub), sf.key_id(self.system_pub)

    def system_half(self, epk_raw: bytes) -> bytes:
        return self.system.exchange(ec.ECDH(), sf.load_public(epk_raw))


def new_keys() -> Keys:
    return Keys(ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1()))


def seal_bytes(
    plain: bytes,
    keys: Keys,
    *,
    chunk: int = 64 * 1024,
    tender: str = "T0000001",
    envelope: str = "file_2",
    bidder: str = "17",
) -> bytes:
    out = io.BytesIO()
    sf.seal(
        io.BytesIO(plain),
        out,
        tender=tender,
        envelope=envelope,
        bidder=bidder,
        committee_pub=keys.committee_pub,
        system_pub=keys.system_pub,
        chunk=chunk,
    )
    return out.getvalue()


@dataclass
class Outcome:
    """What `open_sealed` gave: the plaintext on success, else the error and whatever it had
    written to `out` before failing."""

    plain: bytes | None
    error: OpenError | None
    written: bytes

    @property
    def code(self) -> str | None:
        return self.error.code if self.error else None


def open_bytes(
    data: bytes,
    keys: Keys,
    *,
    committee: ec.EllipticCurvePrivateKey | None = None,
    expected_kids: tuple[str, str] | None = None,
) -> Outcome:
    out = io.BytesIO()
    try:
        sf.open_sealed(
            io.BytesIO(data),
            out,
            committee_key=committee or keys.committee,
            system_half=keys.system_half,
            expected_kids=expected_kids or keys.kids,
        )
    except OpenError as exc:
        return Outcome(None, exc, out.getvalue())
    return Outcome(out.getvalue(), None, out.getvalue())


def framing_code(data: bytes) -> str | None:
    try:
        sf.check_framing(io.BytesIO(data), size=len(data))
    except OpenError as exc:
        return exc.code
    return None


@dataclass(frozen=True)
class Layout:
    """Byte offsets inside a sealed file."""

    core_start: int
    core_end: int
    wrap_start: int
    wrap_end: int
    chunks: tuple[tuple[int, int], ...]  # (start of the length prefix, end of the ciphertext)


def layout(data: bytes) -> Layout:
    header = sf.read_header(io.BytesIO(data))
    core_start = len(sf.MAGIC) + 4
    core_end = core_start + len(header.core)
    wrap_start = core_end + 4
    wrap_end = wrap_start + len(header.wrap)
    assert wrap_end == header.body_offset
    chunks = []
    pos = header.body_offset
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append((pos, pos + 4 + n))
        pos += 4 + n
    return Layout(core_start, core_end, wrap_start, wrap_end, tuple(chunks))


def split_committee_key(keys: Keys, *, parts: int, threshold: int) -> list[bytes]:
    return [bytes(s) for s in pyshamir.split(sf.scalar_of(keys.committee), parts, threshold)]


def rebuild_committee_key(
    shares: list[bytes], *, committee_pub: bytes
) -> ec.EllipticCurvePrivateKey:
    """Combine shares and check the result against the published committee public key, as
    the opening ceremony must (the Shamir library does not verify; security-reference §1.3)."""
    scalar = bytes(pyshamir.combine([bytearray(s) for s in shares]))
    key = sf.private_from_scalar(scalar)  # E_SHARES when the scalar is not a valid key
    if sf.public_raw(key) != committee_pub:
        raise OpenError(sf.E_SHARES, "reconstructed key does not match published tender public key")
    return key
