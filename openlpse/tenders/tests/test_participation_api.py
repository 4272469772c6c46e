"""Documents, addenda and participation in the JSON API."""

from __future__ import annotations

import pytest

from openlpse.core import clock
from openlpse.tenders.enums import AddendumStatus, DocumentKind
from openlpse.tenders.models import Addendum, DocumentDownload, Participant, TenderDocument
from openlpse.tenders.tests.factories import TenderFactory, announced_tender, assigned_package
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    sha,
    tender_with_document,
    upload,
    vendor_for,
)
from openlpse.vendors.tests.blacklist_support import issue_token
from openlpse.vendors.tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}", **EN}


def test_vendor_lists_open_tenders_joins_twice_and_downloads(client):
    tender = tender_with_document(open_stage="pengumuman")
    announced_tender(open_stage="upload_penawaran")
    vendor = vendor_for(tender)
    auth = bearer(vendor.created_by)

    listing = client.get("/api/v1/vendor/tenders", **auth)
    assert listing.status_code == 200
    body = listing.json()
    assert [item["code"] for item in body["items"]] == [tender.code]
    assert body["items"][0]["joined"] is False
    assert body["items"][0]["hps"] == str(tender.package.hps_total)
    assert body["next_cursor"] is None

    first = client.post(f"/api/v1/vendor/tenders/{tender.pk}/join", **auth)
    second = client.post(f"/api/v1/vendor/tenders/{tender.pk}/join", **auth)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["tender_code"] == tender.code
    assert Participant.objects.count() == 1

    documents = client.get(f"/api/v1/vendor/tenders/{tender.pk}/documents", **auth).json()
    assert [(d["version"], d["sha256"]) for d in documents] == [(1, sha(PDF_BYTES))]
    file = client.get(
        f"/api/v1/vendor/tenders/{tender.pk}/documents/{documents[0]['id']}/file", **auth
    )
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF_BYTES
    assert DocumentDownload.objects.get().vendor == vendor

    mine = client.get("/api/v1/vendor/participations", **auth).json()
    assert [p["tender_code"] for p in mine["items"]] == [tender.code]


def test_join_after_the_window_answers_409_with_the_sentence(client):
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    auth = bearer(vendor.created_by)
    with clock.frozen(tender.stages.get(code="download_dokumen").ends_at):
        response = client.post(f"/api/v1/vendor/tenders/{tender.pk}/join", **auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stage_ended"
    assert response.json()["error"]["message"].startswith("Joining the tender closed")
    assert Participant.objects.count() == 0


def test_an_official_token_cannot_use_the_vendor_endpoints(client):
    tender = announced_tender(open_stage="pengumuman")
    auth = bearer(tender.officials.ppk)
    assert client.get("/api/v1/vendor/tenders", **auth).status_code == 403
    response = client.post(f"/api/v1/vendor/tenders/{tender.pk}/join", **auth)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "official_cannot_join"


def test_a_non_participant_cannot_download_by_api(client):
    tender = tender_with_document()
    vendor = vendor_for(tender)
    document = TenderDocument.objects.get()
    response = client.get(
        f"/api/v1/vendor/tenders/{tender.pk}/documents/{document.pk}/file",
        **bearer(vendor.created_by),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_participant"
    assert DocumentDownload.objects.count() == 0


def test_draft_tenders_are_not_found_for_vendors(client):
    tender = TenderFactory(package=assigned_package())
    auth = bearer(vendor_for(tender).created_by)
    assert client.post(f"/api/v1/vendor/tenders/{tender.pk}/join", **auth).status_code == 404
    assert client.get(f"/api/v1/vendor/tenders/{tender.pk}/documents", **auth).status_code == 404


def test_committee_uploads_a_draft_by_api(client):
    tender = TenderFactory(package=assigned_package())
    auth = bearer(tender.package.committee.chair)
    response = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/documents",
        {"kind": DocumentKind.DOKUMEN_PEMILIHAN, "title": "Dokumen Pemilihan", "file": upload()},
        **auth,
    )
    assert response.status_code == 201
    assert response.json()["sha256"] == sha(PDF_BYTES)
    assert response.json()["version"] == 1
    listing = client.get(f"/api/v1/committee/tenders/{tender.pk}/documents", **auth).json()
    assert [d["id"] for d in listing] == [response.json()["id"]]


def test_addendum_flow_by_api(client, django_capture_on_commit_callbacks):
    tender = tender_with_document()
    chair = bearer(tender.committee.chair)
    ppk = bearer(tender.officials.ppk)

    created = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/addenda",
        {"reason": "Perubahan HPS", "changes_hps": True},
        content_type="application/json",
        **chair,
    )
    assert created.status_code == 201
    addendum_id = created.json()["id"]
    attached = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/documents",
        {
            "kind": DocumentKind.DOKUMEN_PEMILIHAN,
            "title": "Adendum 1",
            "file": upload(PDF_V2),
            "addendum_id": str(addendum_id),
        },
        **chair,
    )
    assert attached.status_code == 201
    assert attached.json()["version"] == 2
    assert attached.json()["addendum"] == 1

    early = client.post(f"/api/v1/committee/addenda/{addendum_id}/publish", **chair)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "addendum_needs_ppk_approval"

    assert (
        client.post(f"/api/v1/committee/addenda/{addendum_id}/submit", **chair).json()["status"]
        == AddendumStatus.AWAITING_PPK
    )
    refused = client.post(
        f"/api/v1/committee/addenda/{addendum_id}/decision",
        {"approve": True},
        content_type="application/json",
        **chair,
    )
    assert refused.status_code == 403
    decided = client.post(
        f"/api/v1/committee/addenda/{addendum_id}/decision",
        {"approve": True, "note": "OK"},
        content_type="application/json",
        **ppk,
    )
    assert decided.json()["approved_by_ppk"] is True
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(f"/api/v1/committee/addenda/{addendum_id}/publish", **chair)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert Addendum.objects.get().status == AddendumStatus.PUBLISHED


def test_others_get_404_on_manage_endpoints(client):
    tender = tender_with_document()
    auth = bearer(vendor_for(tender).created_by)
    assert client.get(f"/api/v1/committee/tenders/{tender.pk}/documents", **auth).status_code == 404
    response = client.post(
        f"/api/v1/committee/tenders/{tender.pk}/addenda",
        {"reason": "x"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert Addendum.objects.count() == 0
