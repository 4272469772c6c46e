"""Vendor registration over the JSON API: the whole way from e-mail to submission, and the
refusals each step gives."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openlpse.accounts.models import ApiToken, User
from openlpse.accounts.permissions import today
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core.models import AuditEvent
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor, VendorDocument, VerificationRequest
from openlpse.vendors.services import registration as services
from openlpse.vendors.services.signup import signup_token
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    make_verified_vendor,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "Kuat-Sekali-2026!"
API = "/api/v1"


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **EN}


def token_for(user):
    return tokens.token_create(user=user, name="test", actor=None).secret


IDENTITY = {
    "name": "PT Maju Bersama",
    "business_form": "pt",
    "business_scale": "kecil",
    "npwp": "01.234.567.8-901.000",
    "nib": "9120001234567",
    "address": "Jl. Merdeka No. 1",
    "province": "Bali",
    "city": "Kabupaten Karangasem",
    "postal_code": "80811",
    "phone": "0363-123456",
    "email": "kantor@majubersama.co.id",
    "admin_nik": "5107011508850001",
    "admin_position": "Direktur",
}


def upload(client, secret, kind, **fields):
    data = {"kind": kind, "file": fields.pop("file", None) or pdf_upload(f"{kind}.pdf"), **fields}
    return client.post(f"{API}/vendors/me/documents", data, **bearer(secret))


def test_register_confirm_fill_upload_submit_and_read_the_status(
    client, lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            f"{API}/vendors/registrations",
            {"email": "budi@majubersama.co.id", "lpse": "karangasem", "language": "en"},
            content_type="application/json",
            **EN,
        )
    assert started.status_code == 202, started.content
    token = re.search(r"/daftar/konfirmasi/([^/\s]+)/", mailoutbox[0].body).group(1)

    confirmed = client.post(
        f"{API}/vendors/registrations/confirm",
        {"token": token, "username": "budi", "password": PASSWORD, "admin_name": "Budi Santoso"},
        content_type="application/json",
        **EN,
    )
    assert confirmed.status_code == 201, confirmed.content
    body = confirmed.json()
    assert body["status"] == "draft"
    assert body["username"] == "budi"
    secret = body["token"]
    assert secret.startswith("olp_")
    assert ApiToken.objects.get(user__username="budi").token_hash == tokens.hash_secret(secret)

    me = client.get(f"{API}/vendors/me", **bearer(secret)).json()
    assert me["id"] == body["vendor_id"]
    assert me["registration_lpse"] == "karangasem"
    assert me["email"] == "budi@majubersama.co.id"
    assert "npwp" in me["missing_fields"]

    patched = client.patch(
        f"{API}/vendors/me",
        {**IDENTITY, "version": me["version"]},
        content_type="application/json",
        **bearer(secret),
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["npwp"] == "012345678901000"
    assert patched.json()["npwp_formatted"] == "01.234.567.8-901.000"
    assert patched.json()["missing_fields"] == []

    valid_until = (today() + dt.timedelta(days=365)).isoformat()
    for kind in ("ktp", "akta_pendirian", "npwp", "formulir"):
        response = upload(client, secret, kind)
        assert response.status_code == 201, response.content
    licence = upload(
        client, secret, "izin_usaha", number="503/9/2025", issuer="OSS", valid_until=valid_until
    )
    assert licence.status_code == 201, licence.content
    assert licence.json()["valid_until"] == valid_until
    assert licence.json()["version"] == 1
    assert len(licence.json()["sha256"]) == 64

    listed = client.get(f"{API}/vendors/me/documents", **bearer(secret)).json()
    assert {item["kind"] for item in listed["items"]} == {
        "ktp",
        "akta_pendirian",
        "npwp",
        "izin_usaha",
        "formulir",
    }

    status = client.get(f"{API}/vendors/me/status", **bearer(secret)).json()
    assert status["identity_complete"] is True
    assert status["missing_documents"] == []
    assert status["form_matches"] is True
    assert status["pending_request"] is None

    submitted = client.post(f"{API}/vendors/me/submit", **bearer(secret))
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["status"] == "pending"
    assert submitted.json()["lpse"] == "karangasem"

    twice = client.post(f"{API}/vendors/me/submit", **bearer(secret))
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_submitted"
    assert VerificationRequest.objects.count() == 1

    status = client.get(f"{API}/vendors/me/status", **bearer(secret)).json()
    assert status["status"] == "submitted"
    assert status["pending_request"]["id"] == submitted.json()["id"]
    assert status["last_decision"] is None
    assert status["verified_lpse"] is None

    locked = client.patch(
        f"{API}/vendors/me", {"name": "PT Lain"}, content_type="application/json", **bearer(secret)
    )
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "registration_submitted"


# --- sign-up refusals ---------------------------------------------------------------------------


def test_signup_refusals(client, lpse_karangasem):
    UserFactory(email="dipakai@contoh.co.id")
    taken = client.post(
        f"{API}/vendors/registrations",
        {"email": "dipakai@contoh.co.id", "lpse": "karangasem"},
        content_type="application/json",
        **EN,
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "email_in_use"
    assert "email" in taken.json()["error"]["fields"]
    unknown = client.post(
        f"{API}/vendors/registrations",
        {"email": "baru@contoh.co.id", "lpse": "tidak-ada"},
        content_type="application/json",
        **EN,
    )
    assert unknown.status_code == 400
    assert "lpse" in unknown.json()["error"]["fields"]
    extra = client.post(
        f"{API}/vendors/registrations",
        {"email": "baru@contoh.co.id", "lpse": "karangasem", "status": "verified"},
        content_type="application/json",
        **EN,
    )
    assert extra.status_code == 400
    assert "status" in extra.json()["error"]["fields"]


def test_confirm_refuses_a_bad_or_reused_token(client, lpse_karangasem):
    bad = client.post(
        f"{API}/vendors/registrations/confirm",
        {"token": "rusak", "username": "budi", "password": PASSWORD, "admin_name": "Budi"},
        content_type="application/json",
        **EN,
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "signup_link_invalid"
    token = signup_token(email="budi@contoh.co.id", lpse=lpse_karangasem, language="id")
    payload = {"token": token, "username": "budi", "password": PASSWORD, "admin_name": "Budi"}
    first = client.post(
        f"{API}/vendors/registrations/confirm", payload, content_type="application/json", **EN
    )
    assert first.status_code == 201
    again = client.post(
        f"{API}/vendors/registrations/confirm",
        {**payload, "username": "budi2"},
        content_type="application/json",
        **EN,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "signup_already_confirmed"
    assert User.objects.count() == 1


# --- identity refusals --------------------------------------------------------------------------


@pytest.fixture
def draft():
    return VendorFactory(npwp="", nib="", admin_nik="")


@pytest.fixture
def secret(draft):
    return token_for(draft.created_by)


def patch_me(client, secret, data):
    return client.patch(
        f"{API}/vendors/me", data, content_type="application/json", **bearer(secret)
    )


def test_invalid_numbers_are_refused_per_field(client, draft, secret):
    response = patch_me(client, secret, {"npwp": "123", "nib": "1", "admin_nik": "2"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"npwp", "nib", "admin_nik"}
    assert "15 digits" in error["fields"]["npwp"][0]


def test_a_duplicate_company_and_a_blacklisted_one_are_refused(client, draft, secret):
    existing = make_verified_vendor()
    duplicate = patch_me(client, secret, {"nib": existing.nib})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "vendor_already_registered"
    assert "nib" in duplicate.json()["error"]["fields"]
    entry = BlacklistEntryFactory(npwp="012345678901000")
    blocked = patch_me(client, secret, {"npwp": "012345678901000"})
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "blacklisted"
    assert entry.reason in blocked.json()["error"]["message"]
    assert Vendor.objects.get(pk=draft.pk).npwp == ""
    assert AuditEvent.objects.filter(action="vendor.registration_blocked").count() == 1


def test_a_stale_version_is_refused(client, draft, secret):
    version = services.vendor_version(draft)
    assert patch_me(client, secret, {"city": "Amlapura", "version": version}).status_code == 200
    stale = patch_me(client, secret, {"city": "Denpasar", "version": version})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"


def test_another_vendors_registration_by_id_is_not_found_and_audited(client, draft, secret):
    other = VendorFactory(name="PT Orang Lain")
    own = client.get(f"{API}/vendors/registrations/{draft.pk}", **bearer(secret))
    assert own.status_code == 200
    read = client.get(f"{API}/vendors/registrations/{other.pk}", **bearer(secret))
    assert read.status_code == 404
    assert read.json()["error"]["code"] == "not_found"
    write = client.patch(
        f"{API}/vendors/registrations/{other.pk}",
        {"name": "PT Curang"},
        content_type="application/json",
        **bearer(secret),
    )
    assert write.status_code == 404
    missing = client.get(f"{API}/vendors/registrations/999999", **bearer(secret))
    assert missing.status_code == 404
    assert missing.json() == read.json()  # the same answer: nothing leaks
    assert Vendor.objects.get(pk=other.pk).name == "PT Orang Lain"
    events = AuditEvent.objects.filter(action="vendor.access_refused")
    assert events.count() == 2
    assert {e.object_id for e in events} == {str(other.pk)}
    assert {e.actor_id for e in events} == {draft.created_by_id}


def test_the_vendor_id_cannot_be_smuggled_into_the_body(client, draft, secret):
    other = VendorFactory()
    response = patch_me(client, secret, {"id": other.pk, "name": "PT Curang"})
    assert response.status_code == 400
    assert "id" in response.json()["error"]["fields"]


def test_verified_vendor_changes_contact_details_only(client):
    vendor = make_verified_vendor()
    secret = token_for(vendor.created_by)
    ok = patch_me(client, secret, {"phone": "0363-555555"})
    assert ok.status_code == 200
    assert ok.json()["phone"] == "0363-555555"
    refused = patch_me(client, secret, {"name": "PT Nama Baru"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "not_contact_field"


# --- documents and submission refusals ----------------------------------------------------------


def test_document_refusals(client, draft, secret):
    wrong = upload(
        client,
        secret,
        "ktp",
        file=SimpleUploadedFile("ktp.pdf", b"<html><body>x</body></html>", "application/pdf"),
    )
    assert wrong.status_code == 415
    assert wrong.json()["error"]["code"] == "unsupported_type"
    expired = upload(
        client,
        secret,
        "izin_usaha",
        number="1",
        issuer="OSS",
        valid_until=(today() - dt.timedelta(days=1)).isoformat(),
    )
    assert expired.status_code == 400
    assert expired.json()["error"]["code"] == "document_expired"
    assert "valid_until" in expired.json()["error"]["fields"]
    unknown = upload(client, secret, "surat_domisili")
    assert unknown.status_code == 400
    assert not VendorDocument.objects.exists()


def test_an_incomplete_registration_cannot_be_submitted(client, draft, secret):
    response = client.post(f"{API}/vendors/me/submit", **bearer(secret))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "registration_incomplete"
    assert Vendor.objects.get(pk=draft.pk).status == VendorStatus.DRAFT


def test_without_a_company_or_a_token(client):
    secret = token_for(UserFactory())
    none = client.get(f"{API}/vendors/me/status", **bearer(secret))
    assert none.status_code == 404
    assert "POST /api/v1/vendors/registrations" in none.json()["error"]["message"]
    assert client.get(f"{API}/vendors/me", **EN).status_code == 401


def test_the_endpoints_are_in_the_openapi_document(client):
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/vendors/registrations",
        "/api/v1/vendors/registrations/confirm",
        "/api/v1/vendors/me",
        "/api/v1/vendors/me/documents",
        "/api/v1/vendors/me/submit",
        "/api/v1/vendors/me/status",
    ):
        assert path in paths, path
    assert paths["/api/v1/vendors/me/submit"]["post"]["tags"] == ["Vendor registration"]
    assert "security" not in paths["/api/v1/vendors/registrations"]["post"]
    assert (
        "multipart/form-data"
        in paths["/api/v1/vendors/me/documents"]["post"]["requestBody"]["content"]
    )
