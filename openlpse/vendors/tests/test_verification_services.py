"""verification_approve / verification_reject: every transition and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import RoleAssignment
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.vendors.enums import BusinessForm, DocumentType, VendorStatus
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import DocumentReview, Officer, Owner, Vendor
from openlpse.vendors.services.verification import verification_approve, verification_reject
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorDocumentFactory,
    VendorFactory,
    VerificationRequestFactory,
    grant_vendor_role,
    make_submitted_registration,
    make_verified_vendor,
    make_verifikator,
    next_nik,
)
from openlpse.vendors.tests.verification_support import audit_actions, snapshot

pytestmark = pytest.mark.django_db

REQUIRED = ["ktp", "akta_pendirian", "npwp", "izin_usaha", "formulir"]


@pytest.fixture
def lpse(lpse_lampung_timur):
    return lpse_lampung_timur


@pytest.fixture
def verifikator(lpse):
    return make_verifikator(lpse, full_name="Budi Verifikator", nik=next_nik(500))


@pytest.fixture
def vreq(lpse):
    return make_submitted_registration(lpse=lpse, name="PT Maju Jaya")


def identity_change(lpse, **proposed):
    vendor = make_verified_vendor(lpse=lpse, name="CV Lama")
    return VerificationRequestFactory(
        vendor=vendor, kind="identity_change", lpse=lpse, data={"proposed": proposed}
    )


def all_rejected_reasons(request):
    return {r.item: r.reason for r in DocumentReview.objects.filter(request=request)}


# --- approve a registration -----------------------------------------------------------------------


class TestApproveRegistration:
    def test_approve_verifies_the_vendor_and_activates_its_administrator(
        self, vreq, verifikator, lpse, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            decided = verification_approve(actor=verifikator, request=vreq, note="Lengkap.")

        decided.refresh_from_db()
        assert decided.status == "approved"
        assert decided.decided_by == verifikator
        assert decided.decided_at is not None
        assert decided.decision_note == "Lengkap."
        vendor = Vendor.objects.get(pk=vreq.vendor_id)
        assert vendor.status == VendorStatus.VERIFIED
        assert vendor.verified_lpse == lpse
        assert vendor.verified_by == verifikator
        assert vendor.verified_at == decided.decided_at
        # Every checklist item accepted, each document pointing at the version checked.
        reviews = {r.item: r for r in DocumentReview.objects.filter(request=vreq)}
        assert sorted(reviews) == sorted(["identity", *REQUIRED])
        assert all(r.accepted and r.reason == "" for r in reviews.values())
        assert reviews["identity"].document is None
        current = {d.kind: d.pk for d in vendor.documents.filter(is_current=True)}
        assert {k: r.document_id for k, r in reviews.items() if k != "identity"} == current
        # LT 25(2): the registrant becomes the vendor's administrator.
        role = RoleAssignment.objects.get(user=vendor.created_by, role=Role.VENDOR_ADMIN)
        assert role.scope_kind == ScopeKind.VENDOR
        assert role.scope_ref == str(vendor.pk)
        assert role.letter_number == f"Verifikasi {vendor.pk}"
        assert role.lpse is None
        # Audited last, after the role grant.
        assert audit_actions()[-2:] == ["role.grant", "vendor.verification_approve"]
        event = AuditEvent.objects.get(action="vendor.verification_approve")
        assert event.actor_id == verifikator.pk
        assert event.object_id == str(vreq.pk)
        assert event.lpse_id == lpse.pk
        assert event.changes["role_granted"] is True
        assert sorted(event.changes["items"]) == sorted(["identity", *REQUIRED])
        # Told in the inbox and by e-mail.
        note = Notification.objects.get(user=vendor.created_by)
        assert note.topic == "vendor.verification_approved"
        assert "PT Maju Jaya" in note.subject
        assert [m.to for m in mail.outbox] == [[vendor.created_by.email]]

    def test_a_registrant_who_already_administers_gets_no_second_role(self, vreq, verifikator):
        grant_vendor_role(vreq.vendor.created_by, vreq.vendor)
        verification_approve(actor=verifikator, request=vreq)
        assert (
            RoleAssignment.objects.filter(
                user=vreq.vendor.created_by, role=Role.VENDOR_ADMIN
            ).count()
            == 1
        )
        event = AuditEvent.objects.get(action="vendor.verification_approve")
        assert event.changes["role_granted"] is False

    def test_the_amendment_deed_is_checked_when_there_is_one(self, vreq, verifikator):
        deed = VendorDocumentFactory(vendor=vreq.vendor, kind=DocumentType.AKTA_PERUBAHAN)
        verification_approve(actor=verifikator, request=vreq)
        review = DocumentReview.objects.get(request=vreq, item="akta_perubahan")
        assert review.document == deed and review.accepted

    def test_an_individual_without_a_deed_of_establishment_is_not_asked_for_one(
        self, lpse, verifikator
    ):
        vreq = make_submitted_registration(
            lpse=lpse, documents=False, business_form=BusinessForm.PERORANGAN
        )
        for kind in ("ktp", "npwp", "izin_usaha", "formulir"):
            VendorDocumentFactory(vendor=vreq.vendor, kind=kind)
        verification_approve(actor=verifikator, request=vreq)
        items = set(DocumentReview.objects.filter(request=vreq).values_list("item", flat=True))
        assert items == {"identity", "ktp", "npwp", "izin_usaha", "formulir"}

    def test_the_versions_named_by_the_submission_are_the_ones_reviewed(self, lpse, verifikator):
        vreq = make_submitted_registration(lpse=lpse)
        old_ktp = vreq.vendor.documents.get(kind="ktp")
        vreq.data = {"documents": {"ktp": old_ktp.pk}}
        vreq.save()
        # A newer version uploaded after submission is not the one being decided.
        old_ktp.is_current = False
        old_ktp.save()
        VendorDocumentFactory(vendor=vreq.vendor, kind="ktp", version=2)
        verification_approve(actor=verifikator, request=vreq)
        assert DocumentReview.objects.get(request=vreq, item="ktp").document == old_ktp


class TestApproveRefusals:
    def test_a_missing_document_is_refused_and_nothing_changes(self, lpse, verifikator):
        vreq = make_submitted_registration(lpse=lpse)
        vreq.vendor.documents.filter(kind="npwp").delete()
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "document_missing"
        assert "NPWP" in str(caught.value)
        assert snapshot() == before

    def test_an_expired_licence_is_refused(self, vreq, verifikator):
        licence = vreq.vendor.documents.get(kind="izin_usaha")
        licence.valid_until = timezone.now().date() - dt.timedelta(days=3)
        licence.save()
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "document_expired"
        assert snapshot() == before

    @pytest.mark.parametrize("which", ["npwp", "npwp16", "nib", "vendor"])
    def test_a_blacklisted_company_is_refused_with_why_and_until_when(
        self, vreq, verifikator, which
    ):
        vendor = vreq.vendor
        fields = {
            "npwp": {"npwp": vendor.npwp},
            "npwp16": {"npwp": "0" + vendor.npwp},
            "nib": {"npwp": "", "nib": vendor.nib},
            "vendor": {"vendor": vendor},
        }[which]
        entry = BlacklistEntryFactory(reason="Dokumen palsu", **fields)
        before = snapshot()
        with pytest.raises(Blacklisted) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "blacklisted"
        assert "Dokumen palsu" in str(caught.value)
        assert caught.value.entry == entry
        assert snapshot() == before

    def test_an_ended_blacklist_entry_does_not_block(self, vreq, verifikator):
        BlacklistEntryFactory(
            npwp=vreq.vendor.npwp,
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2020, 12, 31),
        )
        verification_approve(actor=verifikator, request=vreq)
        assert Vendor.objects.get(pk=vreq.vendor_id).status == VendorStatus.VERIFIED

    def test_the_same_npwp_in_its_other_form_is_a_duplicate(self, vreq, verifikator, lpse):
        VendorFactory(name="PT Sudah Ada", npwp="0" + vreq.vendor.npwp)
        before = snapshot()
        with pytest.raises(errors.Conflict) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "vendor_already_registered"
        assert "PT Sudah Ada" in str(caught.value)
        assert "npwp" in caught.value.fields
        assert snapshot() == before

    def test_someone_outside_the_unit_is_refused(self, vreq, lpse):
        staff = UserFactory()
        RoleAssignmentFactory(user=staff, role=Role.LPSE_ADMIN, lpse=lpse)
        before = snapshot()
        with pytest.raises(errors.PermissionDenied) as caught:
            verification_approve(actor=staff, request=vreq)
        assert caught.value.code == "permission_denied"
        assert snapshot() == before

    def test_a_verifikator_of_another_lpse_is_refused(self, vreq):
        other = make_verifikator(LpseFactory(time_zone="Asia/Makassar"))
        before = snapshot()
        with pytest.raises(errors.PermissionDenied):
            verification_approve(actor=other, request=vreq)
        with pytest.raises(errors.PermissionDenied):
            verification_reject(actor=other, request=vreq, reviews={"ktp": (False, "Buram")})
        assert snapshot() == before


# --- decisions are final --------------------------------------------------------------------------


class TestFinalDecisions:
    def test_a_second_approve_is_a_conflict_that_says_who_decided(self, vreq, verifikator, lpse):
        stale = type(vreq).objects.get(pk=vreq.pk)  # the page of a double click
        verification_approve(actor=verifikator, request=vreq)
        before = snapshot()
        with pytest.raises(errors.Conflict) as caught:
            verification_approve(actor=verifikator, request=stale)
        assert caught.value.code == "verification_already_decided"
        assert "Budi Verifikator" in str(caught.value)
        assert "WIB" in str(caught.value)
        assert snapshot() == before

    def test_rejecting_an_approved_request_is_a_conflict(self, vreq, verifikator):
        stale = type(vreq).objects.get(pk=vreq.pk)
        verification_approve(actor=verifikator, request=vreq)
        second = make_verifikator(vreq.lpse)
        before = snapshot()
        with pytest.raises(errors.Conflict):
            verification_reject(actor=second, request=stale, reviews={"ktp": (False, "Buram")})
        assert snapshot() == before

    def test_approving_a_rejected_request_is_a_conflict(self, vreq, verifikator):
        stale = type(vreq).objects.get(pk=vreq.pk)
        verification_reject(actor=verifikator, request=vreq, reviews={"ktp": (False, "Buram")})
        before = snapshot()
        with pytest.raises(errors.Conflict):
            verification_approve(actor=verifikator, request=stale)
        assert snapshot() == before

    def test_a_withdrawn_request_cannot_be_decided(self, vreq, verifikator):
        type(vreq).objects.filter(pk=vreq.pk).update(status="withdrawn")
        vreq.refresh_from_db()
        with pytest.raises(errors.Conflict) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert "telah menarik" in str(caught.value)  # Indonesian by default


# --- conflict of interest -------------------------------------------------------------------------


class TestConflictOfInterest:
    @pytest.fixture(params=["registrant", "vendor_role", "admin_nik", "owner", "officer", "email"])
    def linked(self, request, lpse):
        """A verifikator linked to the company of a pending registration, in one way."""
        how = request.param
        verifikator = make_verifikator(lpse, nik=next_nik(700), email="Verif@Contoh.co.id")
        if how == "registrant":
            vreq = make_submitted_registration(lpse=lpse, created_by=verifikator)
        else:
            vreq = make_submitted_registration(lpse=lpse)
        vendor = vreq.vendor
        now = timezone.now()
        if how == "vendor_role":
            grant_vendor_role(verifikator, vendor, role=Role.VENDOR_STAFF)
        elif how == "admin_nik":
            Vendor.objects.filter(pk=vendor.pk).update(admin_nik=verifikator.nik)
        elif how == "owner":
            Owner.objects.create(
                vendor=vendor,
                name="Pemilik",
                id_number=verifikator.nik,
                share_percent=40,
                created_at=now,
                updated_at=now,
            )
        elif how == "officer":
            Officer.objects.create(
                vendor=vendor,
                name="Komisaris",
                nik=verifikator.nik,
                position="Komisaris",
                created_at=now,
                updated_at=now,
            )
        elif how == "email":
            Vendor.objects.filter(pk=vendor.pk).update(email="verif@contoh.co.id")
        vreq.refresh_from_db()
        return how, verifikator, vreq

    def test_a_linked_verifikator_may_not_approve_and_the_attempt_is_audited(self, linked):
        how, verifikator, vreq = linked
        before = snapshot()
        with pytest.raises(errors.PermissionDenied) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "verifier_conflict"
        assert vreq.vendor.name in str(caught.value)
        after = snapshot()
        assert after["audit"] == before["audit"] + 1
        assert {k: v for k, v in after.items() if k != "audit"} == {
            k: v for k, v in before.items() if k != "audit"
        }
        event = AuditEvent.objects.get(action="vendor.verification_conflict_refused")
        expected = {"admin_nik": "nik", "owner": "nik", "officer": "nik"}.get(how, how)
        assert event.changes == {"decision": "approve", "link": expected, "vendor": vreq.vendor_id}
        assert event.actor_id == verifikator.pk

    def test_a_linked_verifikator_may_not_reject_either(self, linked):
        _how, verifikator, vreq = linked
        with pytest.raises(errors.PermissionDenied) as caught:
            verification_reject(actor=verifikator, request=vreq, reviews={"ktp": (False, "X")})
        assert caught.value.code == "verifier_conflict"
        assert vreq.__class__.objects.get(pk=vreq.pk).status == "pending"
        assert AuditEvent.objects.filter(
            action="vendor.verification_conflict_refused", changes__decision="reject"
        ).exists()

    def test_the_proposed_email_of_an_identity_change_links_too(self, lpse):
        verifikator = make_verifikator(lpse, email="adik@contoh.co.id")
        vreq = identity_change(lpse, email="adik@contoh.co.id")
        with pytest.raises(errors.PermissionDenied) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "verifier_conflict"

    def test_an_unrelated_colleague_decides_instead(self, linked):
        _how, _verifikator, vreq = linked
        colleague = make_verifikator(vreq.lpse)
        verification_reject(actor=colleague, request=vreq, reviews={"ktp": (False, "Buram")})
        assert vreq.__class__.objects.get(pk=vreq.pk).status == "rejected"

    def test_a_registrant_holding_an_official_role_cannot_become_vendor_admin(self, lpse):
        official = make_verifikator(LpseFactory())
        vreq = make_submitted_registration(lpse=lpse, created_by=official)
        colleague = make_verifikator(lpse)
        before = snapshot()
        with pytest.raises(errors.SeparationOfDuties):
            verification_approve(actor=colleague, request=vreq)
        assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_audited_refusal_is_committed_although_the_decision_is_refused(lpse_lampung_timur):
    verifikator = make_verifikator(lpse_lampung_timur)
    vreq = make_submitted_registration(lpse=lpse_lampung_timur, created_by=verifikator)
    with pytest.raises(errors.PermissionDenied):
        verification_approve(actor=verifikator, request=vreq)
    # Not inside a test transaction: what is in the table was committed.
    assert AuditEvent.objects.filter(action="vendor.verification_conflict_refused").count() == 1
    assert vreq.__class__.objects.get(pk=vreq.pk).status == "pending"


# --- identity change ------------------------------------------------------------------------------


class TestIdentityChange:
    def test_approve_applies_the_new_values_and_the_vendor_stays_verified(
        self, lpse, verifikator, django_capture_on_commit_callbacks
    ):
        vreq = identity_change(
            lpse,
            name="CV Baru Sejahtera",
            npwp="01.234.567.8-901.000",
            nib="9120009876543",
            email="Kantor@Baru.co.id",
        )
        vendor = vreq.vendor
        old = {"name": vendor.name, "npwp": vendor.npwp, "nib": vendor.nib, "email": vendor.email}
        verified_at = vendor.verified_at
        with django_capture_on_commit_callbacks(execute=True):
            verification_approve(actor=verifikator, request=vreq)
        vendor.refresh_from_db()
        vreq.refresh_from_db()
        assert vendor.status == VendorStatus.VERIFIED
        assert vendor.verified_at == verified_at  # the first verification stays on record
        assert (vendor.name, vendor.npwp, vendor.nib, vendor.email) == (
            "CV Baru Sejahtera",
            "012345678901000",
            "9120009876543",
            "kantor@baru.co.id",
        )
        assert vreq.status == "approved"
        assert vreq.data["previous"] == old
        assert list(
            DocumentReview.objects.filter(request=vreq).values_list("item", "accepted")
        ) == [("identity", True)]
        event = AuditEvent.objects.get(action="vendor.verification_approve")
        assert event.changes["identity"]["name"] == [old["name"], "CV Baru Sejahtera"]
        assert "role_granted" not in event.changes
        assert Notification.objects.filter(
            user=vendor.created_by, topic="vendor.verification_approved"
        ).exists()

    def test_a_proposed_number_of_another_company_is_a_duplicate(self, lpse, verifikator):
        other = VendorFactory(name="PT Lain")
        vreq = identity_change(lpse, nib=other.nib)
        before = snapshot()
        with pytest.raises(errors.Conflict) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert caught.value.code == "vendor_already_registered"
        assert snapshot() == before

    def test_a_proposed_blacklisted_npwp_is_refused(self, lpse, verifikator):
        BlacklistEntryFactory(npwp="012345678901000")
        vreq = identity_change(lpse, npwp="012345678901000")
        with pytest.raises(Blacklisted):
            verification_approve(actor=verifikator, request=vreq)

    def test_an_invalid_proposed_npwp_is_refused(self, lpse, verifikator):
        vreq = identity_change(lpse, npwp="12345")
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            verification_approve(actor=verifikator, request=vreq)
        assert "npwp" in caught.value.fields
        assert snapshot() == before

    def test_reject_keeps_the_verified_values(self, lpse, verifikator):
        vreq = identity_change(lpse, name="CV Nama Baru")
        vendor = vreq.vendor
        verification_reject(
            actor=verifikator,
            request=vreq,
            reviews={"identity": (False, "Akta perubahan nama belum disahkan.")},
        )
        vendor.refresh_from_db()
        assert vendor.name == "CV Lama"
        assert vendor.status == VendorStatus.VERIFIED
        note = Notification.objects.get(user=vendor.created_by)
        assert "Akta perubahan nama belum disahkan." in note.body

    def test_only_the_identity_item_is_on_its_checklist(self, lpse, verifikator):
        vreq = identity_change(lpse, name="CV Nama Baru")
        with pytest.raises(errors.ValidationError) as caught:
            verification_reject(actor=verifikator, request=vreq, reviews={"ktp": (False, "x")})
        assert "reviews" in caught.value.fields


# --- reject ---------------------------------------------------------------------------------------


class TestReject:
    def test_reject_returns_the_registration_with_a_reason_per_item(
        self, vreq, verifikator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            verification_reject(
                actor=verifikator,
                request=vreq,
                reviews={
                    "identity": (True, ""),
                    "ktp": (False, "  Foto KTP buram.  "),
                    "npwp": (False, "NPWP bukan atas nama perusahaan."),
                    "formulir": (True, ""),
                },
                note="Silakan perbaiki.",
            )
        vreq.refresh_from_db()
        assert vreq.status == "rejected"
        assert vreq.decided_by == verifikator
        assert vreq.decision_note == "Silakan perbaiki."
        assert Vendor.objects.get(pk=vreq.vendor_id).status == VendorStatus.REJECTED
        reviews = {
            r.item: (r.accepted, r.reason) for r in DocumentReview.objects.filter(request=vreq)
        }
        assert reviews == {
            "identity": (True, ""),
            "ktp": (False, "Foto KTP buram."),
            "npwp": (False, "NPWP bukan atas nama perusahaan."),
            "formulir": (True, ""),
        }
        assert DocumentReview.objects.get(request=vreq, item="ktp").document == (
            vreq.vendor.documents.get(kind="ktp")
        )
        # No role was granted.
        assert not RoleAssignment.objects.filter(user=vreq.vendor.created_by).exists()
        note = Notification.objects.get(user=vreq.vendor.created_by)
        assert note.topic == "vendor.verification_rejected"
        assert "Foto KTP buram." in note.body
        assert "NPWP bukan atas nama perusahaan." in note.body
        assert "Silakan perbaiki." in note.body
        assert len(mail.outbox) == 1 and "Foto KTP buram." in mail.outbox[0].body
        event = AuditEvent.objects.get(action="vendor.verification_reject")
        assert event.changes["reviews"]["ktp"] == {"accepted": False, "reason": "Foto KTP buram."}

    def test_a_resubmission_is_a_new_request_and_the_history_stays(self, vreq, verifikator):
        verification_reject(actor=verifikator, request=vreq, reviews={"ktp": (False, "Buram")})
        vendor = Vendor.objects.get(pk=vreq.vendor_id)
        vendor.status = VendorStatus.SUBMITTED
        vendor.save()
        again = VerificationRequestFactory(vendor=vendor, lpse=vreq.lpse)
        verification_approve(actor=verifikator, request=again)
        assert all_rejected_reasons(vreq)["ktp"] == "Buram"
        assert vendor.verification_requests.count() == 2
        assert Vendor.objects.get(pk=vendor.pk).status == VendorStatus.VERIFIED

    def test_nothing_rejected_is_refused(self, vreq, verifikator):
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            verification_reject(
                actor=verifikator, request=vreq, reviews={"ktp": (True, ""), "npwp": (True, "")}
            )
        assert "reviews" in caught.value.fields
        with pytest.raises(errors.ValidationError):
            verification_reject(actor=verifikator, request=vreq, reviews={})
        assert snapshot() == before

    def test_a_rejected_item_without_a_reason_is_refused_on_that_item(self, vreq, verifikator):
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            verification_reject(
                actor=verifikator,
                request=vreq,
                reviews={"ktp": (False, "   "), "npwp": (False, "Salah nomor")},
            )
        assert list(caught.value.fields) == ["ktp"]
        assert snapshot() == before

    def test_an_item_that_is_not_on_the_checklist_is_refused(self, vreq, verifikator):
        with pytest.raises(errors.ValidationError) as caught:
            verification_reject(
                actor=verifikator, request=vreq, reviews={"sertifikat_iso": (False, "Tidak ada")}
            )
        assert "sertifikat_iso" in str(caught.value)

    def test_a_blacklisted_company_can_still_be_rejected(self, vreq, verifikator):
        BlacklistEntryFactory(npwp=vreq.vendor.npwp)
        verification_reject(
            actor=verifikator, request=vreq, reviews={"identity": (False, "Daftar hitam.")}
        )
        assert vreq.__class__.objects.get(pk=vreq.pk).status == "rejected"

    def test_vendor_administrators_are_told_too(self, lpse, verifikator):
        vreq = identity_change(lpse, name="CV Lain Lagi")
        admin = UserFactory()
        grant_vendor_role(admin, vreq.vendor)
        staff = UserFactory()
        grant_vendor_role(staff, vreq.vendor, role=Role.VENDOR_STAFF)
        verification_reject(actor=verifikator, request=vreq, reviews={"identity": (False, "X")})
        told = set(Notification.objects.values_list("user_id", flat=True))
        assert told == {vreq.vendor.created_by_id, admin.pk}
