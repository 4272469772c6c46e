"""Registration documents (LT 25(1)a.2, LT 25(3)): versions, hashes, validity, refusals."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openlpse.accounts.permissions import today
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.vendors.enums import DocumentType, VendorStatus
from openlpse.vendors.models import VendorDocument
from openlpse.vendors.services import documents as services
from openlpse.vendors.services.form_pdf import reference_code
from openlpse.vendors.tests.factories import (
    PDF_BYTES,
    VendorFactory,
    make_verified_vendor,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def upload(vendor, kind=DocumentType.KTP, file=None, **details):
    return services.document_upload(
        actor=vendor.created_by, vendor=vendor, kind=kind, upload=file or pdf_upload(), **details
    )


def counts():
    return (VendorDocument.objects.count(), StoredFile.objects.count())


def test_an_upload_is_stored_hashed_and_becomes_the_current_version():
    vendor = VendorFactory()
    document = upload(vendor, number="1804011508850001")
    assert (document.kind, document.version, document.is_current) == ("ktp", 1, True)
    assert document.file.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.file.size == len(PDF_BYTES)
    assert document.file.kind == "vendor_document"
    assert document.uploaded_by == vendor.created_by
    event = AuditEvent.objects.get(action="vendor.document_upload")
    assert event.changes["version"] == 1
    assert event.changes["sha256"] == document.file.sha256


def test_a_new_upload_makes_a_new_version_and_keeps_the_old_one():
    vendor = VendorFactory()
    first = upload(vendor)
    second = upload(vendor, file=pdf_upload("ktp-baru.pdf", PDF_BYTES + b"%baru\n"))
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    assert VendorDocument.objects.filter(vendor=vendor, kind="ktp").count() == 2
    other_kind = upload(vendor, kind=DocumentType.NPWP)
    assert other_kind.version == 1


def test_the_business_licence_needs_number_issuer_and_validity():
    vendor = VendorFactory()
    before = counts()
    with pytest.raises(errors.ValidationError) as caught:
        upload(vendor, kind=DocumentType.IZIN_USAHA)
    assert set(caught.value.fields) == {"number", "issuer", "valid_until"}
    assert counts() == before
    document = upload(
        vendor,
        kind=DocumentType.IZIN_USAHA,
        number="503/123/SIUP/2025",
        issuer="DPMPTSP Kabupaten Lampung Timur",
        issued_on=today() - dt.timedelta(days=30),
        valid_until=today() + dt.timedelta(days=365),
    )
    assert document.number == "503/123/SIUP/2025"


def test_a_document_past_its_validity_is_refused_with_its_date():
    vendor = VendorFactory()
    before = counts()
    with pytest.raises(errors.ValidationError) as caught:
        upload(
            vendor,
            kind=DocumentType.IZIN_USAHA,
            number="503/1",
            issuer="OSS",
            valid_until=today() - dt.timedelta(days=1),
        )
    assert caught.value.code == "document_expired"
    assert set(caught.value.fields) == {"valid_until"}
    assert counts() == before


def test_a_licence_valid_until_today_is_accepted_and_a_future_issue_date_is_not():
    vendor = VendorFactory()
    upload(vendor, kind=DocumentType.IZIN_USAHA, number="1", issuer="OSS", valid_until=today())
    with pytest.raises(errors.ValidationError) as caught:
        upload(vendor, kind=DocumentType.AKTA_PENDIRIAN, issued_on=today() + dt.timedelta(days=1))
    assert set(caught.value.fields) == {"issued_on"}


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored():
    vendor = VendorFactory()
    before = counts()
    exe = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    with pytest.raises(errors.UnsupportedMediaType) as caught:
        upload(vendor, file=exe)
    assert caught.value.http_status == 415
    assert "ktp.pdf" in str(caught.value)
    assert counts() == before
    assert not AuditEvent.objects.filter(action="vendor.document_upload").exists()


def test_an_oversize_file_is_refused_and_nothing_is_stored():
    vendor = VendorFactory()
    before = counts()
    big = SimpleUploadedFile(
        "akta.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf"
    )
    with pytest.raises(errors.PayloadTooLarge) as caught:
        upload(vendor, kind=DocumentType.AKTA_PENDIRIAN, file=big)
    assert "10 MB" in str(caught.value)
    assert counts() == before


def test_only_the_documents_of_the_rules_are_accepted():
    vendor = VendorFactory()
    with pytest.raises(errors.ValidationError) as caught:
        upload(vendor, kind="surat_referensi_bank")  # LT 25(3): nothing more
    assert set(caught.value.fields) == {"kind"}
    assert counts() == (0, 0)


def test_the_signed_form_records_the_reference_of_the_data():
    vendor = VendorFactory()
    document = upload(vendor, kind=DocumentType.FORMULIR)
    assert document.number == reference_code(vendor)


def test_another_person_cannot_upload_to_a_vendor_and_is_audited():
    vendor = VendorFactory()
    intruder = UserFactory()
    with pytest.raises(errors.NotFound):
        services.document_upload(actor=intruder, vendor=vendor, kind="ktp", upload=pdf_upload())
    assert counts() == (0, 0)
    assert AuditEvent.objects.filter(action="vendor.access_refused", actor_id=intruder.pk).exists()


@pytest.mark.parametrize("status", [VendorStatus.SUBMITTED, VendorStatus.VERIFIED])
def test_documents_cannot_change_while_waiting_or_after_verification(status):
    vendor = (
        make_verified_vendor() if status == VendorStatus.VERIFIED else VendorFactory(status=status)
    )
    with pytest.raises(errors.Conflict):
        upload(vendor)
    assert counts() == (0, 0)


def test_own_documents_are_readable_others_are_not_found_and_audited():
    vendor = VendorFactory()
    document = upload(vendor)
    assert (
        services.access_own_document(actor=vendor.created_by, document_id=document.pk) == document
    )
    intruder = UserFactory()
    with pytest.raises(errors.NotFound):
        services.access_own_document(actor=intruder, document_id=document.pk)
    with pytest.raises(errors.NotFound):
        services.access_own_document(actor=intruder, document_id=999_999)
    events = AuditEvent.objects.filter(action="vendor.access_refused")
    assert events.count() == 1
    assert events.get().changes["attempted"] == f"document.read:{document.pk}"
