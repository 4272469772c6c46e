"""Sending the registration for verification (LT 12(2), KA 12(2)): what it needs, the
snapshot it keeps, the notifications, double clicks, resubmission and withdrawal."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.vendors.enums import BusinessForm, DocumentType, VendorStatus, VerificationStatus
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import DocumentReview, Vendor, VendorDocument, VerificationRequest
from openlpse.vendors.services import registration as services
from openlpse.vendors.services.form_pdf import identity_snapshot, reference_code, snapshot_sha256
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorDocumentFactory,
    VendorFactory,
    add_required_documents,
    make_verifikator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(lpse_lampung_timur):
    """A complete draft with every required document."""
    vendor = VendorFactory(registration_lpse=lpse_lampung_timur)
    add_required_documents(vendor)
    return vendor


def state(vendor):
    vendor.refresh_from_db()
    return (vendor.status, vendor.submitted_at, VerificationRequest.objects.count())


def test_submit_creates_a_request_with_a_snapshot_and_notifies_both_sides(
    ready, lpse_lampung_timur, lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    verifikator = make_verifikator(lpse_lampung_timur, preferred_language="en")
    elsewhere = make_verifikator(lpse_karangasem)
    at = timezone.now().replace(microsecond=0)
    with clock.frozen(at), django_capture_on_commit_callbacks(execute=True):
        request = services.registration_submit(actor=ready.created_by, vendor=ready)
    ready.refresh_from_db()
    assert (ready.status, ready.submitted_at) == (VendorStatus.SUBMITTED, at)
    assert request.status == VerificationStatus.PENDING
    assert (request.kind, request.lpse, request.submitted_by) == (
        "registration",
        lpse_lampung_timur,
        ready.created_by,
    )
    assert request.data["identity"] == identity_snapshot(ready)
    assert request.data["identity_sha256"] == snapshot_sha256(identity_snapshot(ready))
    assert request.data["reference"] == reference_code(ready)
    current = {d.kind: d for d in VendorDocument.objects.filter(vendor=ready, is_current=True)}
    assert set(request.data["documents"]) == set(current)
    ktp = current[DocumentType.KTP]
    assert request.data["documents"]["ktp"] == {
        "id": ktp.pk,
        "version": ktp.version,
        "sha256": ktp.file.sha256,
    }
    notified = set(
        Notification.objects.filter(topic="vendor.registration_submitted").values_list(
            "user_id", flat=True
        )
    )
    assert notified == {verifikator.pk, ready.created_by_id}
    assert elsewhere.pk not in notified
    to_verifikator = next(m for m in mailoutbox if m.to == [verifikator.email])
    assert ready.name in to_verifikator.subject
    event = AuditEvent.objects.get(action="vendor.registration_submit")
    assert event.changes["request"] == request.pk
    assert event.lpse_id == lpse_lampung_timur.pk


def test_a_double_submit_creates_no_second_request(ready):
    services.registration_submit(actor=ready.created_by, vendor=ready)
    before = state(ready)
    with pytest.raises(errors.Conflict) as caught:
        services.registration_submit(actor=ready.created_by, vendor=ready)
    assert caught.value.code == "already_submitted"
    assert "waiting for verification" in str(caught.value) or "menunggu" in str(caught.value)
    assert state(ready) == before
    assert AuditEvent.objects.filter(action="vendor.registration_submit").count() == 1


def test_a_stale_vendor_object_double_submit_is_caught_by_the_lock(ready):
    stale = Vendor.objects.get(pk=ready.pk)  # loaded before the first submit (second tab)
    services.registration_submit(actor=ready.created_by, vendor=ready)
    with pytest.raises(errors.Conflict) as caught:
        services.registration_submit(actor=ready.created_by, vendor=stale)
    assert caught.value.code == "already_submitted"
    assert VerificationRequest.objects.count() == 1


def test_the_pending_constraint_backs_the_check(ready, lpse_lampung_timur):
    # A request waiting although the vendor row still says draft (e.g. a race): refused.
    VerificationRequest.objects.create(
        vendor=ready,
        kind="registration",
        lpse=lpse_lampung_timur,
        submitted_by=ready.created_by,
        submitted_at=timezone.now(),
    )
    with pytest.raises(errors.Conflict) as caught:
        services.registration_submit(actor=ready.created_by, vendor=ready)
    assert caught.value.code == "already_submitted"
    assert Vendor.objects.get(pk=ready.pk).status == VendorStatus.DRAFT


def test_an_incomplete_identity_cannot_be_submitted(lpse_lampung_timur):
    vendor = VendorFactory(registration_lpse=lpse_lampung_timur, admin_nik="", phone="")
    add_required_documents(vendor)
    before = state(vendor)
    with pytest.raises(errors.ValidationError) as caught:
        services.registration_submit(actor=vendor.created_by, vendor=vendor)
    assert caught.value.code == "registration_incomplete"
    assert set(caught.value.fields) == {"admin_nik", "phone"}
    assert state(vendor) == before


def test_missing_documents_are_named(lpse_lampung_timur):
    vendor = VendorFactory(registration_lpse=lpse_lampung_timur)
    VendorDocumentFactory(vendor=vendor, kind=DocumentType.KTP)
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.registration_submit(actor=vendor.created_by, vendor=vendor)
    assert caught.value.code == "documents_missing"
    assert set(caught.value.fields) == {"akta_pendirian", "npwp", "izin_usaha", "formulir"}
    assert caught.value.fields["npwp"] == ["Upload this document on the documents page."]
    assert VerificationRequest.objects.count() == 0


def test_an_individual_needs_no_deed_of_establishment(lpse_lampung_timur):
    vendor = VendorFactory(
        registration_lpse=lpse_lampung_timur, business_form=BusinessForm.PERORANGAN
    )
    for doc in add_required_documents(vendor):
        if doc.kind == DocumentType.AKTA_PENDIRIAN:
            doc.delete()
    request = services.registration_submit(actor=vendor.created_by, vendor=vendor)
    assert "akta_pendirian" not in request.data["documents"]


def test_a_licence_that_expired_since_its_upload_blocks_the_submission(ready):
    VendorDocument.objects.filter(vendor=ready, kind=DocumentType.IZIN_USAHA).update(
        valid_until=timezone.now().date() - dt.timedelta(days=3)
    )
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.registration_submit(actor=ready.created_by, vendor=ready)
    assert caught.value.fields == {
        "izin_usaha": ["This document has expired. Upload the one in force now."]
    }
    assert VerificationRequest.objects.count() == 0


def test_a_blacklisted_company_cannot_submit_and_the_attempt_is_audited(ready):
    entry = BlacklistEntryFactory(nib=ready.nib, npwp="")
    with pytest.raises(Blacklisted):
        services.registration_submit(actor=ready.created_by, vendor=ready)
    assert VerificationRequest.objects.count() == 0
    event = AuditEvent.objects.get(action="vendor.registration_blocked")
    assert event.changes["stage"] == "registration_submit"
    assert event.changes["blacklist_entry"] == entry.pk


def test_another_person_cannot_submit(ready):
    intruder = UserFactory()
    with pytest.raises(errors.NotFound):
        services.registration_submit(actor=intruder, vendor=ready)
    assert state(ready)[0] == VendorStatus.DRAFT
    assert AuditEvent.objects.filter(action="vendor.access_refused", actor_id=intruder.pk).exists()


def test_after_a_rejection_the_vendor_fixes_and_submits_again_keeping_the_history(ready):
    first = services.registration_submit(actor=ready.created_by, vendor=ready)
    # The verifikator's decision (the verification helper's service does this).
    decider = make_verifikator(ready.registration_lpse)
    VerificationRequest.objects.filter(pk=first.pk).update(
        status=VerificationStatus.REJECTED, decided_by=decider, decided_at=timezone.now()
    )
    DocumentReview.objects.create(
        request=first, item="ktp", accepted=False, reason="KTP tidak terbaca"
    )
    Vendor.objects.filter(pk=ready.pk).update(status=VendorStatus.REJECTED)
    ready.refresh_from_db()
    services.registration_save(actor=ready.created_by, vendor=ready, values={"phone": "0725-1111"})
    second = services.registration_submit(actor=ready.created_by, vendor=ready)
    assert second.pk != first.pk
    assert list(
        VerificationRequest.objects.filter(vendor=ready)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["rejected", "pending"]
    assert second.data["identity"]["phone"] == "0725-1111"


def test_withdraw_takes_the_registration_back_to_draft(ready):
    request = services.registration_submit(actor=ready.created_by, vendor=ready)
    services.registration_withdraw(actor=ready.created_by, vendor=ready)
    request.refresh_from_db()
    ready.refresh_from_db()
    assert request.status == VerificationStatus.WITHDRAWN
    assert ready.status == VendorStatus.DRAFT
    assert AuditEvent.objects.filter(action="vendor.registration_withdraw").count() == 1
    with pytest.raises(errors.Conflict):
        services.registration_withdraw(actor=ready.created_by, vendor=ready)
    # It can be edited and sent again.
    services.registration_save(actor=ready.created_by, vendor=ready, values={"city": "Metro"})
    services.registration_submit(actor=ready.created_by, vendor=ready)
