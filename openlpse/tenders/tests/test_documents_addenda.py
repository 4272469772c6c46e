"""Addenda: create, PPK approval where the HPS/specifications/contract change, publish (new
versions supersede the old, public history, participants notified), refusals."""

from __future__ import annotations

import pytest
from django.utils import translation

from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.tenders.enums import AddendumStatus, DocumentKind
from openlpse.tenders.models import Addendum, Tender, TenderDocument
from openlpse.tenders.selectors_documents import current_documents, public_documents
from openlpse.tenders.services import addenda
from openlpse.tenders.services.addenda import NewDocument
from openlpse.tenders.services.documents import document_upload
from openlpse.tenders.tests.factories import join
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    PDF_V3,
    sha,
    tender_with_document,
    upload,
    vendor_for,
    vendor_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return tender_with_document()


def _new(tender, content=PDF_V2, **flags):
    return addenda.addendum_create(
        actor=tender.committee.chair,
        tender=tender,
        reason="Perubahan volume pekerjaan tanah.",
        documents=[
            NewDocument(
                DocumentKind.DOKUMEN_PEMILIHAN, "Adendum 1 Dokumen Pemilihan", upload(content)
            )
        ],
        **flags,
    )


def test_publishing_an_addendum_supersedes_the_old_version_and_notifies_participants(
    tender, django_capture_on_commit_callbacks
):
    vendor = vendor_for(tender)
    staff = vendor_staff(vendor)
    join(tender, vendor)
    outsider = vendor_for(tender)
    addendum = _new(tender)
    assert addendum.number == 1
    assert addendum.status == AddendumStatus.DRAFT
    assert [d.version for d in public_documents(tender=tender)] == [1]  # v2 not public yet

    with django_capture_on_commit_callbacks(execute=True):
        published = addenda.addendum_publish(actor=tender.committee.pokja[1], addendum=addendum)

    assert published.status == AddendumStatus.PUBLISHED
    assert published.published_at is not None
    history = list(public_documents(tender=tender))
    assert [(d.version, d.superseded_at is None) for d in history] == [(2, True), (1, False)]
    assert history[1].superseded_at == published.published_at
    assert history[0].published_at == published.published_at
    assert [d.file.sha256 for d in current_documents(tender=tender)] == [sha(PDF_V2)]
    notified = set(
        Notification.objects.filter(topic="tender.addendum_published").values_list(
            "user_id", flat=True
        )
    )
    assert notified == {vendor.created_by_id, staff.pk}
    assert outsider.created_by_id not in notified
    assert Tender.objects.get(pk=tender.pk).public_modified_at >= published.published_at
    event = AuditEvent.objects.get(action="tender.addendum_publish")
    assert event.changes["documents"] == [
        {"kind": "dokumen_pemilihan", "version": 2, "sha256": sha(PDF_V2)}
    ]


def test_change_of_hps_needs_the_ppk_approval_before_publishing(
    tender, django_capture_on_commit_callbacks
):
    ppk = tender.officials.ppk
    addendum = _new(tender, changes_hps=True)

    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert refused.value.code == "addendum_needs_ppk_approval"

    submitted = addenda.addendum_submit(actor=tender.committee.chair, addendum=addendum)
    assert submitted.status == AddendumStatus.AWAITING_PPK
    assert Notification.objects.filter(user=ppk, topic="tender.addendum_awaiting_ppk").count() == 1

    with pytest.raises(errors.Conflict) as waiting:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert waiting.value.code == "addendum_awaiting_ppk"

    approved = addenda.addendum_decide(actor=ppk, addendum=addendum, approve=True, note="Setuju")
    assert approved.status == AddendumStatus.DRAFT
    assert approved.ppk_decided_by == ppk
    assert approved.ppk_note == "Setuju"
    assert addenda.is_approved(approved)
    assert set(
        Notification.objects.filter(topic="tender.addendum_decided").values_list(
            "user_id", flat=True
        )
    ) == {u.pk for u in tender.committee.pokja}

    published = addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert published.status == AddendumStatus.PUBLISHED


def test_rejection_needs_a_note_and_a_changed_addendum_goes_to_the_ppk_again(tender):
    ppk = tender.officials.ppk
    addendum = addenda.addendum_submit(
        actor=tender.committee.chair, addendum=_new(tender, changes_specifications=True)
    )

    with translation.override("en"), pytest.raises(errors.ValidationError) as no_note:
        addenda.addendum_decide(actor=ppk, addendum=addendum, approve=False, note=" ")
    assert no_note.value.fields == {
        "note": ["Say why you reject the addendum, so the committee knows what to change."]
    }
    assert Addendum.objects.get(pk=addendum.pk).status == AddendumStatus.AWAITING_PPK

    rejected = addenda.addendum_decide(
        actor=ppk, addendum=addendum, approve=False, note="Spesifikasi belum sesuai KAK"
    )
    assert rejected.status == AddendumStatus.REJECTED
    with pytest.raises(errors.Conflict) as publish_rejected:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=rejected)
    assert publish_rejected.value.code == "addendum_rejected"

    document = document_upload(
        actor=tender.committee.chair,
        tender=tender,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="Adendum 1 revisi",
        upload=upload(PDF_V3),
        addendum=rejected,
    )
    changed = Addendum.objects.get(pk=addendum.pk)
    assert changed.status == AddendumStatus.DRAFT
    assert changed.ppk_decided_at is None
    assert document.version == 2  # replaced in place, never public
    assert TenderDocument.objects.filter(tender=tender).count() == 2
    resubmitted = addenda.addendum_submit(actor=tender.committee.chair, addendum=changed)
    assert resubmitted.status == AddendumStatus.AWAITING_PPK


