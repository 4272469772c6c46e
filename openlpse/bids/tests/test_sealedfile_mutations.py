"""Random and exhaustive mutations of a sealed file (security-reference §1.7 item 2): any
single-byte change anywhere is an OpenError, never a different plaintext; chunk reordering and
splicing between files too; and opening a large file streams (memory flat)."""

from __future__ import annotations

import io
import os
import tempfile
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openlpse.bids import sealedfile as sf
from openlpse.bids.tests.sealedfile_support import (
    Keys,
    framing_code,
    layout,
    new_keys,
    open_bytes,
    seal_bytes,
)

CHUNK = 256
KEYS = new_keys()
PLAIN = b"OPENLPSE-DEMO-PLAINTEXT " + os.urandom(CHUNK * 3 + 40)  # 4 chunks, the last short
SEALED = seal_bytes(PLAIN, KEYS, chunk=CHUNK)
LAYOUT = layout(SEALED)


def _region(position: int) -> str:
    if position < len(sf.MAGIC):
        return "magic"
    if position >= LAYOUT.wrap_end:
        start = max(s for s, _ in LAYOUT.chunks if s <= position)
        return "chunk length" if position < start + 4 else "chunk data"
    if LAYOUT.wrap_start <= position:
        return "wrap"
    return "header"


def _assert_refused_no_plaintext(
    data: bytes, *, header_intact: bool = True, lengths_intact: bool = True
) -> str:
    outcome = open_bytes(data, KEYS)
    assert outcome.error is not None, "a mutated file opened"
    assert outcome.plain is None
    assert PLAIN not in outcome.written
    assert outcome.code in sf.ERROR_CLASSES
    framing = framing_code(data)
    # The finalize check reads the header unauthenticated (e.g. its chunk size), so it agrees
    # with the opener whenever the header is the sealer's. A changed chunk length moves the
    # boundaries: the opener then fails that chunk's authentication first.
    if framing is not None and header_intact:
        allowed = {framing} if lengths_intact else {framing, sf.E_CHUNK_AUTH}
        assert outcome.code in allowed, (outcome.code, framing)
    return outcome.code


EXPECTED_BY_REGION = {
    "magic": {sf.E_FORMAT},
    "wrap": {sf.E_UNWRAP},
    "chunk data": {sf.E_CHUNK_AUTH},
    "chunk length": {sf.E_FORMAT, sf.E_TRUNCATED, sf.E_CHUNK_AUTH},
    # A header byte: the JSON breaks (format), a key id changes (key mismatch), a length
    # changes (format / truncated) or an authenticated value changes (unwrap).
    "header": {sf.E_FORMAT, sf.E_KEY_MISMATCH, sf.E_UNWRAP, sf.E_TRUNCATED},
}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(0, len(SEALED) - 1), delta=st.integers(1, 255))
def test_any_single_byte_change_is_an_open_error(position: int, delta: int) -> None:
    data = bytearray(SEALED)
    data[position] ^= delta
    region = _region(position)
    code = _assert_refused_no_plaintext(
        bytes(data), header_intact=region != "header", lengths_intact=region != "chunk length"
    )
    assert code in EXPECTED_BY_REGION[region]


@pytest.mark.parametrize("delta", [0x01, 0x80, 0xFF])
def test_every_byte_position_exhaustively(delta: int) -> None:
    seen: set[tuple[str, str]] = set()
    for position in range(len(SEALED)):
        data = bytearray(SEALED)
        data[position] ^= delta
        region = _region(position)
        code = _assert_refused_no_plaintext(
            bytes(data), header_intact=region != "header", lengths_intact=region != "chunk length"
        )
        assert code in EXPECTED_BY_REGION[region], (position, region, code)
        seen.add((region, code))
    assert ("chunk data", sf.E_CHUNK_AUTH) in seen
    assert ("wrap", sf.E_UNWRAP) in seen


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(0, len(SEALED) - 1))
def test_any_truncation_is_an_open_error(cut: int) -> None:
    code = _assert_refused_no_plaintext(SEALED[:cut])
    assert code in {sf.E_FORMAT, sf.E_TRUNCATED}


