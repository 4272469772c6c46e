"""Qualification submissions (issue 5 item 5): frozen canonical JSON of the vendor's data tabs
plus documents, versions, withdrawal, the window by the server clock, and who sees them."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import rfc8785
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import selectors_qualification as selectors
from openlpse.bids.models import QualificationSubmission
from openlpse.bids.services import qualification as services
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.plans.tests.factories import grant
from openlpse.tenders.enums import StageAction, TenderMethod
from openlpse.tenders.models import TenderStage
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.vendors.models import BusinessLicence, Owner
from openlpse.vendors.tests.factories import make_verified_vendor, make_verifikator, pdf_upload

pytestmark = pytest.mark.django_db


def _vendor_with_data(tender):
    vendor = make_verified_vendor(lpse=tender.lpse, name="PT Karya Bangun")
    now = timezone.now()
    BusinessLicence.objects.create(
        vendor=vendor,
        kind="nib",
        number="9120001234567",
        issuer="OSS",
        issued_on=dt.date(2024, 1, 5),
        created_at=now,
        updated_at=now,
    )
    Owner.objects.create(
        vendor=vendor,
        name="Made Wirawan",
        id_number="5107010101800001",
        address="Amlapura",
        share_percent=Decimal("60.00"),
        created_at=now,
        updated_at=now,
    )
    return vendor


@pytest.fixture
def pra():
    """Prakualifikasi, its qualification-submission stage open now, one joined vendor."""
    tender = announced_tender(method=TenderMethod.PRA_1_FILE, open_stage="kirim_kualifikasi")
    vendor = _vendor_with_data(tender)
    join(tender, vendor)
    tender.vendor = vendor  # type: ignore[attr-defined]
    return tender


def _close_window(tender):
    """Move the schedule 13 hours earlier: the open stage (12 hours left) has ended."""
    shift = dt.timedelta(hours=13)
    TenderStage.objects.filter(tender=tender).update(
        starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift
    )


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_the_window_is_the_qualification_stage_in_pra_and_the_bid_upload_in_pasca():
    pra_tender = announced_tender(method=TenderMethod.PRA_2_FILE)
    pasca = announced_tender(method=TenderMethod.PASCA_1_FILE)
    assert services.qualification_action(pra_tender) == StageAction.SUBMIT_QUALIFICATION
    assert services.qualification_action(pasca) == StageAction.SUBMIT_BID


def test_submission_freezes_the_data_tabs_as_canonical_json(pra):
    vendor = pra.vendor
    row = services.qualification_submit(
        actor=vendor.created_by, tender=pra, documents=[pdf_upload("akta.pdf")]
    )
    assert (row.version, row.is_effective, row.withdrawn_at) == (1, True, None)
    snap = row.snapshot
    assert snap["format"] == "openlpse-qualification" and snap["tender"] == pra.code
    assert snap["vendor"] == str(vendor.pk)
    assert snap["identity"]["name"] == "PT Karya Bangun"
    assert [x["number"] for x in snap["tabs"]["izin-usaha"]] == ["9120001234567"]
    assert snap["tabs"]["izin-usaha"][0]["issued_on"] == "2024-01-05"
    assert snap["tabs"]["pemilik"][0]["share_percent"] == "60.000"
    assert set(snap["tabs"]) == {
        "izin-usaha", "akta", "pemilik", "pengurus", "tenaga-ahli", "peralatan",
        "pengalaman", "pajak",
    }  # fmt: skip
    assert row.snapshot_sha256 == hashlib.sha256(rfc8785.dumps(snap)).hexdigest()
    docs = list(row.documents.all())
    assert [d.original_name for d in docs] == ["akta.pdf"]
    assert docs[0].kind == "qualification_document"
    (event,) = _events("bid.qualification.submit")
    assert event.changes["snapshot_sha256"] == row.snapshot_sha256
    assert event.changes["version"] == 1 and event.changes["replaces"] is None


def test_later_edits_do_not_change_a_submission_and_a_new_one_replaces_it(pra):
    actor = pra.vendor.created_by
    first = services.qualification_submit(actor=actor, tender=pra, documents=[pdf_upload()])
    BusinessLicence.objects.filter(vendor=pra.vendor).update(number="CHANGED")
    first.refresh_from_db()
    assert first.snapshot["tabs"]["izin-usaha"][0]["number"] == "9120001234567"
    assert first.snapshot_sha256 == hashlib.sha256(rfc8785.dumps(first.snapshot)).hexdigest()
    kept = first.documents.get()
    second = services.qualification_submit(actor=actor, tender=pra, keep_document_ids=[kept.pk])
    first.refresh_from_db()
    assert (first.is_effective, second.is_effective, second.version) == (False, True, 2)
    assert second.snapshot["tabs"]["izin-usaha"][0]["number"] == "CHANGED"
    assert second.snapshot_sha256 != first.snapshot_sha256
    assert list(second.documents.all()) == [kept]
    assert _events("bid.qualification.submit")[-1].changes["replaces"] == 1


def test_keeping_a_document_of_another_submission_is_not_found(pra):
    actor = pra.vendor.created_by
    services.qualification_submit(actor=actor, tender=pra)
    with pytest.raises(errors.NotFound):
        services.qualification_submit(actor=actor, tender=pra, keep_document_ids=[999999])
    assert QualificationSubmission.objects.count() == 1


def test_withdrawal_before_the_close(pra):
    actor = pra.vendor.created_by
    row = services.qualification_submit(actor=actor, tender=pra)
    withdrawn = services.qualification_withdraw(actor=actor, tender=pra)
    assert withdrawn.pk == row.pk and not withdrawn.is_effective
    assert withdrawn.withdrawn_at is not None
    assert services.effective_qualification(tender=pra, vendor=pra.vendor) is None
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        services.qualification_withdraw(actor=actor, tender=pra)
    assert caught.value.code == "nothing_to_withdraw"
    assert len(_events("bid.qualification.withdraw")) == 1


def test_after_the_window_nothing_is_accepted_and_the_refusal_is_audited(pra):
    actor = pra.vendor.created_by
    services.qualification_submit(actor=actor, tender=pra)
    after = timezone.now() + dt.timedelta(hours=13)
    with clock.frozen(after), pytest.raises(errors.Conflict) as caught:
        services.qualification_submit(actor=actor, tender=pra, documents=[pdf_upload()])
    assert caught.value.code == "stage_ended"
    with clock.frozen(after), pytest.raises(errors.Conflict) as withdraw_caught:
        services.qualification_withdraw(actor=actor, tender=pra)
    assert withdraw_caught.value.code == "stage_ended"
    row = QualificationSubmission.objects.get()
    assert (row.version, row.is_effective, row.withdrawn_at) == (1, True, None)
    assert [e.changes["code"] for e in _events("bid.qualification.submit_refused")] == [
        "stage_ended"
    ]
    assert len(_events("bid.qualification.withdraw_refused")) == 1


def test_before_the_window_is_refused_with_a_sentence():
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="penjelasan")
    vendor = _vendor_with_data(tender)
    join(tender, vendor)
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        services.qualification_submit(actor=vendor.created_by, tender=tender)
    assert caught.value.code == "stage_not_started"
    assert str(caught.value).startswith("Sending qualification data opens with the stage")
    assert not QualificationSubmission.objects.exists()


def test_pasca_takes_the_qualification_form_in_the_bid_upload_stage():
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="upload_penawaran")
    vendor = _vendor_with_data(tender)
    join(tender, vendor)
    row = services.qualification_submit(actor=vendor.created_by, tender=tender)
    assert row.version == 1


def test_a_vendor_that_did_not_join_is_refused(pra):
    stranger = _vendor_with_data(pra)
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as caught:
        services.qualification_submit(actor=stranger.created_by, tender=pra)
    assert caught.value.code == "not_participant"
    assert "Join the tender first" in str(caught.value)
    assert not QualificationSubmission.objects.exists()


def test_officials_and_people_without_a_vendor_get_not_found(pra):
    lpse_staff = make_verifikator(pra.lpse)
    for user in (pra.committee.chair, UserFactory(), lpse_staff):
        with pytest.raises(errors.NotFound):
            services.qualification_submit(actor=user, tender=pra)
    assert not QualificationSubmission.objects.exists()


# --- visibility ------------------------------------------------------------------------------


def test_owner_sees_every_version_committee_only_effective_after_the_close(pra):
    actor = pra.vendor.created_by
    first = services.qualification_submit(actor=actor, tender=pra)
    second = services.qualification_submit(actor=actor, tender=pra)
    chair = pra.committee.chair
    other_vendor = _vendor_with_data(pra)
    auditor = UserFactory()
    grant(auditor, Role.AUDITOR, lpse=pra.lpse)
    for row in (first, second):
        assert selectors.access_qualification(user=actor, submission_id=row.pk) == row
    # Before the close: the committee sees nothing.
    assert list(selectors.committee_qualifications(user=chair, tender=pra)) == []
    with pytest.raises(errors.NotFound):
        selectors.access_qualification(user=chair, submission_id=second.pk)
    with clock.frozen(timezone.now() + dt.timedelta(hours=13)):
        assert list(selectors.committee_qualifications(user=chair, tender=pra)) == [second]
        assert selectors.access_qualification(user=chair, submission_id=second.pk) == second
        with pytest.raises(errors.NotFound):
            selectors.access_qualification(user=chair, submission_id=first.pk)
        for stranger in (other_vendor.created_by, auditor, UserFactory()):
            with pytest.raises(errors.NotFound):
                selectors.access_qualification(user=stranger, submission_id=second.pk)
            with pytest.raises(errors.NotFound):
                selectors.committee_qualifications(user=stranger, tender=pra)


def test_vendor_page_shows_the_data_the_form_and_the_versions(client, pra):
    actor = pra.vendor.created_by
    client.force_login(actor)
    url = reverse("bids:qual_vendor", args=[pra.code])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    current = services.snapshot_sha256(
        services.qualification_snapshot(vendor=pra.vendor, tender=pra)
    )
    assert current in body and "9120001234567" in body and 'name="documents"' in body
    response = client.post(url, {"documents": [pdf_upload("npwp.pdf")]})
    assert response.status_code == 302
    row = QualificationSubmission.objects.get()
    assert [d.original_name for d in row.documents.all()] == ["npwp.pdf"]
    body = client.get(url).content.decode()
    assert row.snapshot_sha256 in body and "npwp.pdf" in body
    doc = row.documents.get()
    download = client.get(reverse("bids:qual_document", args=[row.pk, doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    data = client.get(reverse("bids:qual_snapshot", args=[row.pk]))
    assert hashlib.sha256(data.content).hexdigest() == row.snapshot_sha256
    withdrawn = client.post(reverse("bids:qual_withdraw", args=[pra.code]))
    assert withdrawn.status_code == 302
    row.refresh_from_db()
    assert row.withdrawn_at is not None


def test_pages_hide_submissions_from_others(client, sign_in, pra):
    row = services.qualification_submit(
        actor=pra.vendor.created_by, tender=pra, documents=[pdf_upload()]
    )
    doc = row.documents.get()
    other = _vendor_with_data(pra)
    urls = [
        reverse("bids:qual_document", args=[row.pk, doc.pk]),
        reverse("bids:qual_snapshot", args=[row.pk]),
    ]
    anonymous = client.get(urls[0])
    assert anonymous.status_code == 302  # to the sign-in page
    client.force_login(other.created_by)
    for url in urls:
        assert client.get(url).status_code == 404
    sign_in(pra.committee.chair, mfa=True)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.get(reverse("bids:qual_vendor", args=[pra.code])).status_code == 404
    committee_url = reverse("bids:qual_committee", args=[pra.code])
    before = client.get(committee_url)
    assert before.status_code == 200 and row.snapshot_sha256 not in before.content.decode()
    _close_window(pra)
    after = client.get(committee_url)
    assert after.status_code == 200 and row.snapshot_sha256 in after.content.decode()
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(other.created_by)
    assert client.get(committee_url).status_code == 404


# --- API ---------------------------------------------------------------------------------------


def test_api_submit_list_withdraw_and_committee_view(client, pra):
    from openlpse.vendors.tests.blacklist_support import issue_token

    vendor_auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(pra.vendor.created_by)}"}
    base = f"/api/v1/vendor/tenders/{pra.code}/qualification"
    created = client.post(base, {"documents": [pdf_upload("siup.pdf")]}, **vendor_auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["is_effective"] is True
    assert body["snapshot_sha256"] == hashlib.sha256(rfc8785.dumps(body["snapshot"])).hexdigest()
    assert [d["name"] for d in body["documents"]] == ["siup.pdf"]
    listed = client.get(base, **vendor_auth)
    assert [row["version"] for row in listed.json()] == [1]
    committee_url = f"/api/v1/committee/tenders/{pra.code}/qualification"
    assert client.get(committee_url, **vendor_auth).status_code == 404
    chair_auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(pra.committee.chair)}"}
    assert client.get(committee_url, **chair_auth).json() == []
    assert client.get(base, **chair_auth).status_code == 404
    withdrawn = client.post(f"{base}/withdraw", **vendor_auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"] is not None
    _close_window(pra)
    assert client.get(committee_url, **chair_auth).json() == []
    late = client.post(base, **vendor_auth)
    assert late.status_code == 409, late.content
    assert "stage_ended" in late.content.decode()