def test_a_document_uploaded_after_approval_needs_a_new_approval(tender):
    ppk = tender.officials.ppk
    addendum = addenda.addendum_submit(
        actor=tender.committee.chair, addendum=_new(tender, changes_contract=True)
    )
    addenda.addendum_decide(actor=ppk, addendum=addendum, approve=True)
    document_upload(
        actor=tender.committee.chair,
        tender=tender,
        kind=DocumentKind.DOKUMEN_PEMILIHAN,
        title="Adendum 1 diubah",
        upload=upload(PDF_V3),
        addendum=addendum,
    )
    with pytest.raises(errors.Conflict) as refused:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert refused.value.code == "addendum_needs_ppk_approval"


@pytest.mark.parametrize("who", ["chair", "member", "pa", "vendor"])
def test_only_the_ppk_decides(tender, who):
    addendum = addenda.addendum_submit(
        actor=tender.committee.chair, addendum=_new(tender, changes_hps=True)
    )
    actor = {
        "chair": tender.committee.chair,
        "member": tender.committee.pokja[2],
        "pa": tender.officials.pa,
        "vendor": vendor_for(tender).created_by,
    }[who]
    with pytest.raises(errors.PermissionDenied) as refused:
        addenda.addendum_decide(actor=actor, addendum=addendum, approve=True)
    assert refused.value.code == "not_ppk"
    again = Addendum.objects.get(pk=addendum.pk)
    assert again.status == AddendumStatus.AWAITING_PPK
    assert again.ppk_decided_at is None


def test_an_addendum_without_ppk_changes_is_not_sent_to_the_ppk(tender):
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        addenda.addendum_submit(actor=tender.committee.chair, addendum=_new(tender))
    assert refused.value.code == "addendum_needs_no_ppk"
    assert "Publish it directly" in str(refused.value)


def test_publishing_without_a_document_is_refused(tender):
    addendum = addenda.addendum_create(
        actor=tender.committee.chair, tender=tender, reason="Perubahan jadwal penjelasan"
    )
    with pytest.raises(errors.Conflict) as refused:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert refused.value.code == "addendum_without_documents"
    assert Addendum.objects.get(pk=addendum.pk).status == AddendumStatus.DRAFT


def test_reason_is_required(tender):
    with translation.override("en"), pytest.raises(errors.ValidationError) as refused:
        addenda.addendum_create(actor=tender.committee.chair, tender=tender, reason="   ")
    assert refused.value.fields == {
        "reason": ["Give the reason for the addendum: every participant and the public read it."]
    }
    assert Addendum.objects.count() == 0


def test_one_open_addendum_at_a_time_and_discard(tender):
    first = _new(tender)
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        _new(tender, content=PDF_V3)
    assert refused.value.code == "addendum_open"
    assert "Addendum 1 is still open" in str(refused.value)

    addenda.addendum_discard(actor=tender.committee.chair, addendum=first)
    assert Addendum.objects.count() == 0
    assert TenderDocument.objects.filter(tender=tender).count() == 1
    event = AuditEvent.objects.get(action="tender.addendum_discard")
    assert event.changes["documents"][0]["sha256"] == sha(PDF_V2)
    assert _new(tender, content=PDF_V3).number == 1


def test_numbers_and_versions_follow_each_published_addendum(tender):
    addenda.addendum_publish(actor=tender.committee.chair, addendum=_new(tender))
    second = _new(tender, content=PDF_V3)
    addenda.addendum_publish(actor=tender.committee.chair, addendum=second)
    assert second.number == 2
    assert [
        (d.version, d.addendum.number if d.addendum else None)
        for d in public_documents(tender=tender)
    ] == [(3, 2), (2, 1), (1, None)]
    assert [d.version for d in current_documents(tender=tender)] == [3]


def test_addenda_are_refused_after_the_bid_upload_deadline():
    tender = tender_with_document(open_stage="pembukaan")
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        addenda.addendum_create(actor=tender.committee.chair, tender=tender, reason="Terlambat")
    assert refused.value.code == "addendum_after_bid_deadline"
    assert str(refused.value).startswith("The bid upload deadline passed on ")
    assert str(refused.value).endswith("Nothing was saved.")
    assert Addendum.objects.count() == 0


def test_an_open_addendum_cannot_be_published_once_the_deadline_passed(tender):
    from openlpse.tenders.tests.factories import lay_out_stages

    addendum = _new(tender)
    lay_out_stages(tender, "pembukaan")
    with pytest.raises(errors.Conflict) as refused:
        addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum)
    assert refused.value.code == "addendum_after_bid_deadline"
    assert Addendum.objects.get(pk=addendum.pk).status == AddendumStatus.DRAFT
    assert [d.version for d in current_documents(tender=tender)] == [1]


@pytest.mark.parametrize("who", ["ppk", "vendor", "other_pokja"])
def test_only_the_committee_writes_addenda(tender, who):
    from openlpse.tenders.tests.factories import assigned_package

    actor = {
        "ppk": tender.officials.ppk,
        "vendor": vendor_for(tender).created_by,
        "other_pokja": assigned_package().committee.chair,
    }[who]
    with pytest.raises(errors.PermissionDenied) as refused:
        addenda.addendum_create(actor=actor, tender=tender, reason="x")
    assert refused.value.code == "not_committee"
    assert Addendum.objects.count() == 0
