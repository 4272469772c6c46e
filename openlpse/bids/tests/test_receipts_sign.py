"""Signed receipts (issue 5 item 4): sign and verify, any changed field or another key is
invalid, `manage.py verify_receipt` exit codes, and the public API (/api/v1/keys,
/api/v1/receipts/verify, /api/v1/tenders/{code}/keys)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import uuid

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.utils import timezone, translation

from openlpse.bids import receipts
from openlpse.bids.models import EnvelopeKeys
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.tests.factories import TenderFactory, announced_tender


@pytest.fixture(autouse=True)
def receipt_key(tmp_path, settings):
    path = tmp_path / "keys" / "receipt-ed25519.pem"
    settings.OPENLPSE_RECEIPT_KEY_FILE = path
    return path


def _fields(**overrides):
    fields = {
        "receipt_number": "RCP-2026-000042",
        "tender": "10012026",
        "tender_name": "Pembangunan Jalan Desa Tianyar",
        "lpse": "karangasem",
        "envelope": "single",
        "vendor": "17",
        "vendor_name": "CV Maju Jaya",
        "file_name": "penawaran.pdf.lpsebid",
        "size": 123456,
        "ciphertext_sha256": hashlib.sha256(b"ciphertext").hexdigest(),
        "upload_id": uuid.UUID("5d1c3c9e-4ad0-4f0e-9f55-2b2f0f7c3a11"),
        "version": 1,
        "received_at": dt.datetime(2026, 11, 20, 7, 59, 59, 123456, tzinfo=dt.UTC),
        "audit_seq": 42,
        "software_version": "0.5.0",
    }
    fields.update(overrides)
    return fields


def test_a_signed_receipt_verifies_and_has_the_documented_shape(receipt_key):
    doc = receipts.sign_receipt(_fields())

    assert set(doc) == {"format", "v", "receipt", "key_id", "signature"}
    assert (doc["format"], doc["v"]) == ("openlpse-receipt", 1)
    assert doc["receipt"]["received_at"] == "2026-11-20T07:59:59.123Z"
    assert doc["receipt"]["upload_id"] == "5d1c3c9e-4ad0-4f0e-9f55-2b2f0f7c3a11"
    public = receipts.signing_key().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert doc["key_id"] == hashlib.sha256(raw).hexdigest()[:16]
    # The signature is Ed25519 over the RFC 8785 canonical JSON of the receipt object.
    public.verify(base64.b64decode(doc["signature"]), rfc8785.dumps(doc["receipt"]))

    check = receipts.verify_document(json.loads(json.dumps(doc)))
    assert (check.valid, check.code, check.receipt) == (True, "valid", doc["receipt"])
    assert (receipt_key.stat().st_mode & 0o777) == 0o600


def test_the_same_key_is_used_again(receipt_key):
    first = receipts.public_key_info()
    receipts._keys.clear()  # a new process reads the file
    assert receipts.public_key_info() == first
    assert first["algorithm"] == "Ed25519"
    assert len(base64.b64decode(first["public_key"])) == 32


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ciphertext_sha256", hashlib.sha256(b"other").hexdigest()),
        ("size", 123457),
        ("received_at", "2026-11-20T08:00:00.000Z"),
        ("vendor", "18"),
        ("envelope", "file_2"),
    ],
)
def test_a_changed_field_is_invalid(field, value):
    doc = receipts.sign_receipt(_fields())
    doc["receipt"][field] = value
    with translation.override("en"):
        check = receipts.verify_document(doc)
    assert (check.valid, check.code) == (False, "bad_signature")
    assert check.reason == (
        "The signature does not match the receipt's contents: the receipt was changed after it "
        "was signed, or it was not issued by this portal."
    )


def test_an_added_field_or_a_changed_signature_is_invalid():
    doc = receipts.sign_receipt(_fields())
    added = copy.deepcopy(doc)
    added["receipt"]["note"] = "x"
    assert receipts.verify_document(added).code == "bad_signature"
    flipped = copy.deepcopy(doc)
    signature = bytearray(base64.b64decode(doc["signature"]))
    signature[0] ^= 1
    flipped["signature"] = base64.b64encode(bytes(signature)).decode()
    assert receipts.verify_document(flipped).code == "bad_signature"


def test_another_key_is_invalid():
    doc = receipts.sign_receipt(_fields())
    other = Ed25519PrivateKey.generate().public_key()
    check = receipts.verify_document(doc, public_key=other)
    assert (check.valid, check.code) == (False, "unknown_key")

    # A forger's receipt: signed with their own key and the portal's key id.
    forger = Ed25519PrivateKey.generate()
    forged = dict(
        doc, signature=base64.b64encode(forger.sign(rfc8785.dumps(doc["receipt"]))).decode()
    )
    assert receipts.verify_document(forged).code == "bad_signature"


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        ([], "not_a_receipt"),
        ({"format": "other"}, "not_a_receipt"),
        ({"format": "openlpse-receipt", "v": 2}, "unsupported_version"),
        ({"format": "openlpse-receipt", "v": 1, "receipt": {}}, "malformed"),
        (
            {"format": "openlpse-receipt", "v": 1, "receipt": {}, "key_id": "x", "signature": "%%"},
            "malformed",
        ),
    ],
)
def test_what_is_not_a_receipt_is_invalid(doc, code):
    check = receipts.verify_document(doc)
    assert (check.valid, check.code) == (False, code)


def test_missing_fields_are_refused_at_signing():
    fields = _fields()
    del fields["ciphertext_sha256"]
    with pytest.raises(ValueError, match="ciphertext_sha256"):
        receipts.sign_receipt(fields)


# --- manage.py verify_receipt -----------------------------------------------------------------


def test_verify_receipt_command_says_valid_with_exit_0(tmp_path, capsys):
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipts.sign_receipt(_fields())))
    with translation.override("en"):
        call_command("verify_receipt", str(path))
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "VALID"
    assert "ciphertext_sha256: " + hashlib.sha256(b"ciphertext").hexdigest() in out
    assert "receipt_number: RCP-2026-000042" in out


def test_verify_receipt_command_says_invalid_with_exit_1(tmp_path, capsys):
    doc = receipts.sign_receipt(_fields())
    doc["receipt"]["size"] = 1
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SystemExit) as exited:
        call_command("verify_receipt", str(path))
    assert exited.value.code == 1
    assert capsys.readouterr().out.splitlines()[0] == "INVALID"


def test_verify_receipt_command_checks_offline_against_a_given_public_key(tmp_path, capsys):
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipts.sign_receipt(_fields())))
    right = tmp_path / "portal.pem"
    right.write_text(receipts.public_key_info()["pem"])
    wrong = tmp_path / "other.pem"
    wrong.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    call_command("verify_receipt", str(path), "--public-key", str(right))
    assert capsys.readouterr().out.startswith("VALID")
    with pytest.raises(SystemExit) as exited:
        call_command("verify_receipt", str(path), "--public-key", str(wrong))
    assert exited.value.code == 1
    assert "(unknown_key)" in capsys.readouterr().out


def test_verify_receipt_command_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "receipt.json"
    path.write_text("not json")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as failed:
        call_command("verify_receipt", str(path))
    assert failed.value.returncode == 1


# --- the public API -----------------------------------------------------------------------------


def test_api_keys_publishes_the_receipt_key(client):
    response = client.get("/api/v1/keys")
    assert response.status_code == 200
    data = response.json()
    assert data["receipt_key"] == receipts.public_key_info()
    assert data["system_keys"]["algorithm"] == "ECDH P-256"


def test_api_verifies_a_receipt(client):
    doc = receipts.sign_receipt(_fields())
    response = client.post(
        "/api/v1/receipts/verify", data=json.dumps(doc), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "code": "valid",
        "reason": receipts.verify_document(doc).reason,
        "receipt": doc["receipt"],
    }
    doc["receipt"]["size"] = 2
    response = client.post(
        "/api/v1/receipts/verify",
        data=json.dumps(doc),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (response.status_code, response.json()["valid"], response.json()["code"]) == (
        200,
        False,
        "bad_signature",
    )


def test_api_verify_answers_malformed_json_with_the_error_format(client):
    response = client.post("/api/v1/receipts/verify", data="{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.django_db
def test_api_publishes_the_envelope_keys_of_an_announced_tender(client):
    tender = announced_tender()
    EnvelopeKeys.objects.create(
        tender=tender,
        envelope="single",
        committee_public="Qw==",
        committee_kid="c" * 32,
        committee_fingerprint="c" * 64,
        threshold=2,
        share_count=3,
        generation=1,
        made_by=tender.created_by,
        made_at=timezone.now(),
        system_public="Uw==",
        system_kid="s" * 32,
        system_fingerprint="s" * 64,
        prepared_at=timezone.now(),
    )
    response = client.get(f"/api/v1/tenders/{tender.code}/keys")
    assert response.status_code == 200
    data = response.json()
    assert data["tender"] == tender.code
    (row,) = data["envelopes"]
    assert {k: v for k, v in row.items() if k != "prepared_at"} == {
        "envelope": "single",
        "committee_kid": "c" * 32,
        "committee_fingerprint": "c" * 64,
        "committee_public_key": "Qw==",
        "system_kid": "s" * 32,
        "system_fingerprint": "s" * 64,
        "system_public_key": "Uw==",
        "threshold": 2,
        "share_count": 3,
        "generation": 1,
    }


@pytest.mark.django_db
def test_api_envelope_keys_of_a_draft_or_unknown_tender_are_not_found(client):
    draft = TenderFactory(status=TenderStatus.DRAFT)
    for code in (draft.code, "NO-SUCH-TENDER"):
        response = client.get(f"/api/v1/tenders/{code}/keys", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "not_found",
            "message": "There is no announced tender with this code. Check the code and try again.",
        }
