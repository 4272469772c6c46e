"""The generated registration and participation form (LT 25(6))."""

import pytest
from django.urls import reverse

from openlpse.vendors.services.form_pdf import (
    identity_snapshot,
    reference_code,
    registration_form_pdf,
    snapshot_sha256,
)
from openlpse.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor(lpse_karangasem):
    return VendorFactory(
        name="PT Maju Bersama Sejahtera",
        npwp="012345678901000",
        nib="9120001234567",
        admin_name="Budi Santoso",
        registration_lpse=lpse_karangasem,
    )


def test_the_form_is_a_pdf_with_the_company_its_numbers_and_the_reference(vendor):
    pdf = registration_form_pdf(vendor=vendor, language="en")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    for text in (
        "PT Maju Bersama Sejahtera",
        "01.234.567.8-901.000",
        "9120001234567",
        "Budi Santoso",
        "LPSE Kabupaten Karangasem",
        "Registration and participation form",
        "one user ID only",
        reference_code(vendor),
        snapshot_sha256(identity_snapshot(vendor)),
    ):
        assert text.encode("latin-1") in pdf, text


def test_the_layout_is_deterministic_and_follows_the_data(vendor):
    first = registration_form_pdf(vendor=vendor, language="en")
    assert registration_form_pdf(vendor=vendor, language="en") == first
    code = reference_code(vendor)
    vendor.phone = "0363-999999"
    assert reference_code(vendor) != code
    assert registration_form_pdf(vendor=vendor, language="en") != first


def test_text_from_the_vendor_cannot_break_the_layout(vendor):
    vendor.name = "CV A & B <b>Jaya</b>"
    pdf = registration_form_pdf(vendor=vendor, language="id")
    # The markup is shown as the characters typed, not read as formatting.
    assert b"(CV A & B <) Tj (b) Tj (>) Tj (Jaya) Tj (<) Tj (/b) Tj (>) Tj" in pdf


def test_the_page_serves_the_form_and_asks_for_a_complete_identity_first(client, vendor):
    client.force_login(vendor.created_by)
    response = client.get(reverse("vendors:form_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert reference_code(vendor) in response["Content-Disposition"]
    assert b"PT Maju Bersama Sejahtera" in response.content
    vendor.admin_nik = ""
    vendor.save()
    incomplete = client.get(reverse("vendors:form_pdf"))
    assert incomplete.status_code == 302
    assert incomplete["Location"] == reverse("vendors:registration_edit")
