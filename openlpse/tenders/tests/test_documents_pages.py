"""The committee's document and addendum pages and the PPK's decision page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openlpse.tenders.enums import AddendumStatus, DocumentKind
from openlpse.tenders.models import Addendum, DocumentDownload, TenderDocument
from openlpse.tenders.tests.factories import TenderFactory, assigned_package
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    sha,
    tender_with_document,
    upload,
    vendor_for,
)
from openlpse.vendors.tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


def test_committee_uploads_the_draft_through_the_page(english, sign_in):
    tender = TenderFactory(package=assigned_package())
    chair = tender.package.committee.chair
    sign_in(chair, mfa=True)
    url = reverse("tenders:document_list", args=[tender.pk])

    page = english.get(url)
    assert page.status_code == 200
    assert b"No document has been uploaded yet" in page.content

    response = english.post(
        url,
        {
            "kind": DocumentKind.DOKUMEN_PEMILIHAN,
            "title": "Dokumen Pemilihan 01",
            "file": upload(),
        },
    )
    assert response.status_code == 302
    document = TenderDocument.objects.get(tender=tender)
    listing = english.get(url)
    assert sha(PDF_BYTES).encode() in listing.content
    assert document.title.encode() in listing.content


def test_a_refused_upload_keeps_what_was_typed(english, sign_in):
    tender = TenderFactory(package=assigned_package())
    sign_in(tender.package.committee.chair, mfa=True)
    response = english.post(
        reverse("tenders:document_list", args=[tender.pk]),
        {
            "kind": DocumentKind.DOKUMEN_KUALIFIKASI,
            "title": "Judul yang diketik",
            "file": upload(),
        },
    )
    assert response.status_code == 400
    assert b"Judul yang diketik" in response.content
    assert TenderDocument.objects.count() == 0


@pytest.mark.parametrize("who", ["vendor", "other_pokja"])
def test_others_get_not_found(client, sign_in, who):
    tender = tender_with_document()
    user = vendor_for(tender).created_by if who == "vendor" else assigned_package().committee.chair
    sign_in(user, mfa=who != "vendor")
    for name in ("document_list", "document_downloads", "addendum_create"):
        assert client.get(reverse(f"tenders:{name}", args=[tender.pk])).status_code == 404
    document = TenderDocument.objects.get()
    url = reverse("tenders:document_download", args=[tender.pk, document.pk])
    assert client.get(url).status_code == 404
    assert DocumentDownload.objects.count() == 0


def test_addendum_flow_through_the_pages_with_the_ppk_decision(english, client, sign_in):
    tender = tender_with_document()
    chair, ppk = tender.committee.chair, tender.officials.ppk
    sign_in(chair, mfa=True)

    created = english.post(
        reverse("tenders:addendum_create", args=[tender.pk]),
        {
            "reason": "Perubahan spesifikasi teknis",
            "changes_specifications": "on",
            "kind": DocumentKind.DOKUMEN_PEMILIHAN,
            "title": "Adendum 1",
            "file": upload(PDF_V2),
        },
    )
    addendum = Addendum.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("tenders:addendum_detail", args=[addendum.pk])

    early = english.post(reverse("tenders:addendum_publish", args=[addendum.pk]))
    assert early.status_code == 409
    assert b"send it to the PPK and publish it after their approval" in early.content

    english.post(reverse("tenders:addendum_submit", args=[addendum.pk]))
    assert Addendum.objects.get().status == AddendumStatus.AWAITING_PPK

    client.logout()
    sign_in(ppk, mfa=True)
    english.cookies["openlpse_language"] = "en"  # logging out cleared the language cookie
    queue = english.get(reverse("tenders:addendum_ppk_queue"))
    assert reverse("tenders:addendum_detail", args=[addendum.pk]).encode() in queue.content
    refused = english.post(
        reverse("tenders:addendum_decide", args=[addendum.pk]), {"decision": "reject", "note": ""}
    )
    assert refused.status_code == 400
    assert b"Say why you reject the addendum" in refused.content
    english.post(
        reverse("tenders:addendum_decide", args=[addendum.pk]),
        {"decision": "approve", "note": "Sesuai"},
    )
    assert Addendum.objects.get().ppk_decided_by == ppk

    client.logout()
    sign_in(chair, mfa=True)
    published = english.post(reverse("tenders:addendum_publish", args=[addendum.pk]))
    assert published.status_code == 302
    assert Addendum.objects.get().status == AddendumStatus.PUBLISHED
    assert list(
        TenderDocument.objects.filter(superseded_at__isnull=True).values_list("version", flat=True)
    ) == [2]


def test_the_ppk_cannot_reach_another_packages_addendum(client, sign_in):
    tender = tender_with_document()
    other = tender_with_document()
    from openlpse.tenders.services import addenda

    addendum = addenda.addendum_create(
        actor=other.committee.chair, tender=other, reason="x", changes_hps=True
    )
    sign_in(tender.officials.ppk, mfa=True)
    assert client.get(reverse("tenders:addendum_detail", args=[addendum.pk])).status_code == 404
    response = client.post(
        reverse("tenders:addendum_decide", args=[addendum.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert Addendum.objects.get(pk=addendum.pk).ppk_decided_at is None


def test_download_log_page_lists_vendor_downloads(english, sign_in):
    from openlpse.tenders.services.documents import document_download
    from openlpse.tenders.tests.factories import join

    tender = tender_with_document()
    vendor = vendor_for(tender)
    join(tender, vendor)
    document_download(user=vendor.created_by, document=TenderDocument.objects.get())
    sign_in(tender.committee.chair, mfa=True)
    page = english.get(reverse("tenders:document_downloads", args=[tender.pk]))
    assert page.status_code == 200
    assert vendor.name.encode() in page.content
