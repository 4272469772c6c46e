"""The vendors' pages: open tenders, the tender page with "ikut tender", downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openlpse.core import clock
from openlpse.tenders.models import DocumentDownload, Participant, TenderDocument
from openlpse.tenders.tests.factories import announced_tender
from openlpse.tenders.tests.participation_support import tender_with_document, vendor_for
from openlpse.vendors.tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


def test_open_tenders_page_lists_the_matching_tender(english, sign_in):
    tender = tender_with_document(open_stage="pengumuman")
    closed = announced_tender(open_stage="upload_penawaran")
    vendor = vendor_for(tender)
    sign_in(vendor.created_by)

    page = english.get(reverse("tenders:vendor_open_tenders"))

    assert page.status_code == 200
    assert reverse("tenders:vendor_tender_detail", args=[tender.pk]).encode() in page.content
    assert closed.code.encode() not in page.content
    assert b"1 tender" in page.content


def test_open_tenders_page_query_count_is_constant(english, sign_in, django_assert_max_num_queries):
    first = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(first)
    for _ in range(4):
        announced_tender(open_stage="pengumuman")
    sign_in(vendor.created_by)
    with django_assert_max_num_queries(20):
        page = english.get(reverse("tenders:vendor_open_tenders"))
    assert b"5 tenders" in page.content


def test_a_person_without_a_vendor_sees_an_explanation(english, sign_in):
    tender = announced_tender(open_stage="pengumuman")
    sign_in(tender.officials.ppk, mfa=True)
    page = english.get(reverse("tenders:vendor_open_tenders"))
    assert page.status_code == 403
    assert b"This page is for the administrator and staff of a registered vendor" in page.content


def test_join_button_joins_once_and_then_downloads_are_logged(english, sign_in):
    tender = tender_with_document(open_stage="pengumuman")
    vendor = vendor_for(tender)
    sign_in(vendor.created_by)
    detail = reverse("tenders:vendor_tender_detail", args=[tender.pk])

    before = english.get(detail)
    assert b"Join this tender (ikut tender)" in before.content
    assert b"Join the tender to download the documents." in before.content

    first = english.post(reverse("tenders:vendor_join", args=[tender.pk]))
    second = english.post(reverse("tenders:vendor_join", args=[tender.pk]))
    assert first.status_code == second.status_code == 302
    assert Participant.objects.filter(tender=tender, vendor=vendor).count() == 1

    after = english.get(detail)
    assert b"Join this tender (ikut tender)" not in after.content
    document = TenderDocument.objects.get()
    download_url = reverse("tenders:vendor_document_download", args=[tender.pk, document.pk])
    assert download_url.encode() in after.content
    assert document.file.sha256.encode() in after.content

    response = english.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert DocumentDownload.objects.get().vendor == vendor


def test_joining_after_the_window_shows_the_refusal(english, sign_in):
    tender = tender_with_document(open_stage="pengumuman")
    vendor = vendor_for(tender)
    sign_in(vendor.created_by)
    end = tender.stages.get(code="download_dokumen").ends_at
    with clock.frozen(end):
        response = english.post(reverse("tenders:vendor_join", args=[tender.pk]))
    assert response.status_code == 409
    assert b"Joining the tender closed with the stage" in response.content
    assert Participant.objects.count() == 0


def test_a_non_participant_cannot_download(english, sign_in):
    tender = tender_with_document()
    vendor = vendor_for(tender)
    sign_in(vendor.created_by)
    document = TenderDocument.objects.get()
    response = english.get(
        reverse("tenders:vendor_document_download", args=[tender.pk, document.pk])
    )
    assert response.status_code == 403
    assert b"Only the participants of this tender can download its documents" in response.content
    assert DocumentDownload.objects.count() == 0


def test_a_draft_tender_page_is_not_found(client, sign_in):
    from openlpse.tenders.tests.factories import TenderFactory, assigned_package

    tender = TenderFactory(package=assigned_package())
    sign_in(vendor_for(tender).created_by)
    assert client.get(reverse("tenders:vendor_tender_detail", args=[tender.pk])).status_code == 404
    assert client.post(reverse("tenders:vendor_join", args=[tender.pk])).status_code == 404


def test_pages_need_sign_in(client):
    tender = announced_tender(open_stage="pengumuman")
    response = client.get(reverse("tenders:vendor_tender_detail", args=[tender.pk]))
    assert response.status_code == 302
    assert "next=" in response["Location"]
