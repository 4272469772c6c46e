"""/api/v1/verification/requests: the queue, one request, approve and reject."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openlpse.accounts.services import tokens
from openlpse.core.models import AuditEvent
from openlpse.vendors.models import DocumentReview, Vendor, VerificationRequest
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VerificationRequestFactory,
    make_submitted_registration,
    make_verified_vendor,
    make_verifikator,
)
from openlpse.vendors.tests.verification_support import snapshot

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST = "/api/v1/verification/requests"


@pytest.fixture
def lpse(lpse_lampung_timur):
    return lpse_lampung_timur


@pytest.fixture
def verifikator(lpse):
    return make_verifikator(lpse, full_name="Budi Verifikator")


@pytest.fixture
def api(client, verifikator):
    secret = tokens.token_create(user=verifikator, name="test", actor=None).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", **EN}

    class Api:
        def get(self, url):
            return client.get(url, **headers)

        def post(self, url, body):
            return client.post(url, body, content_type="application/json", **headers)

    return Api()


def url(vreq, action=""):
    return f"{LIST}/{vreq.pk}" + (f"/{action}" if action else "")


class TestQueue:
    def test_the_queue_is_oldest_first_and_cursor_paginated(self, api, lpse, lpse_karangasem):
        now = timezone.now()
        made = [
            make_submitted_registration(
                lpse=lpse, documents=False, submitted_at=now - dt.timedelta(hours=10 - n)
            )
            for n in range(5)
        ]
        make_submitted_registration(lpse=lpse_karangasem, documents=False)
        first = api.get(LIST + "?limit=3").json()
        assert [i["id"] for i in first["items"]] == [r.pk for r in made[:3]]
        assert first["items"][0]["waiting_hours"] == 10
        assert first["items"][0]["lpse"] == lpse.slug
        second = api.get(LIST + f"?limit=3&cursor={first['next_cursor']}").json()
        assert [i["id"] for i in second["items"]] == [r.pk for r in made[3:]]
        assert second["next_cursor"] is None

    def test_filters(self, api, lpse):
        a = make_submitted_registration(lpse=lpse, name="PT Alpha", documents=False)
        change = VerificationRequestFactory(
            vendor=make_verified_vendor(lpse=lpse, name="CV Beta"),
            kind="identity_change",
            lpse=lpse,
            data={"proposed": {"name": "CV Beta Baru"}},
        )

        def ids(query):
            return [i["id"] for i in api.get(LIST + query).json()["items"]]

        assert ids("?kind=identity_change") == [change.pk]
        assert ids("?q=alpha") == [a.pk]
        assert ids(f"?q={a.vendor.npwp}") == [a.pk]
        assert ids(f"?lpse={lpse.slug}") == [a.pk, change.pk]
        assert ids("?status=approved") == []
        assert api.get(LIST + "?lpse=karangasem").status_code == 404
        assert api.get(LIST + "?status=bogus").status_code == 400


class TestDetail:
    def test_the_request_with_documents_checklist_and_blacklist(self, api, lpse):
        vreq = make_submitted_registration(lpse=lpse, name="PT Detail")
        entry = BlacklistEntryFactory(npwp=vreq.vendor.npwp, reason="Dokumen palsu")
        body = api.get(url(vreq)).json()
        assert body["vendor_name"] == "PT Detail"
        assert body["identity"]["npwp"] == vreq.vendor.npwp
        assert [c["item"] for c in body["checklist"]] == [
            "identity",
            "ktp",
            "akta_pendirian",
            "npwp",
            "izin_usaha",
            "formulir",
        ]
        ktp = vreq.vendor.documents.get(kind="ktp")
        doc = next(d for d in body["documents"] if d["kind"] == "ktp")
        assert doc["id"] == ktp.pk and doc["sha256"] == ktp.file.sha256
        assert body["blacklist"] == {
            "company": entry.company_name,
            "ends_on": entry.ends_on.isoformat(),
            "reason": "Dokumen palsu",
            "decided_by": entry.agency_name,
        }
        assert body["reviews"] == []

    def test_an_identity_change_shows_the_proposed_values(self, api, lpse):
        vreq = VerificationRequestFactory(
            vendor=make_verified_vendor(lpse=lpse),
            kind="identity_change",
            lpse=lpse,
            data={"proposed": {"email": "baru@contoh.co.id"}},
        )
        body = api.get(url(vreq)).json()
        assert body["proposed"] == {"email": "baru@contoh.co.id"}
        assert [c["item"] for c in body["checklist"]] == ["identity"]

    def test_a_request_of_another_lpse_is_not_found(self, api, lpse_karangasem):
        vreq = make_submitted_registration(lpse=lpse_karangasem, documents=False)
        before = snapshot()
        response = api.get(url(vreq))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert api.post(url(vreq, "approve"), {}).status_code == 404
        assert snapshot() == before


class TestDecisions:
    def test_approve(self, api, lpse, verifikator):
        vreq = make_submitted_registration(lpse=lpse)
        response = api.post(url(vreq, "approve"), {"note": "Lengkap."})
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "approved"
        assert body["decided_by"] == "Budi Verifikator"
        assert body["decision_note"] == "Lengkap."
        assert all(r["accepted"] for r in body["reviews"]) and len(body["reviews"]) == 6
        assert Vendor.objects.get(pk=vreq.vendor_id).status == "verified"
        # A second click.
        again = api.post(url(vreq, "approve"), {})
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "verification_already_decided"

    def test_reject_with_a_reason_per_item(self, api, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        response = api.post(
            url(vreq, "reject"),
            {
                "reviews": [
                    {"item": "identity", "accepted": True},
                    {"item": "ktp", "accepted": False, "reason": "Foto buram."},
                ],
                "note": "Perbaiki KTP.",
            },
        )
        assert response.status_code == 200
        assert response.json()["status"] == "rejected"
        assert list(
            DocumentReview.objects.filter(request=vreq).values_list("item", "accepted", "reason")
        ) == [("identity", True, ""), ("ktp", False, "Foto buram.")]

    def test_reject_errors_name_the_items(self, api, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        before = snapshot()
        no_reason = api.post(
            url(vreq, "reject"), {"reviews": [{"item": "npwp", "accepted": False}]}
        )
        assert no_reason.status_code == 400
        assert list(no_reason.json()["error"]["fields"]) == ["npwp"]
        twice = api.post(
            url(vreq, "reject"),
            {
                "reviews": [
                    {"item": "ktp", "accepted": False, "reason": "a"},
                    {"item": "ktp", "accepted": True},
                ]
            },
        )
        assert twice.status_code == 400 and "twice" in twice.json()["error"]["message"]
        unknown_field = api.post(
            url(vreq, "reject"),
            {"reviews": [{"item": "ktp", "accepted": False, "reason": "a"}], "status": "x"},
        )
        assert unknown_field.status_code == 400
        empty = api.post(url(vreq, "reject"), {"reviews": []})
        assert empty.status_code == 400
        assert snapshot() == before

    def test_a_linked_verifikator_is_refused_and_audited(self, client, lpse):
        linked = make_verifikator(lpse, email="direktur@linked.co.id")
        vreq = make_submitted_registration(lpse=lpse, email="direktur@linked.co.id")
        secret = tokens.token_create(user=linked, name="t", actor=None).secret
        response = client.post(
            url(vreq, "approve"),
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            **EN,
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "verifier_conflict"
        assert AuditEvent.objects.filter(action="vendor.verification_conflict_refused").exists()
        assert VerificationRequest.objects.get(pk=vreq.pk).status == "pending"

    def test_a_blacklisted_company_is_refused(self, api, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        BlacklistEntryFactory(npwp=vreq.vendor.npwp)
        response = api.post(url(vreq, "approve"), {})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "blacklisted"


def test_the_endpoints_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path, method in (
        ("/api/v1/verification/requests", "get"),
        ("/api/v1/verification/requests/{request_id}", "get"),
        ("/api/v1/verification/requests/{request_id}/approve", "post"),
        ("/api/v1/verification/requests/{request_id}/reject", "post"),
    ):
        assert doc["paths"][path][method]["tags"] == ["Vendor verification"]
