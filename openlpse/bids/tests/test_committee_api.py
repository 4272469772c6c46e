"""The keys in the JSON API (bearer token): the chair's key material and store, my personal
key; refusals answer the API's error shape and change nothing."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.utils import translation

from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import ceremony
from openlpse.bids.models import EnvelopeKeys, PersonalKey
from openlpse.bids.sealedfile import b64, fingerprint, public_raw
from openlpse.bids.tests.factories import give_personal_keys
from openlpse.core import clock
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.tests.setup_support import approve_all, draft, monday_morning, upload_document
from openlpse.vendors.tests.blacklist_support import issue_token
from openlpse.vendors.tests.factories import grant_vendor_role, make_verified_vendor

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(monday_morning()), translation.override("en"):
        yield


def _auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}", **EN}


def _tender():  # type: ignore[no-untyped-def]
    tender = draft()
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    give_personal_keys(tender.committee.pokja)
    tender.refresh_from_db()
    return tender


def test_chair_gets_the_material_and_stores_the_keys():
    tender = _tender()
    chair, second, _third = tender.committee.pokja
    client = Client()
    material_url = f"/api/v1/committee/tenders/{tender.code}/key-material"
    keys_url = f"/api/v1/committee/tenders/{tender.code}/keys"
    response = client.get(material_url, **_auth(chair))
    assert response.status_code == 200, response.content
    material = response.json()
    assert (material["tender"], material["threshold"], material["share_count"]) == (
        tender.code,
        2,
        3,
    )
    assert material["missing"] == []
    payload = ceremony.run_key_ceremony(material).payload
    refused = client.post(keys_url, payload, content_type="application/json", **_auth(second))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_committee_chair"
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()
    answer = client.post(keys_url, payload, content_type="application/json", **_auth(chair))
    assert answer.status_code == 201, answer.content
    row = EnvelopeKeys.objects.get(tender=tender)
    assert answer.json() == [
        {
            "envelope": "single",
            "committee_kid": row.committee_kid,
            "committee_fingerprint": row.committee_fingerprint,
            "threshold": 2,
            "share_count": 3,
            "generation": 1,
        }
    ]
    assert row.shares.count() == 3
    setup_services.tender_announce(actor=chair, tender=tender)
    late = client.post(keys_url, payload, content_type="application/json", **_auth(chair))
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "ceremony_after_announcement"
    again = client.get(material_url, **_auth(chair))
    assert again.status_code == 409


def test_committee_api_refusals():
    tender = _tender()
    chair, second, _third = tender.committee.pokja
    client = Client()
    material_url = f"/api/v1/committee/tenders/{tender.code}/key-material"
    keys_url = f"/api/v1/committee/tenders/{tender.code}/keys"
    assert client.get(material_url, **EN).status_code == 401
    outsider = _auth(UserFactory())
    assert client.get(material_url, **outsider).status_code == 404
    assert (
        client.get("/api/v1/committee/tenders/NOPE/key-material", **_auth(chair)).status_code == 404
    )
    not_chair = client.get(material_url, **_auth(second))
    assert not_chair.status_code == 403
    bad = client.post(
        keys_url,
        {"envelopes": {"single": {"public_key": "AAAA", "threshold": 2, "shares": {}}}},
        content_type="application/json",
        **_auth(chair),
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_committee_keys"
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()


def test_my_personal_key_through_the_api():
    tender = draft()
    member = tender.committee.pokja[1]
    client = Client()
    headers = _auth(member)
    assert client.get("/api/v1/me/personal-key", **headers).status_code == 404
    key = ec.generate_private_key(ec.SECP256R1())
    public = b64(public_raw(key))
    answer = client.post(
        "/api/v1/me/personal-key",
        {"public_key": public},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["status"], body["fingerprint"], body["public_key"]) == (
        "pending",
        fingerprint(public_raw(key)),
        public,
    )
    mine = client.get("/api/v1/me/personal-key", **headers)
    assert mine.status_code == 200 and mine.json()["id"] == body["id"]
    again = client.post(
        "/api/v1/me/personal-key",
        {"public_key": public},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "personal_key_exists"
    vendor = UserFactory()
    grant_vendor_role(vendor, make_verified_vendor(lpse=tender.lpse))
    refused = client.post(
        "/api/v1/me/personal-key",
        {"public_key": b64(public_raw(ec.generate_private_key(ec.SECP256R1())))},
        content_type="application/json",
        **_auth(vendor),
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_key_holder"
    broken = client.post(
        "/api/v1/me/personal-key",
        {"public_key": "AAAA"},
        content_type="application/json",
        **_auth(tender.committee.pokja[2]),
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_public_key"
    assert (
        client.post("/api/v1/me/personal-key", {}, content_type="application/json").status_code
        == 401
    )
    assert PersonalKey.objects.count() == 1
