"""The tamper corpus of security-reference §1.5 on the sealed-bid format (sealedfile.py): each
mutation gives exactly its error class and never the plaintext; the finalize check
(check_framing) agrees with the opener on framing errors."""

from __future__ import annotations

import hashlib
import os

import pytest

from openlpse.bids import sealedfile as sf
from openlpse.bids.sealedfile import OpenError
from openlpse.bids.tests.sealedfile_support import (
    Keys,
    framing_code,
    layout,
    new_keys,
    open_bytes,
    rebuild_committee_key,
    seal_bytes,
    split_committee_key,
)

CHUNK = 64 * 1024
# A 300 kB "bid" in 64 KiB chunks: four full chunks and a short last one (chunks 0-4).
PLAIN = b"%PDF-1.7\nOPENLPSE-DEMO-PLAINTEXT\n" + os.urandom(300_000 - 33)


@pytest.fixture(scope="module")
def keys() -> Keys:
    return new_keys()


@pytest.fixture(scope="module")
def sealed(keys: Keys) -> bytes:
    return seal_bytes(PLAIN, keys, chunk=CHUNK)


def assert_refused(data: bytes, keys: Keys, code: str, **kwargs: object) -> OpenError:
    outcome = open_bytes(data, keys, **kwargs)  # type: ignore[arg-type]
    assert outcome.code == code, outcome.error
    assert outcome.plain is None
    assert PLAIN not in outcome.written
    assert outcome.error is not None
    return outcome.error


# --- intact files ------------------------------------------------------------------------------


def test_intact_file_opens_with_its_plaintext(keys: Keys, sealed: bytes) -> None:
    outcome = open_bytes(sealed, keys)
    assert outcome.error is None
    assert outcome.plain == PLAIN
    assert framing_code(sealed) is None
    assert len(layout(sealed).chunks) == 5


def test_header_binds_tender_envelope_and_bidder(keys: Keys, sealed: bytes) -> None:
    header = sf.check_framing(__import__("io").BytesIO(sealed), size=len(sealed))
    assert (header.tender, header.envelope, header.bidder) == ("T0000001", "file_2", "17")
    assert (header.committee_kid, header.system_kid) == keys.kids


def test_empty_file_is_one_final_chunk(keys: Keys) -> None:
    data = seal_bytes(b"", keys, chunk=CHUNK)
    assert len(layout(data).chunks) == 1
    outcome = open_bytes(data, keys)
    assert outcome.error is None and outcome.plain == b""
    assert framing_code(data) is None


def test_exact_multiple_of_the_chunk_size_opens(keys: Keys) -> None:
    plain = os.urandom(CHUNK * 2)
    data = seal_bytes(plain, keys, chunk=CHUNK)
    assert open_bytes(data, keys).plain == plain


@pytest.mark.parametrize("chosen", [(0, 2, 4), (4, 1, 3), (0, 1, 2, 3, 4)])
def test_any_k_shares_rebuild_the_committee_key_and_open(
    keys: Keys, sealed: bytes, chosen: tuple[int, ...]
) -> None:
    shares = split_committee_key(keys, parts=5, threshold=3)
    rebuilt = rebuild_committee_key([shares[i] for i in chosen], committee_pub=keys.committee_pub)
    outcome = open_bytes(sealed, keys, committee=rebuilt)
    assert outcome.plain == PLAIN


# --- the corpus ----------------------------------------------------------------------------


def test_one_bit_flipped_in_chunk_2_is_chunk_auth(keys: Keys, sealed: bytes) -> None:
    start, end = layout(sealed).chunks[2]
    data = bytearray(sealed)
    data[start + 4 + 100] ^= 0x01
    error = assert_refused(bytes(data), keys, sf.E_CHUNK_AUTH)
    assert error.chunk == 2
    assert error.byte_range == (start, end)
    assert error.header_parsed is True
    assert framing_code(bytes(data)) is None  # framing intact: only opening can tell


def test_last_chunk_dropped_is_truncated(keys: Keys, sealed: bytes) -> None:
    start, _ = layout(sealed).chunks[4]
    error = assert_refused(sealed[:start], keys, sf.E_TRUNCATED)
    assert error.detail == "no final chunk after 4 chunks"
    assert error.chunk == 4


