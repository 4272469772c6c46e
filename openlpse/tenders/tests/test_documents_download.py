"""document_download: participants and the committee only, logged per vendor; the versions of
an unpublished addendum stay with the committee; the public history shows the SHA-256."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from openlpse.core import errors
from openlpse.tenders.enums import DocumentKind
from openlpse.tenders.models import DocumentDownload, TenderDocument
from openlpse.tenders.selectors_documents import public_documents
from openlpse.tenders.services import addenda
from openlpse.tenders.services.documents import document_download
from openlpse.tenders.tests.factories import TenderFactory, assigned_package, join
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    published_document,
    tender_with_document,
    upload,
    vendor_for,
    vendor_staff,
)
from openlpse.vendors.tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content)


def test_a_participant_downloads_and_the_download_is_logged_for_its_vendor():
    tender = tender_with_document()
    document = TenderDocument.objects.get(tender=tender)
    vendor = vendor_for(tender)
    join(tender, vendor)
    staff = vendor_staff(vendor)

    response = document_download(user=staff, document=document, ip="10.1.2.3")

    assert response.status_code == 200
    assert _body(response) == PDF_BYTES
    row = DocumentDownload.objects.get()
    assert (row.document, row.vendor, row.user, row.ip) == (document, vendor, staff, "10.1.2.3")


def test_the_committee_downloads_without_a_vendor_in_the_log():
    tender = tender_with_document()
    document = TenderDocument.objects.get(tender=tender)
    response = document_download(user=tender.committee.pokja[1], document=document)
    assert response.status_code == 200
    row = DocumentDownload.objects.get()
    assert (row.vendor, row.user) == (None, tender.committee.pokja[1])


@pytest.mark.parametrize("who", ["non_participant", "anonymous", "other_pokja"])
def test_others_cannot_download(who):
    tender = tender_with_document()
    document = TenderDocument.objects.get(tender=tender)
    user = {
        "non_participant": lambda: vendor_for(tender).created_by,
        "anonymous": AnonymousUser,
        "other_pokja": lambda: assigned_package().committee.chair,
    }[who]()
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        document_download(user=user, document=document)
    assert refused.value.code == "not_participant"
    assert str(refused.value).startswith("Only the participants of this tender can download")
    assert DocumentDownload.objects.count() == 0


def test_a_version_of_an_unpublished_addendum_is_not_found_for_participants():
    tender = tender_with_document()
    vendor = vendor_for(tender)
    join(tender, vendor)
    addendum = addenda.addendum_create(
        actor=tender.committee.chair,
        tender=tender,
        reason="Perubahan spesifikasi",
        documents=[addenda.NewDocument(DocumentKind.DOKUMEN_PEMILIHAN, "Adendum", upload(PDF_V2))],
    )
    draft = addendum.documents.get()

    with pytest.raises(errors.NotFound):
        document_download(user=vendor.created_by, document=draft)
    assert _body(document_download(user=tender.committee.chair, document=draft)) == PDF_V2
    assert [d.version for d in public_documents(tender=tender)] == [1]


def test_documents_of_a_draft_tender_are_neither_public_nor_downloadable_by_vendors():
    tender = TenderFactory(package=assigned_package())
    document = published_document(tender)
    vendor = vendor_for(tender)
    assert list(public_documents(tender=tender)) == []
    with pytest.raises(errors.NotFound):
        document_download(user=vendor.created_by, document=document)
    assert DocumentDownload.objects.count() == 0
