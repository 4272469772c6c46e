"""The vendor area pages: status, identity form, documents, downloads and submission."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from openlpse.accounts.permissions import today
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core.models import AuditEvent
from openlpse.vendors.enums import DocumentType, VendorStatus, VerificationStatus
from openlpse.vendors.models import DocumentReview, Vendor, VendorDocument, VerificationRequest
from openlpse.vendors.services import registration as services
from openlpse.vendors.tests.factories import (
    PDF_BYTES,
    VendorFactory,
    add_required_documents,
    make_verified_vendor,
    make_verifikator,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


@pytest.fixture
def draft(lpse_lampung_timur):
    return VendorFactory(registration_lpse=lpse_lampung_timur, admin_nik="", phone="")


@pytest.fixture
def as_registrant(client, draft):
    client.force_login(draft.created_by)
    return english(client)


def identity_post(own, **overrides):
    data = {
        "version": services.vendor_version(own),
        "registration_lpse": own.registration_lpse.slug,
        "name": "PT Maju Bersama",
        "business_form": "pt",
        "business_scale": "kecil",
        "npwp": "01.234.567.8-901.000",
        "nib": "9120001234567",
        "address": "Jl. Merdeka No. 1",
        "province": "Lampung",
        "city": "Kabupaten Lampung Timur",
        "postal_code": "34111",
        "phone": "0725-123456",
        "email": "kantor@majubersama.co.id",
        "website": "",
        "admin_name": "Budi Santoso",
        "admin_nik": "1804011508850001",
        "admin_position": "Direktur",
        "action": "save",
    }
    data.update(overrides)
    return data


# --- access -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ("home", "registration_edit", "documents", "form_pdf"):
        response = client.get(reverse(f"vendors:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_person_without_a_company_is_offered_to_register(client):
    client.force_login(UserFactory())
    response = english(client).get(reverse("vendors:home"))
    assert response.status_code == 200
    assert reverse("vendors:signup") in response.content.decode()
    assert client.get(reverse("vendors:registration_edit"))["Location"] == reverse("vendors:home")


# --- status -------------------------------------------------------------------------------------


def test_the_status_page_lists_what_is_missing(as_registrant, draft):
    html = as_registrant.get(reverse("vendors:home")).content.decode()
    assert "Administrator&#x27;s NIK" in html or "Administrator's NIK" in html
    assert "Phone" in html
    assert "Missing" in html
    assert reverse("vendors:registration_submit") not in html  # not ready yet


def test_the_status_page_shows_the_verifikators_reasons_after_a_rejection(client, draft):
    add_required_documents(draft)
    decider = make_verifikator(draft.registration_lpse)
    request = VerificationRequest.objects.create(
        vendor=draft,
        kind="registration",
        lpse=draft.registration_lpse,
        status=VerificationStatus.REJECTED,
        submitted_by=draft.created_by,
        submitted_at=timezone.now() - dt.timedelta(days=2),
        decided_by=decider,
        decided_at=timezone.now() - dt.timedelta(days=1),
        decision_note="Mohon perbaiki dokumen.",
    )
    DocumentReview.objects.create(request=request, item="ktp", accepted=False, reason="Buram")
    DocumentReview.objects.create(request=request, item="npwp", accepted=True)
    Vendor.objects.filter(pk=draft.pk).update(status=VendorStatus.REJECTED)
    client.force_login(draft.created_by)
    html = english(client).get(reverse("vendors:home")).content.decode()
    assert "Returned for correction" in html
    assert "Mohon perbaiki dokumen." in html
    assert "Buram" in html
    assert "LPSE Kabupaten Lampung Timur" in html
    docs = client.get(reverse("vendors:documents")).content.decode()
    assert "The verifikator asked for a correction: Buram" in docs


def test_a_verified_company_sees_who_verified_it_and_when(client, lpse_karangasem):
    vendor = make_verified_vendor(lpse=lpse_karangasem)
    client.force_login(vendor.created_by)
    html = english(client).get(reverse("vendors:home")).content.decode()
    assert "Verified by LPSE Kabupaten Karangasem on" in html
    assert "WITA" in html


# --- identity form ------------------------------------------------------------------------------


def test_the_form_keeps_every_entry_after_an_error(as_registrant, draft):
    response = as_registrant.post(
        reverse("vendors:registration_edit"),
        identity_post(draft, admin_nik="1804011513850001", name="PT Tetap Diingat"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The NIK must be the 16 digits" in html
    assert 'value="PT Tetap Diingat"' in html
    assert 'value="1804011513850001"' in html
    assert 'value="01.234.567.8-901.000"' in html
    assert "Jl. Merdeka No. 1" in html
    assert Vendor.objects.get(pk=draft.pk).npwp != "012345678901000"


def test_save_draft_and_continue(as_registrant, draft):
    response = as_registrant.post(
        reverse("vendors:registration_edit"), identity_post(draft, admin_nik="", action="save")
    )
    assert response["Location"] == reverse("vendors:registration_edit")
    draft.refresh_from_db()
    assert draft.name == "PT Maju Bersama"
    assert draft.admin_nik == ""
    incomplete = as_registrant.post(
        reverse("vendors:registration_edit"),
        identity_post(draft, admin_nik="", action="continue"),
    )
    assert incomplete.status_code == 400
    assert "Fill in this field to continue." in incomplete.content.decode()
    done = as_registrant.post(
        reverse("vendors:registration_edit"), identity_post(draft, action="continue")
    )
    assert done["Location"] == reverse("vendors:documents")


def test_a_forged_vendor_id_in_the_form_changes_only_ones_own_registration(as_registrant, draft):
    other = VendorFactory(name="PT Orang Lain")
    before = (other.name, other.npwp, other.updated_at)
    response = as_registrant.post(
        reverse("vendors:registration_edit"),
        identity_post(draft, vendor=other.pk, vendor_id=other.pk, id=other.pk),
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.name, other.npwp, other.updated_at) == before
    assert Vendor.objects.get(pk=draft.pk).name == "PT Maju Bersama"


def test_a_duplicate_company_is_pointed_to_the_existing_account(as_registrant, draft):
    existing = make_verified_vendor(npwp="012345678901000")
    existing.created_by.email = "direktur@lama.co.id"
    existing.created_by.save()
    response = as_registrant.post(reverse("vendors:registration_edit"), identity_post(draft))
    assert response.status_code == 409
    html = response.content.decode()
    assert "already registered" in html
    assert "d***@l***.co.id" in html
    assert 'value="PT Maju Bersama"' in html


def test_a_stale_form_says_so_and_the_next_save_goes_through(as_registrant, draft):
    stale = services.vendor_version(draft)
    services.registration_save(actor=draft.created_by, vendor=draft, values={"city": "Metro"})
    response = as_registrant.post(
        reverse("vendors:registration_edit"), identity_post(draft, version=stale)
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed in another window" in html
    assert 'value="PT Maju Bersama"' in html
    current = services.vendor_version(Vendor.objects.get(pk=draft.pk))
    assert f'value="{current}"' in html
    again = as_registrant.post(
        reverse("vendors:registration_edit"), identity_post(draft, version=current)
    )
    assert again.status_code == 302


def test_after_submission_the_form_is_refused_without_losing_the_entries(as_registrant, draft):
    services.registration_save(
        actor=draft.created_by,
        vendor=draft,
        values={"admin_nik": "1804011508850001", "phone": "0725-123456"},
    )
    add_required_documents(draft)
    services.registration_submit(actor=draft.created_by, vendor=draft)
    before = Vendor.objects.get(pk=draft.pk).name
    response = as_registrant.post(
        reverse("vendors:registration_edit"), identity_post(draft, name="PT Terlambat")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "sent for verification and cannot be changed" in html
    assert 'value="PT Terlambat"' in html
    assert Vendor.objects.get(pk=draft.pk).name == before
    page = as_registrant.get(reverse("vendors:registration_edit"))
    assert "waiting for verification" in page.content.decode()


def test_the_vendor_admin_edits_contact_details_after_verification(client):
    vendor = make_verified_vendor()
    client.force_login(vendor.created_by)
    response = english(client).post(
        reverse("vendors:registration_edit"),
        {
            "version": services.vendor_version(vendor),
            "address": "Jl. Baru 2",
            "province": "Lampung",
            "city": "Kota Metro",
            "postal_code": "34111",
            "phone": "0725-777777",
            "website": "",
        },
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.address, vendor.city, vendor.status) == ("Jl. Baru 2", "Kota Metro", "verified")


# --- documents ----------------------------------------------------------------------------------


def test_upload_shows_the_version_with_its_hash(as_registrant, draft):
    response = as_registrant.post(
        reverse("vendors:documents"),
        {"kind": "ktp", "file": pdf_upload("ktp budi.pdf"), "number": "1804011508850001"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#doc-ktp")
    html = as_registrant.get(reverse("vendors:documents")).content.decode()
    assert hashlib.sha256(PDF_BYTES).hexdigest() in html
    assert "upload-progress.js" in html
    assert "data-upload-progress" in html
    document = VendorDocument.objects.get(vendor=draft)
    download = as_registrant.get(reverse("vendors:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "ktp%20budi.pdf" in download["Content-Disposition"]


def test_a_refused_upload_keeps_the_details_typed(as_registrant, draft):
    text = SimpleUploadedFile("izin.pdf", b"ini bukan pdf, hanya teks biasa\n", "application/pdf")
    response = as_registrant.post(
        reverse("vendors:documents"),
        {
            "kind": "izin_usaha",
            "file": text,
            "number": "503/77/SIUP/2025",
            "issuer": "DPMPTSP Lampung Timur",
            "valid_until": (today() + dt.timedelta(days=200)).isoformat(),
        },
    )
    assert response.status_code == 415
    html = response.content.decode()
    assert "not one of the accepted types" in html
    assert 'value="503/77/SIUP/2025"' in html
    assert 'value="DPMPTSP Lampung Timur"' in html
    assert not VendorDocument.objects.exists()


def test_an_expired_licence_is_refused_on_the_page(as_registrant, draft):
    response = as_registrant.post(
        reverse("vendors:documents"),
        {
            "kind": "izin_usaha",
            "file": pdf_upload(),
            "number": "503/1",
            "issuer": "OSS",
            "valid_until": (today() - dt.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "This document expired on" in response.content.decode()
    assert not VendorDocument.objects.exists()


def test_another_vendors_document_is_not_found_and_the_attempt_audited(as_registrant, draft):
    other = VendorFactory()
    add_required_documents(other)
    theirs = VendorDocument.objects.filter(vendor=other).first()
    response = as_registrant.get(reverse("vendors:document_download", args=[theirs.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="vendor.access_refused")
    assert event.actor_id == draft.created_by_id
    assert event.object_id == str(other.pk)


# --- submission ---------------------------------------------------------------------------------


def test_submit_from_the_status_page_and_a_double_click(as_registrant, draft):
    refused = as_registrant.post(reverse("vendors:registration_submit"), follow=True)
    assert "not complete yet" in refused.content.decode()
    assert not VerificationRequest.objects.exists()
    services.registration_save(
        actor=draft.created_by,
        vendor=draft,
        values={"admin_nik": "1804011508850001", "phone": "0725-123456"},
    )
    add_required_documents(draft)
    page = as_registrant.get(reverse("vendors:home")).content.decode()
    assert reverse("vendors:registration_submit") in page
    sent = as_registrant.post(reverse("vendors:registration_submit"), follow=True)
    assert "was sent to LPSE Kabupaten Lampung Timur" in sent.content.decode()
    again = as_registrant.post(reverse("vendors:registration_submit"), follow=True)
    assert "already sent" in again.content.decode()
    assert VerificationRequest.objects.filter(vendor=draft).count() == 1
    assert Vendor.objects.get(pk=draft.pk).status == VendorStatus.SUBMITTED
    withdrawn = as_registrant.post(reverse("vendors:registration_withdraw"), follow=True)
    assert "was withdrawn" in withdrawn.content.decode()
    assert Vendor.objects.get(pk=draft.pk).status == VendorStatus.DRAFT


def test_documents_cannot_be_posted_while_waiting(as_registrant, draft):
    Vendor.objects.filter(pk=draft.pk).update(status=VendorStatus.SUBMITTED)
    response = as_registrant.post(
        reverse("vendors:documents"), {"kind": DocumentType.KTP, "file": pdf_upload()}
    )
    assert response.status_code == 302
    assert not VendorDocument.objects.exists()
