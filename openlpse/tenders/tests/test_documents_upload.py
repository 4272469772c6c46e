"""document_upload: drafts before the announcement, the SHA-256, and every refusal."""

from __future__ import annotations

import pytest
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.tenders.enums import DocumentKind, TenderMethod
from openlpse.tenders.models import Tender, TenderDocument
from openlpse.tenders.services.documents import document_upload
from openlpse.tenders.tests.factories import TenderFactory, announced_tender, assigned_package
from openlpse.tenders.tests.participation_support import PDF_V2, sha, upload, vendor_for
from openlpse.vendors.tests.factories import PDF_BYTES, make_verifikator

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return TenderFactory(package=assigned_package())


def _chair(tender):
    return tender.package.pokja_members.get(is_chair=True).user


def test_draft_upload_stores_version_one_with_its_sha256_and_bumps_setup_version(draft):
    member = draft.package.pokja_members.filter(is_chair=False).first().user

    document = document_upload(
        actor=member,
        tender=draft,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="  Dokumen Pemilihan No. 01/POKJA/2026 ",
        upload=upload(),
    )

    assert document.version == 1
    assert document.title == "Dokumen Pemilihan No. 01/POKJA/2026"
    assert document.file.sha256 == sha(PDF_BYTES)
    assert document.file.kind == "tender_document"
    assert document.addendum is None
    assert document.published_at is None
    assert Tender.objects.get(pk=draft.pk).setup_version == 2
    event = AuditEvent.objects.get(action="tender.document_upload")
    assert event.changes["sha256"] == sha(PDF_BYTES)
    assert event.changes["version"] == 1
    assert event.changes["replaced_sha256"] is None


def test_second_draft_upload_replaces_the_draft_in_place(draft):
    chair = _chair(draft)
    first = document_upload(
        actor=chair, tender=draft, kind=DocumentKind.DOKUMEN_PEMILIHAN, title="v1", upload=upload()
    )

    second = document_upload(
        actor=chair,
        tender=draft,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="v1 revisi",
        upload=upload(PDF_V2),
    )

    assert second.pk == first.pk
    assert list(TenderDocument.objects.values_list("version", "title")) == [(1, "v1 revisi")]
    assert second.file.sha256 == sha(PDF_V2)
    assert Tender.objects.get(pk=draft.pk).setup_version == 3
    events = AuditEvent.objects.filter(action="tender.document_upload").order_by("seq")
    assert [e.changes["replaced_sha256"] for e in events] == [None, sha(PDF_BYTES)]


def test_qualification_document_only_in_prequalification():
    pasca = TenderFactory(package=assigned_package())
    pra = TenderFactory(package=assigned_package(), method=TenderMethod.PRA_2_FILE)

    with translation.override("en"), pytest.raises(errors.ValidationError) as refused:
        document_upload(
            actor=_chair(pasca),
            tender=pasca,
            kind=DocumentKind.DOKUMEN_KUALIFIKASI,
            title="Dokumen Kualifikasi",
            upload=upload(),
        )
    document = document_upload(
        actor=_chair(pra),
        tender=pra,
        kind=DocumentKind.DOKUMEN_KUALIFIKASI,
        title="Dokumen Kualifikasi",
        upload=upload(),
    )

    assert refused.value.code == "kind_not_in_method"
    assert "Only a pre-qualification tender" in refused.value.fields["kind"][0]
    assert document.kind == DocumentKind.DOKUMEN_KUALIFIKASI
    assert TenderDocument.objects.filter(tender=pasca).count() == 0


def test_empty_title_is_refused_and_nothing_is_stored(draft):
    files = StoredFile.objects.count()
    with translation.override("en"), pytest.raises(errors.ValidationError) as refused:
        document_upload(
            actor=_chair(draft),
            tender=draft,
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
            title="  ",
            upload=upload(),
        )
    assert refused.value.fields == {"title": ["Enter the document's title, e.g. its number."]}
    assert TenderDocument.objects.count() == 0
    assert StoredFile.objects.count() == files


def test_a_file_of_another_type_is_refused(draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("dokumen.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(errors.UnsupportedMediaType):
        document_upload(
            actor=_chair(draft),
            tender=draft,
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
            title="x",
            upload=exe,
        )
    assert TenderDocument.objects.count() == 0


def test_after_the_announcement_a_document_changes_only_through_an_addendum():
    tender = announced_tender(open_stage="penjelasan")
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        document_upload(
            actor=tender.committee.chair,
            tender=tender,
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
            title="Dokumen baru",
            upload=upload(),
        )
    assert refused.value.code == "addendum_required"
    assert str(refused.value).startswith("The tender is announced: its documents change only")
    assert TenderDocument.objects.count() == 0


@pytest.mark.parametrize(
    "who", ["ppk", "pa", "ulp_head", "other_pokja", "lpse_staff", "vendor", "stranger"]
)
def test_only_the_committee_uploads(draft, who):
    officials = draft.package.officials
    other = assigned_package()
    people = {
        "ppk": lambda: officials.ppk,
        "pa": lambda: officials.pa,
        "ulp_head": lambda: draft.package.committee.ulp_head,
        "other_pokja": lambda: other.committee.chair,
        "lpse_staff": lambda: make_verifikator(draft.lpse),
        "vendor": lambda: vendor_for(draft).created_by,
        "stranger": lambda: UserFactory(),
    }
    actor = people[who]()
    files = StoredFile.objects.count()

    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        document_upload(
            actor=actor,
            tender=draft,
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
            title="x",
            upload=upload(),
        )

    assert refused.value.code == "not_committee"
    assert TenderDocument.objects.count() == 0
    assert StoredFile.objects.count() == files
    assert Tender.objects.get(pk=draft.pk).setup_version == 1
    assert not AuditEvent.objects.filter(action="tender.document_upload").exists()


def test_pejabat_pengadaan_uploads_for_pengadaan_langsung():
    package = assigned_package(pengadaan_langsung=True)
    tender = TenderFactory(package=package, method=TenderMethod.PENGADAAN_LANGSUNG)
    document = document_upload(
        actor=package.committee.pejabat_pengadaan,
        tender=tender,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="Dokumen Pengadaan",
        upload=upload(),
    )
    assert document.version == 1
