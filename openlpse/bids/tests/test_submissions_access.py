"""Who may upload and see sealed bids: the refusal matrix, the API and the vendor's page."""

from __future__ import annotations

import pytest
from django.utils import translation

from openlpse.bids import receipts, sealedfile
from openlpse.bids.models import Submission, Upload
from openlpse.bids.selectors_submissions import access_submission, effective_submissions
from openlpse.bids.services import submissions as services
from openlpse.bids.tests.submissions_support import (
    bearer,
    bid_setup,
    official,
    seal_bytes,
    second_vendor,
    start,
    stranger,
    submit,
)
from openlpse.core import errors
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_refusal_matrix_for_starting_an_upload():
    setup = bid_setup()
    data = seal_bytes(setup)
    outsider = second_vendor(setup, joined=False)
    cases = [
        (official(setup), errors.SeparationOfDuties, "official_cannot_bid"),
        (outsider.created_by, errors.PermissionDenied, "not_participant"),
        (stranger(), errors.PermissionDenied, "not_vendor"),
    ]
    for user, kind, code in cases:
        with pytest.raises(kind) as caught:
            start(setup, data, user=user)
        assert caught.value.code == code
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(errors.PermissionDenied) as caught:
        start(setup, data, user=AnonymousUser())
    assert caught.value.code == "not_authenticated"
    assert not Upload.objects.exists()


def test_another_vendors_upload_and_submission_are_not_found():
    setup = bid_setup()
    rival = second_vendor(setup)
    data = seal_bytes(setup)
    upload = start(setup, data)
    with pytest.raises(errors.NotFound):
        services.submission_finalize(actor=rival.created_by, upload_id=upload.pk)
    mine = submit(setup, seal_bytes(setup))
    for user in (rival.created_by, official(setup), stranger()):
        with pytest.raises(errors.NotFound):
            access_submission(user=user, submission_id=mine.pk)
    assert access_submission(user=setup.user, submission_id=mine.pk) == mine
    assert list(effective_submissions(tender=setup.tender, envelope="single")) == [mine]


def test_vendor_staff_may_submit_for_the_company():
    from openlpse.tenders.tests.participation_support import vendor_staff

    setup = bid_setup()
    staff = vendor_staff(setup.vendor)
    submission = submit(setup, seal_bytes(setup), user=staff)
    assert submission.submitted_by == staff


def test_api_sealing_submissions_receipts_and_sealed_file(client):
    setup = bid_setup()
    data = seal_bytes(setup)
    submission = submit(setup, data)
    auth = bearer(setup.user)
    code = setup.tender.code

    sealing = client.get(f"/api/v1/vendor/tenders/{code}/sealing", **auth).json()
    assert sealing["bidder"] == str(setup.vendor.pk)
    (envelope,) = sealing["envelopes"]
    row = setup.keys["single"].row
    assert envelope["committee_public"] == row.committee_public
    assert envelope["system_kid"] == row.system_kid
    assert envelope["window_end"] is not None

    rows = client.get(f"/api/v1/vendor/tenders/{code}/submissions", **auth).json()
    assert [r["receipt_number"] for r in rows] == [submission.receipt_number]
    assert receipts.verify_document(rows[0]["receipt"]).valid

    doc = client.get(f"/api/v1/submissions/{submission.pk}/receipt", **auth).json()
    assert doc == services.receipt_document(submission)
    pdf = client.get(f"/api/v1/submissions/{submission.pk}/receipt.pdf", **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert submission.receipt_number.encode() in pdf.content
    assert doc["key_id"].encode() in pdf.content
    assert b"verify_receipt" in pdf.content
    sealed = client.get(f"/api/v1/submissions/{submission.pk}/sealed", **auth)
    assert sealed.status_code == 200
    assert b"".join(sealed.streaming_content) == data

    rival = bearer(second_vendor(setup).created_by)
    for path in ("receipt", "receipt.pdf", "sealed"):
        response = client.get(f"/api/v1/submissions/{submission.pk}/{path}", **rival)
        assert response.status_code == 404
    assert client.get(f"/api/v1/submissions/{submission.pk}/receipt").status_code == 401

    withdrawn = client.post(f"/api/v1/vendor/tenders/{code}/submissions/single/withdraw", **auth)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    again = client.post(f"/api/v1/vendor/tenders/{code}/submissions/single/withdraw", **auth)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "nothing_to_withdraw")


def test_api_refuses_officials_and_outsiders(client):
    setup = bid_setup()
    code = setup.tender.code
    response = client.get(f"/api/v1/vendor/tenders/{code}/sealing", **bearer(official(setup)))
    assert (response.status_code, response.json()["error"]["code"]) == (403, "official_cannot_bid")
    outsider = second_vendor(setup, joined=False)
    response = client.get(
        f"/api/v1/vendor/tenders/{code}/submissions", **bearer(outsider.created_by)
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_participant")


def test_vendor_page_shows_keys_deadline_history_and_withdraws(client):
    setup = bid_setup()
    submission = submit(setup, seal_bytes(setup))
    client.force_login(setup.user)
    client.cookies["openlpse_language"] = "en"
    page = client.get(f"/penyedia/tender/{setup.tender.code}/penawaran/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    row = setup.keys["single"].row
    assert sealedfile.format_fingerprint(row.committee_fingerprint) in body
    assert sealedfile.format_fingerprint(row.system_fingerprint) in body
    assert "Start early" in body
    assert submission.receipt_number in body
    for name in ("tanda-terima.pdf", "tanda-terima.json", "berkas-tersegel"):
        url = f"/penyedia/tender/{setup.tender.code}/penawaran/{submission.pk}/{name}"
        assert url in body
        assert client.get(url).status_code == 200
    response = client.post(f"/penyedia/tender/{setup.tender.code}/penawaran/single/tarik/")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert not submission.is_effective and submission.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="bid.withdraw").exists()
    # The vendor's tender page links to it.
    detail = client.get(f"/penyedia/tender/{setup.tender.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"/penyedia/tender/{setup.tender.code}/penawaran/" in detail.content.decode()


def test_vendor_page_refuses_officials_and_hides_others_files(client):
    setup = bid_setup()
    submission = submit(setup, seal_bytes(setup))
    client.force_login(official(setup))
    page = client.get(f"/penyedia/tender/{setup.tender.code}/penawaran/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code != 200  # officials: the two-factor step first, then refused
    client.force_login(stranger())
    client.cookies["openlpse_language"] = "en"
    page = client.get(f"/penyedia/tender/{setup.tender.code}/penawaran/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403
    assert "registered vendor" in page.content.decode()
    rival = second_vendor(setup)
    client.force_login(rival.created_by)
    url = f"/penyedia/tender/{setup.tender.code}/penawaran/{submission.pk}/berkas-tersegel"
    assert client.get(url).status_code == 404
    assert Submission.objects.count() == 1