@settings(max_examples=100, deadline=None)
@given(extra=st.binary(min_size=1, max_size=600))
def test_any_trailing_bytes_are_trailing(extra: bytes) -> None:
    outcome = open_bytes(SEALED + extra, KEYS)
    assert outcome.code == sf.E_TRAILING
    assert PLAIN not in outcome.written
    assert framing_code(SEALED + extra) in (None, sf.E_TRAILING, sf.E_FORMAT, sf.E_TRUNCATED)


@settings(max_examples=100, deadline=None)
@given(order=st.permutations(range(len(LAYOUT.chunks))))
def test_any_chunk_reordering_is_refused(order: list[int]) -> None:
    body = [SEALED[s:e] for s, e in LAYOUT.chunks]
    data = SEALED[: LAYOUT.wrap_end] + b"".join(body[i] for i in order)
    outcome = open_bytes(data, KEYS)
    if list(order) == sorted(order):
        assert outcome.plain == PLAIN
        return
    first_moved = next(i for i, j in enumerate(order) if i != j)
    assert outcome.code == sf.E_CHUNK_AUTH
    assert outcome.error is not None and outcome.error.chunk == first_moved
    assert PLAIN not in outcome.written


def test_chunk_spliced_from_another_file_of_the_same_keys_is_refused() -> None:
    """Same keys, same bidder, same chunk size: a chunk of another sealing cannot be moved in."""
    other = seal_bytes(PLAIN, KEYS, chunk=CHUNK)
    other_layout = layout(other)
    s, e = LAYOUT.chunks[1]
    os_, oe = other_layout.chunks[1]
    data = SEALED[:s] + other[os_:oe] + SEALED[e:]
    outcome = open_bytes(data, KEYS)
    assert outcome.code == sf.E_CHUNK_AUTH and outcome.error is not None
    assert outcome.error.chunk == 1


def test_header_of_another_file_on_this_body_is_refused() -> None:
    other = seal_bytes(PLAIN, KEYS, chunk=CHUNK)
    data = other[: layout(other).wrap_end] + SEALED[LAYOUT.wrap_end :]
    outcome = open_bytes(data, KEYS)
    assert outcome.code == sf.E_CHUNK_AUTH and outcome.error is not None
    assert outcome.error.chunk == 0


# --- memory: opening streams ---------------------------------------------------------------

SIZE = 50 * 1024 * 1024


def test_opening_a_50_mb_file_streams() -> None:
    keys: Keys = new_keys()
    block = os.urandom(1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        plain_path, sealed_path, out_path = (os.path.join(tmp, n) for n in ("p", "s", "o"))
        with open(plain_path, "wb") as plain:
            for _ in range(SIZE // len(block)):
                plain.write(block)
        tracemalloc.start()
        try:
            with open(plain_path, "rb") as src, open(sealed_path, "wb") as dst:
                sealed = sf.seal(
                    src,
                    dst,
                    tender="T0000001",
                    envelope="single",
                    bidder="1",
                    committee_pub=keys.committee_pub,
                    system_pub=keys.system_pub,
                )
            _, seal_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            with open(sealed_path, "rb") as src:
                header = sf.check_framing(src, size=os.path.getsize(sealed_path))
            with open(sealed_path, "rb") as src, open(out_path, "wb") as dst:
                opened = sf.open_sealed(
                    src,
                    dst,
                    committee_key=keys.committee,
                    system_half=keys.system_half,
                    expected_kids=keys.kids,
                )
            _, open_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert header.chunk == sf.DEFAULT_CHUNK
        assert opened.size == SIZE and opened.plaintext_sha256 == sealed.plaintext_sha256
        # A few chunks in memory at most (1 MiB each), never the file.
        assert seal_peak < 8 * 1024 * 1024, seal_peak
        assert open_peak < 8 * 1024 * 1024, open_peak
        assert os.path.getsize(out_path) == SIZE


def test_trailing_garbage_of_50_mb_is_counted_in_bounded_memory() -> None:
    data = io.BytesIO(SEALED + b"\x00" * SIZE)
    tracemalloc.start()
    try:
        try:
            sf.open_sealed(
                data,
                io.BytesIO(),
                committee_key=KEYS.committee,
                system_half=KEYS.system_half,
                expected_kids=KEYS.kids,
            )
        except sf.OpenError as exc:
            error = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == sf.E_TRAILING
    assert error.detail.startswith(f"{SIZE} bytes after the final chunk")
    assert peak < 8 * 1024 * 1024, peak
