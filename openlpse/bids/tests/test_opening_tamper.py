"""The tamper corpus through the ceremony (issue 5 item 8; security-reference §1.5-§1.6): each
damaged bid gets its error class, no plaintext, and an UnopenableCase with an evidence ZIP
holding the ciphertext, its hashes, the receipt, the diagnosis and the manifest; the other
bids still open."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import evidence
from openlpse.bids.enums import CaseStatus, OpenedStatus, SessionStatus
from openlpse.bids.models import OpenedBid, UnopenableCase
from openlpse.bids.sealedfile import public_raw, read_header, seal
from openlpse.bids.services import opening
from openlpse.bids.tests.factories import sealed_bid
from openlpse.bids.tests.opening_support import (
    MARK,
    add_submission,
    make_world,
    pdf_bytes,
    read_storage,
    zip_entries,
)
from openlpse.core.models import AuditEvent, Notification
from openlpse.plans.tests.factories import grant

pytestmark = pytest.mark.django_db


def _body_offset(data: bytes) -> int:
    return read_header(io.BytesIO(data)).body_offset


def _bit_flip(data: bytes) -> bytes:
    at = _body_offset(data) + 4 + 1040 + 4 + 10  # inside chunk 1
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _truncate(data: bytes) -> bytes:
    return data[: _body_offset(data) + 4 + 1040 + 4 + 500]  # cut inside chunk 1


def _trailing(data: bytes) -> bytes:
    return data + b"\x00" * 20


def _header_edit(data: bytes) -> bytes:
    return data.replace(b'"envelope":"single"', b'"envelope":"singlx"', 1)


def _other_keys(world, vendor) -> bytes:  # type: ignore[no-untyped-def]
    committee = public_raw(ec.generate_private_key(ec.SECP256R1()))
    system = public_raw(ec.generate_private_key(ec.SECP256R1()))
    out = io.BytesIO()
    seal(
        io.BytesIO(pdf_bytes("other keys")),
        out,
        tender=world.tender.code,
        envelope="single",
        bidder=str(vendor.pk),
        committee_pub=committee,
        system_pub=system,
        chunk=1024,
    )
    return out.getvalue()


CORPUS = {
    "bit_flip": ("E_CHUNK_AUTH", True),
    "truncation": ("E_TRUNCATED", True),
    "trailing": ("E_TRAILING", True),
    "header_edit": ("E_UNWRAP", True),
    "other_keys": ("E_KEY_MISMATCH", True),
    "not_sealed": ("E_FORMAT", False),
    "storage_fault": ("E_STORAGE", True),
}


def _damaged(world, name: str):  # type: ignore[no-untyped-def]
    """(vendor, submission) of a damaged bid added to the world."""
    from openlpse.tenders.models import Participant
    from openlpse.vendors.tests.factories import make_verified_vendor

    vendor = make_verified_vendor(lpse=world.tender.lpse)
    Participant.objects.create(
        tender=world.tender, vendor=vendor, joined_by=vendor.created_by, joined_at=vendor.created_at
    )
    plain = pdf_bytes(f"damaged {name}")
    good = sealed_bid(world.tender, "single", vendor, plain, chunk=1024)
    if name == "storage_fault":
        return vendor, add_submission(world.tender, "single", vendor, good, stored=_bit_flip(good))
    data = {
        "bit_flip": _bit_flip,
        "truncation": _truncate,
        "trailing": _trailing,
        "header_edit": _header_edit,
        "not_sealed": lambda d: b"%PDF-1.4 not sealed " + MARK,
    }.get(name, lambda d: _other_keys(world, vendor))(good)
    assert data != good
    return vendor, add_submission(world.tender, "single", vendor, data)


def _open(world):  # type: ignore[no-untyped-def]
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        for member in world.pokja[:2]:
            session = opening.opening_offer_share(
                actor=member,
                session=session,
                share=world.unlocked_share("single", member),
                mfa_verified=True,
                ip=None,
            )
    return session


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_damaged_bid_gets_its_class_and_a_case_with_the_evidence(name):
    world = make_world(bidders=1)
    staff = UserFactory()
    grant(staff, Role.LPSE_ADMIN, lpse=world.tender.lpse)
    vendor, damaged = _damaged(world, name)
    expected, header_parsed = CORPUS[name]
    session = _open(world)
    assert session.status == SessionStatus.OPENED
    good = OpenedBid.objects.get(submission=world.submissions[0])
    assert good.status == OpenedStatus.OPENED
    assert read_storage(good.plain_file.storage_key) == world.plaintexts[world.submissions[0].pk]

    failed = OpenedBid.objects.get(submission=damaged)
    assert failed.status == OpenedStatus.FAILED
    assert failed.error_class == expected
    assert failed.plain_file is None and failed.plaintext_sha256 == ""
    diagnosis = failed.diagnosis
    assert diagnosis["error_class"] == expected
    assert diagnosis["header_parsed"] is header_parsed
    assert diagnosis["committee_key_rebuilt"] is True
    assert diagnosis["canary_opened"] is True
    assert diagnosis["kids_of_tender"] == [
        world.material["single"].keys.committee_kid,
        world.material["single"].keys.system_kid,
    ]
    if name == "other_keys":
        assert diagnosis["kids_match"] is False
    if name == "bit_flip":
        assert diagnosis["chunk"] == 1 and diagnosis["byte_range"]

    case = UnopenableCase.objects.get(opened_bid=failed)
    assert case.status == CaseStatus.REPORTED
    bundle = read_storage(case.evidence.storage_key)
    assert hashlib.sha256(bundle).hexdigest() == case.evidence_sha256 == case.evidence.sha256
    entries = zip_entries(bundle)
    assert sorted(entries) == sorted(evidence.ENTRY_NAMES)
    stored_now = read_storage(damaged.storage_name)
    assert entries["ciphertext.lpsebid"] == stored_now
    hashes = json.loads(entries["hashes.json"])
    assert hashes["stored_sha256_now"] == hashlib.sha256(stored_now).hexdigest()
    assert hashes["receipt_sha256"] == damaged.sha256
    assert hashes["stored_matches_receipt"] is (name != "storage_fault")
    receipt = json.loads(entries["receipt.json"])
    assert receipt == damaged.receipt
    assert entries["receipt.sig"].decode() == damaged.receipt_signature
    assert json.loads(entries["diagnosis.json"])["error_class"] == expected
    manifest = json.loads(entries["manifest.json"])
    assert manifest["tender"] == world.tender.code
    assert manifest["receipt_number"] == damaged.receipt_number
    assert manifest["vendor"] == str(vendor.pk)
    assert manifest["software_version"].startswith("openlpse ")
    assert manifest["closing_checkpoint"] == session.closing_checkpoint
    assert sorted(m["username"] for m in manifest["members_present"]) == sorted(
        m.username for m in world.pokja[:2]
    )
    assert all(m["mfa"] for m in manifest["members_present"])
    for entry, digest in manifest["entries"].items():
        assert hashlib.sha256(entries[entry]).hexdigest() == digest
    # No plaintext of the damaged bid anywhere in the bundle.
    assert b"damaged " + name.encode() not in bundle or name == "not_sealed"
    event = AuditEvent.objects.get(action="bids.bid_unopenable")
    assert event.changes["evidence_sha256"] == case.evidence_sha256
    assert event.changes["error_class"] == expected
    # The LPSE is told.
    assert Notification.objects.filter(user=staff, topic="bids.unopenable").count() == 1
    # The BA records the failure's class.
    assert expected.encode() in read_storage(session.minutes.storage_key)


def test_a_missing_stored_file_is_a_storage_fault_with_evidence_without_ciphertext():
    world = make_world(bidders=1)
    _vendor, damaged = _damaged(world, "bit_flip")
    os.unlink(
        __import__("django.core.files.storage", fromlist=["x"]).default_storage.path(
            damaged.storage_name
        )
    )
    _open(world)
    failed = OpenedBid.objects.get(submission=damaged)
    assert failed.error_class == "E_STORAGE"
    entries = zip_entries(read_storage(failed.case.evidence.storage_key))
    assert "ciphertext.lpsebid" not in entries
    assert json.loads(entries["hashes.json"])["stored_present"] is False


def test_chunk_layout_assumption_of_the_corpus():
    world = make_world(bidders=0)
    data = sealed_bid(
        world.tender, "single", world.tender.created_by.pk, pdf_bytes("x"), chunk=1024
    )
    offset = _body_offset(data)
    (first,) = struct.unpack(">I", data[offset : offset + 4])
    assert first == 1024 + 16
