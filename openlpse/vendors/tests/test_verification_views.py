"""The verification pages: queue (filters, sorting, paging, counts), a request side by side
with its checklist, the decisions through the form, and the document preview."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from openlpse.accounts.tests.factories import RoleAssignmentFactory
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory, LpseUnitFactory
from openlpse.vendors.models import DocumentReview, Vendor, VerificationRequest
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorDocumentFactory,
    VerificationRequestFactory,
    make_submitted_registration,
    make_verified_vendor,
    make_verifikator,
)
from openlpse.vendors.tests.verification_support import snapshot

pytestmark = pytest.mark.django_db

QUEUE = reverse("vendors:verification_queue")


def detail_url(vreq):
    return reverse("vendors:verification_detail", args=[vreq.pk])


@pytest.fixture
def lpse(lpse_lampung_timur):
    return lpse_lampung_timur


@pytest.fixture
def verifikator(lpse):
    return make_verifikator(lpse, full_name="Budi Verifikator")


@pytest.fixture
def client_as(client, sign_in):
    def _as(user):
        sign_in(user, mfa=True)
        client.cookies["openlpse_language"] = "en"
        return client

    return _as


@pytest.fixture
def vclient(client_as, verifikator):
    return client_as(verifikator)


def names(response):
    """Company names in the queue table, in order."""
    return re.findall(r'/verifikasi/\d+/">([^<]+)</a>', response.content.decode())


def accept_all(vreq, **extra):
    from openlpse.vendors.selectors_verification import checklist

    data = {f"result_{item.key}": "accept" for item in checklist(vreq)}
    data.update(extra)
    return data


# --- the queue ------------------------------------------------------------------------------------


class TestQueue:
    def test_pending_requests_of_my_lpse_oldest_first_with_age_and_local_time(
        self, vclient, lpse, lpse_karangasem
    ):
        now = timezone.now()
        make_submitted_registration(
            lpse=lpse, name="PT Baru", submitted_at=now - dt.timedelta(hours=3)
        )
        make_submitted_registration(
            lpse=lpse, name="PT Lama", submitted_at=now - dt.timedelta(days=2, hours=4)
        )
        make_submitted_registration(lpse=lpse_karangasem, name="PT Karangasem")
        decided = make_submitted_registration(lpse=lpse, name="PT Selesai")
        VerificationRequest.objects.filter(pk=decided.pk).update(
            status="approved", decided_by=decided.submitted_by, decided_at=now
        )
        response = vclient.get(QUEUE)
        assert response.status_code == 200
        assert names(response) == ["PT Lama", "PT Baru"]
        body = response.content.decode()
        assert "2 days 4 hours" in body
        assert "3 hours" in body
        assert "WIB" in body
        assert "Waiting (2)" in body and "Approved (1)" in body and "All (3)" in body

    def test_filters_status_kind_and_search(self, vclient, lpse):
        a = make_submitted_registration(lpse=lpse, name="PT Alpha Konstruksi")
        make_submitted_registration(lpse=lpse, name="CV Beta")
        change = VerificationRequestFactory(
            vendor=make_verified_vendor(lpse=lpse, name="CV Gamma"),
            kind="identity_change",
            lpse=lpse,
            data={"proposed": {"name": "CV Gamma Baru"}},
        )
        assert names(vclient.get(QUEUE + "?kind=identity_change")) == ["CV Gamma"]
        assert names(vclient.get(QUEUE + "?q=alpha")) == ["PT Alpha Konstruksi"]
        npwp = a.vendor.npwp
        dotted = f"{npwp[0:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-{npwp[9:12]}.{npwp[12:]}"
        assert names(vclient.get(QUEUE + "?q=" + dotted)) == ["PT Alpha Konstruksi"]
        assert names(vclient.get(QUEUE + "?q=" + a.vendor.nib)) == ["PT Alpha Konstruksi"]
        VerificationRequest.objects.filter(pk=change.pk).update(
            status="rejected", decided_by=change.submitted_by, decided_at=timezone.now()
        )
        assert names(vclient.get(QUEUE + "?status=rejected")) == ["CV Gamma"]
        assert len(names(vclient.get(QUEUE + "?status=all"))) == 3

    def test_sorting_by_column(self, vclient, lpse):
        now = timezone.now()
        for name, hours in (("PT B", 1), ("PT A", 2), ("PT C", 3)):
            make_submitted_registration(
                lpse=lpse, name=name, submitted_at=now - dt.timedelta(hours=hours)
            )
        assert names(vclient.get(QUEUE)) == ["PT C", "PT A", "PT B"]
        assert names(vclient.get(QUEUE + "?sort=-submitted")) == ["PT B", "PT A", "PT C"]
        assert names(vclient.get(QUEUE + "?sort=vendor")) == ["PT A", "PT B", "PT C"]
        assert names(vclient.get(QUEUE + "?sort=-vendor")) == ["PT C", "PT B", "PT A"]
        # An unknown sort key is ignored (the oldest first).
        assert vclient.get(QUEUE + "?sort=drop").status_code == 200

    def test_a_verifikator_of_two_lpses_filters_by_lpse(self, client_as, lpse, lpse_karangasem):
        both = make_verifikator(lpse)
        # The same person is placed in the unit of a second LPSE too.
        unit = LpseUnitFactory(lpse=lpse_karangasem)
        RoleAssignmentFactory(user=both, role="lpse_staff", lpse=lpse_karangasem, lpse_unit=unit)
        make_submitted_registration(lpse=lpse, name="PT Lampung")
        make_submitted_registration(lpse=lpse_karangasem, name="PT Bali")
        client = client_as(both)
        assert sorted(names(client.get(QUEUE))) == ["PT Bali", "PT Lampung"]
        body = client.get(QUEUE + f"?lpse={lpse_karangasem.pk}").content.decode()
        assert "PT Bali" in body and "PT Lampung" not in body
        assert "WITA" in body

    def test_paging(self, vclient, lpse):
        now = timezone.now()
        for n in range(52):
            VerificationRequestFactory(
                vendor__registration_lpse=lpse,
                vendor__name=f"PT Antre {n:02d}",
                lpse=lpse,
                submitted_at=now - dt.timedelta(minutes=100 - n),
            )
        first = vclient.get(QUEUE)
        assert len(names(first)) == 50
        assert "Page 1 of 2" in first.content.decode()
        second = vclient.get(QUEUE + "?page=2")
        assert names(second) == ["PT Antre 50", "PT Antre 51"]

    def test_the_queue_has_a_fixed_number_of_queries(
        self, vclient, lpse, django_assert_max_num_queries
    ):
        for _n in range(3):
            make_submitted_registration(lpse=lpse, documents=False)
        vclient.get(QUEUE)  # warm the session
        # The page's own reads are 6 (LPSEs, count, counts per status, rows, ...); the rest is
        # the session, the user and the layout's menu, which grows as apps add entries.
        with django_assert_max_num_queries(25) as few:
            vclient.get(QUEUE)
        for _n in range(20):
            make_submitted_registration(lpse=lpse, documents=False)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = vclient.get(QUEUE)
        assert len(names(response)) == 23


# --- one request ------------------------------------------------------------------------------


class TestDetail:
    def test_data_and_documents_side_by_side_with_the_checklist(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse, name="PT Maju Jaya")
        response = vclient.get(detail_url(vreq))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'class="card-grid"' in body
        assert "PT Maju Jaya" in body
        ktp = vreq.vendor.documents.get(kind="ktp")
        assert ktp.file.sha256 in body
        assert reverse("vendors:verification_document", args=[vreq.pk, ktp.pk]) in body
        assert "Preview" in body
        assert "LT 25(3)" in body and "LT 25(4)" in body and "no field visit" in body
        assert "Not on the blacklist" in body
        # Exactly the checklist: identity + the five required documents.
        assert set(re.findall(r'name="result_([a-z_]+)"', body)) == {
            "identity",
            "ktp",
            "akta_pendirian",
            "npwp",
            "izin_usaha",
            "formulir",
        }
        assert "first request" in body

    def test_a_blacklisted_company_is_shown_prominently(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        BlacklistEntryFactory(npwp="0" + vreq.vendor.npwp, reason="Pemalsuan dokumen")
        body = vclient.get(detail_url(vreq)).content.decode()
        assert 'class="alert alert-error" role="alert" id="blacklist-status"' in body
        assert "Pemalsuan dokumen" in body

    def test_an_identity_change_shows_values_in_force_and_proposed(self, vclient, lpse):
        vendor = make_verified_vendor(lpse=lpse, name="CV Lama Sekali")
        vreq = VerificationRequestFactory(
            vendor=vendor,
            kind="identity_change",
            lpse=lpse,
            data={"proposed": {"name": "CV Baru Sekali"}},
        )
        body = vclient.get(detail_url(vreq)).content.decode()
        assert "<del>CV Lama Sekali</del>" in body
        assert "<mark><strong>CV Baru Sekali</strong></mark>" in body
        assert set(re.findall(r'name="result_([a-z_]+)"', body)) == {"identity"}

    def test_the_history_shows_earlier_requests_and_their_reasons(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        earlier = VerificationRequestFactory(
            vendor=vreq.vendor,
            lpse=lpse,
            status="rejected",
            decided_by=vreq.submitted_by,
            decided_at=timezone.now() - dt.timedelta(days=3),
            submitted_at=timezone.now() - dt.timedelta(days=4),
        )
        DocumentReview.objects.create(
            request=earlier, item="ktp", accepted=False, reason="KTP sudah tidak berlaku."
        )
        body = vclient.get(detail_url(vreq)).content.decode()
        assert "KTP sudah tidak berlaku." in body
        assert "Identity card (KTP)" in body

    def test_a_request_of_another_lpse_is_not_found(self, vclient, lpse_karangasem):
        vreq = make_submitted_registration(lpse=lpse_karangasem)
        assert vclient.get(detail_url(vreq)).status_code == 404
        assert vclient.get(reverse("vendors:verification_detail", args=[999999])).status_code == 404


class TestDecisionsThroughTheForm:
    def test_approve(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse, name="PT Disetujui")
        response = vclient.post(
            detail_url(vreq), accept_all(vreq, decision="approve", note="Lengkap.")
        )
        assert response.status_code == 302
        assert response["Location"] == detail_url(vreq)
        vreq.refresh_from_db()
        assert vreq.status == "approved" and vreq.decision_note == "Lengkap."
        page = vclient.get(detail_url(vreq)).content.decode()
        assert "PT Disetujui: the request was approved" in page
        assert 'name="decision"' not in page  # decided: no form any more

    def test_approve_needs_every_item_marked_accepted(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        data = accept_all(vreq, decision="approve")
        del data["result_npwp"]
        data["result_ktp"] = "reject"
        before = snapshot()
        response = vclient.post(detail_url(vreq), data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "mark it accepted before approving" in body
        assert "return the request for correction instead" in body
        assert snapshot() == before

    def test_reject_without_a_reason_keeps_what_was_typed(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        before = snapshot()
        response = vclient.post(
            detail_url(vreq),
            {
                "decision": "reject",
                "result_ktp": "reject",
                "reason_ktp": "",
                "result_npwp": "reject",
                "reason_npwp": "Nomor NPWP tidak cocok.",
                "note": "Catatan saya",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Give the reason this item is rejected" in body
        assert "Nomor NPWP tidak cocok." in body and "Catatan saya" in body
        assert snapshot() == before

    def test_reject(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        response = vclient.post(
            detail_url(vreq),
            {
                "decision": "reject",
                "result_identity": "accept",
                "result_ktp": "reject",
                "reason_ktp": "Foto KTP buram.",
            },
        )
        assert response.status_code == 302
        vreq.refresh_from_db()
        assert vreq.status == "rejected"
        assert Vendor.objects.get(pk=vreq.vendor_id).status == "rejected"
        assert DocumentReview.objects.get(request=vreq, item="ktp").reason == "Foto KTP buram."
        page = vclient.get(detail_url(vreq)).content.decode()
        assert "Foto KTP buram." in page

    def test_a_double_click_gets_a_clear_conflict(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        data = accept_all(vreq, decision="approve")
        assert vclient.post(detail_url(vreq), data).status_code == 302
        before = snapshot()
        response = vclient.post(detail_url(vreq), data)
        assert response.status_code == 409
        assert "already decided" in response.content.decode()
        assert snapshot() == before

    def test_a_blacklisted_company_cannot_be_approved_through_the_form(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        BlacklistEntryFactory(nib=vreq.vendor.nib, npwp="", reason="Kolusi")
        response = vclient.post(detail_url(vreq), accept_all(vreq, decision="approve"))
        assert response.status_code == 403
        assert "Kolusi" in response.content.decode()
        assert VerificationRequest.objects.get(pk=vreq.pk).status == "pending"

    def test_a_linked_verifikator_sees_why_and_is_refused(self, client_as, lpse):
        linked = make_verifikator(lpse, email="direktur@maju.co.id")
        vreq = make_submitted_registration(lpse=lpse, email="direktur@maju.co.id")
        client = client_as(linked)
        page = client.get(detail_url(vreq)).content.decode()
        assert "linked to the company" in page
        assert 'name="decision"' not in page
        response = client.post(detail_url(vreq), accept_all(vreq, decision="approve"))
        assert response.status_code == 403
        assert "Another verifikator of the unit must decide it" in response.content.decode()
        assert AuditEvent.objects.filter(action="vendor.verification_conflict_refused").exists()
        assert VerificationRequest.objects.get(pk=vreq.pk).status == "pending"


class TestDocumentPreview:
    def test_a_pdf_opens_inline(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        doc = vreq.vendor.documents.get(kind="npwp")
        response = vclient.get(reverse("vendors:verification_document", args=[vreq.pk, doc.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_an_older_version_is_available_too(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        old = vreq.vendor.documents.get(kind="ktp")
        old.is_current = False
        old.save()
        VendorDocumentFactory(vendor=vreq.vendor, kind="ktp", version=2)
        url = reverse("vendors:verification_document", args=[vreq.pk, old.pk])
        assert vclient.get(url).status_code == 200

    def test_another_vendors_document_is_not_found(self, vclient, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        other = make_submitted_registration(lpse=LpseFactory())
        doc = other.vendor.documents.first()
        url = reverse("vendors:verification_document", args=[vreq.pk, doc.pk])
        assert vclient.get(url).status_code == 404
        url = reverse("vendors:verification_document", args=[other.pk, doc.pk])
        assert vclient.get(url).status_code == 404
