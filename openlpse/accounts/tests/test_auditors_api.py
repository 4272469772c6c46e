"""The auditor endpoints of the JSON API: the public request, and the decisions."""

import pytest
from django.test import Client

from openlpse.accounts.models import AuditorRegistration, AuditorRegistrationStatus
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.registrations_support import counts, days, exe, pdf
from openlpse.organizations.tests.world import build_world

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/lpses/lampung-timur/auditor-requests"


@pytest.fixture
def world():
    return build_world()


def api_as(user) -> Client:
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def request_form(**overrides):
    data = {
        "full_name": "Nyoman Auditor",
        "email": "nyoman@bpk.go.id",
        "institution": "bpk",
        "institution_name": "BPK Perwakilan Provinsi Lampung",
        "letter_number": "12/ST/XVIII.LPG/2026",
        "letter_date": days(-1).isoformat(),
        "starts_on": days(0).isoformat(),
        "ends_on": days(45).isoformat(),
        "package_codes": "",
        "letter_file": pdf("st.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submitted(world) -> int:
    response = Client().post(SUBMIT, request_form())
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_anyone_submits_without_a_token(world):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(SUBMIT, request_form())
    assert response.status_code == 201
    body = response.json()
    assert (body["lpse"], body["status"]) == ("lampung-timur", "pending")
    assert AuditorRegistration.objects.get().email == "nyoman@bpk.go.id"


def test_bad_submissions_are_explained(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    before = counts()
    response = client.post(SUBMIT, request_form(letter_file=exe()))
    assert response.status_code == 415
    response = client.post(SUBMIT, request_form(institution="nope"))
    assert response.status_code == 400
    assert "institution" in response.json()["error"]["fields"]
    response = client.post(SUBMIT, request_form(unknown="x"))
    assert response.status_code == 400
    assert (
        client.post("/api/v1/lpses/tidak-ada/auditor-requests", request_form()).status_code == 404
    )
    assert counts() == before


def test_a_second_waiting_request_is_a_conflict(world):
    submitted(world)
    response = Client().post(SUBMIT, request_form())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "auditor_request_pending"


def test_verifikator_lists_and_approves(world):
    pk = submitted(world)
    client = api_as(world.users["lpse_staff"])
    items = client.get("/api/v1/auditor-requests").json()["items"]
    assert [item["id"] for item in items] == [pk]
    assert client.get(f"/api/v1/auditor-requests/{pk}").json()["package_codes"] == []
    response = client.post(
        f"/api/v1/auditor-requests/{pk}/approve", {"note": ""}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["username"]) == ("approved", "nyoman")
    decided = client.get("/api/v1/auditor-requests?status=decided").json()["items"]
    assert [item["id"] for item in decided] == [pk]
    assert client.get("/api/v1/auditor-requests").json()["items"] == []


def test_lpse_admin_rejects_with_a_reason(world):
    pk = submitted(world)
    client = api_as(world.users["lpse_admin"])
    url = f"/api/v1/auditor-requests/{pk}/reject"
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Surat kedaluwarsa"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision_note"]) == (
        "rejected",
        "Surat kedaluwarsa",
    )


@pytest.mark.parametrize("who", ["other_lpse_admin", "agency_admin", "ppk", "vendor_admin"])
def test_others_see_nothing_and_decide_nothing(world, who):
    pk = submitted(world)
    client = api_as(world.users[who])
    assert client.get("/api/v1/auditor-requests").json()["items"] == []
    assert client.get(f"/api/v1/auditor-requests/{pk}").status_code == 404
    response = client.post(
        f"/api/v1/auditor-requests/{pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert AuditorRegistration.objects.get().status == AuditorRegistrationStatus.PENDING