def test_cut_in_the_middle_of_chunk_3_is_truncated(keys: Keys, sealed: bytes) -> None:
    start, end = layout(sealed).chunks[3]
    cut = sealed[: (start + end) // 2]
    error = assert_refused(cut, keys, sf.E_TRUNCATED)
    assert error.chunk == 3
    assert error.detail.startswith("chunk 3 cut short at byte")
    assert framing_code(cut) == sf.E_TRUNCATED


def test_twenty_bytes_appended_are_trailing(keys: Keys, sealed: bytes) -> None:
    data = sealed + os.urandom(20)
    error = assert_refused(data, keys, sf.E_TRAILING)
    assert error.detail.startswith("20 bytes after the final chunk")
    assert error.byte_range == (len(sealed), len(sealed) + 20)
    assert framing_code(data) == sf.E_TRAILING


def test_large_trailing_garbage_is_counted_not_loaded(keys: Keys, sealed: bytes) -> None:
    data = sealed + b"\x00" * (3 * 1024 * 1024 + 7)
    error = assert_refused(data, keys, sf.E_TRAILING)
    assert error.detail.startswith(f"{3 * 1024 * 1024 + 7} bytes after the final chunk")


def test_chunks_1_and_2_swapped_is_chunk_auth_at_1(keys: Keys, sealed: bytes) -> None:
    lay = layout(sealed)
    (s1, e1), (s2, e2) = lay.chunks[1], lay.chunks[2]
    data = sealed[:s1] + sealed[s2:e2] + sealed[s1:e1] + sealed[e2:]
    assert len(data) == len(sealed)
    error = assert_refused(data, keys, sf.E_CHUNK_AUTH)
    assert error.chunk == 1
    assert framing_code(data) is None


def test_last_chunk_moved_first_is_chunk_auth_at_0(keys: Keys, sealed: bytes) -> None:
    lay = layout(sealed)
    body = [sealed[s:e] for s, e in lay.chunks]
    data = sealed[: lay.wrap_end] + body[4] + b"".join(body[:4])
    error = assert_refused(data, keys, sf.E_CHUNK_AUTH)
    assert error.chunk == 0


def test_header_field_edited_is_unwrap(keys: Keys, sealed: bytes) -> None:
    data = sealed.replace(b'"envelope":"file_2"', b'"envelope":"file_1"', 1)
    assert data != sealed
    error = assert_refused(data, keys, sf.E_UNWRAP)
    assert error.header_parsed is True
    assert error.detail == "key unwrap failed: wrong keys or header altered"


@pytest.mark.parametrize(
    ("old", "new"),
    [(b'"tender":"T0000001"', b'"tender":"T0000002"'), (b'"bidder":"17"', b'"bidder":"18"')],
)
def test_binding_fields_edited_are_unwrap(
    keys: Keys, sealed: bytes, old: bytes, new: bytes
) -> None:
    data = sealed.replace(old, new, 1)
    assert data != sealed
    assert_refused(data, keys, sf.E_UNWRAP)
    assert framing_code(data) is None  # the finalize check compares the header with the context


def test_wrapped_key_edited_is_unwrap(keys: Keys, sealed: bytes) -> None:
    lay = layout(sealed)
    data = bytearray(sealed)
    data[lay.wrap_start + 20] ^= 0x80
    assert_refused(bytes(data), keys, sf.E_UNWRAP)


def test_magic_replaced_is_format(keys: Keys, sealed: bytes) -> None:
    data = b"PK\x03\x04" + sealed[4:]
    error = assert_refused(data, keys, sf.E_FORMAT)
    assert error.detail == "bad magic: not an OpenLPSE sealed bid"
    assert framing_code(data) == sf.E_FORMAT


def test_plain_pdf_uploaded_instead_is_format(keys: Keys) -> None:
    assert_refused(PLAIN, keys, sf.E_FORMAT)
    assert framing_code(PLAIN) == sf.E_FORMAT


def test_chunk_length_out_of_range_is_format(keys: Keys, sealed: bytes) -> None:
    start, _ = layout(sealed).chunks[1]
    data = bytearray(sealed)
    data[start : start + 4] = (CHUNK + sf.TAG + 1).to_bytes(4, "big")
    error = assert_refused(bytes(data), keys, sf.E_FORMAT)
    assert error.chunk == 1
    assert framing_code(bytes(data)) == sf.E_FORMAT


def test_sealed_to_another_tenders_keys_is_key_mismatch(keys: Keys) -> None:
    other = new_keys()
    data = seal_bytes(PLAIN, other, chunk=CHUNK)
    error = assert_refused(data, keys, sf.E_KEY_MISMATCH)
    assert error.detail.startswith(f"sealed to {other.kids[0]}/{other.kids[1]}")
    assert keys.kids[0] in error.detail
    assert framing_code(data) is None  # the finalize check compares kids with the tender's


def test_right_kids_but_wrong_committee_key_is_unwrap(keys: Keys, sealed: bytes) -> None:
    """A committee key that is not the envelope's (e.g. rebuilt without the public-key check)
    cannot unwrap: nothing is written."""
    wrong = new_keys().committee
    outcome = open_bytes(sealed, keys, committee=wrong)
    assert outcome.code == sf.E_UNWRAP
    assert outcome.written == b""


def test_fewer_than_k_shares_is_shares(keys: Keys, sealed: bytes) -> None:
    shares = split_committee_key(keys, parts=5, threshold=3)
    with pytest.raises(OpenError) as caught:
        rebuild_committee_key([shares[0], shares[3]], committee_pub=keys.committee_pub)
    assert caught.value.code == sf.E_SHARES
    # Without the check the wrong key would not open the file either.
    scalar = bytes(__import__("pyshamir").combine([bytearray(shares[0]), bytearray(shares[3])]))
    assert scalar != sf.scalar_of(keys.committee)


def test_share_sealed_to_another_member_is_shares() -> None:
    member, other = new_keys().committee, new_keys().committee
    sealed_share = sf.seal_to_personal_key(
        b"\x01" * 33, recipient_pub=sf.public_raw(member), context="T1/single/g1/u5"
    )
    assert (
        sf.open_from_personal_key(sealed_share, recipient=member, context="T1/single/g1/u5")
        == b"\x01" * 33
    )
    for recipient, context in ((other, "T1/single/g1/u5"), (member, "T1/single/g1/u6")):
        with pytest.raises(OpenError) as caught:
            sf.open_from_personal_key(sealed_share, recipient=recipient, context=context)
        assert caught.value.code == sf.E_SHARES


# --- truncation at every position class ------------------------------------------------------


def _truncation_points(data: bytes) -> dict[str, tuple[int, str, str | None]]:
    """name -> (cut length, class from open, class from check_framing)."""
    lay = layout(data)
    c1_start, c1_end = lay.chunks[1]
    last_start, last_end = lay.chunks[-1]
    return {
        "empty": (0, sf.E_FORMAT, sf.E_FORMAT),
        "inside magic": (5, sf.E_FORMAT, sf.E_FORMAT),
        "after magic": (8, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside header length": (10, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside header": (lay.core_start + 10, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside wrap length": (lay.core_end + 2, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside wrap": (lay.wrap_start + 30, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "no chunk at all": (lay.wrap_end, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside a length prefix": (c1_start + 2, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "after a length prefix": (c1_start + 4, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "inside a chunk": (c1_start + 1000, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "one byte short of a chunk": (c1_end - 1, sf.E_TRUNCATED, sf.E_TRUNCATED),
        # At a chunk boundary the framing is whole; only the last-chunk flag can tell.
        "at a chunk boundary": (c1_end, sf.E_TRUNCATED, None),
        "inside the last chunk": (last_end - 1, sf.E_TRUNCATED, sf.E_TRUNCATED),
        "last chunk's prefix only": (last_start + 4, sf.E_TRUNCATED, sf.E_TRUNCATED),
    }


def test_truncation_at_every_position_class(keys: Keys, sealed: bytes) -> None:
    for name, (cut, open_code, framing) in _truncation_points(sealed).items():
        assert_refused(sealed[:cut], keys, open_code)
        assert framing_code(sealed[:cut]) == framing, name


def test_check_framing_agrees_with_open_on_framing_errors(keys: Keys, sealed: bytes) -> None:
    """Whenever the finalize check refuses a file, the opener refuses it with the same class."""
    lay = layout(sealed)
    variants = [sealed[:cut] for cut, _, _ in _truncation_points(sealed).values()]
    variants += [
        sealed + b"x",
        sealed + os.urandom(64),
        b"LPSEBID2" + sealed[8:],
        sealed[:8] + (0).to_bytes(4, "big") + sealed[12:],
        sealed[:8] + (sf.MAX_HEADER + 1).to_bytes(4, "big") + sealed[12:],
        sealed[: lay.core_end] + (59).to_bytes(4, "big") + sealed[lay.core_end + 4 :],
    ]
    for start, _ in lay.chunks:
        for n in (0, sf.TAG - 1, CHUNK + sf.TAG + 1, 0xFFFFFFFF):
            variants.append(sealed[:start] + n.to_bytes(4, "big") + sealed[start + 4 :])
    checked = 0
    for data in variants:
        framing = framing_code(data)
        if framing is not None:
            assert open_bytes(data, keys).code == framing
            checked += 1
    assert checked >= len(variants) - 2


def test_the_plaintext_hash_is_reported(keys: Keys, sealed: bytes) -> None:
    import io

    result = sf.open_sealed(
        io.BytesIO(sealed),
        io.BytesIO(),
        committee_key=keys.committee,
        system_half=keys.system_half,
        expected_kids=keys.kids,
    )
    assert result.plaintext_sha256 == hashlib.sha256(PLAIN).hexdigest()
    assert result.size == len(PLAIN) and result.chunks == 5
