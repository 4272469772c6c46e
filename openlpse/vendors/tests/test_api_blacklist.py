"""The blacklist in the JSON API: the public list, and requests, decisions and lifting with
an API token."""

import datetime as dt

import pytest

from openlpse.accounts.permissions import today
from openlpse.vendors import validators
from openlpse.vendors.enums import BlacklistRequestStatus
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest
from openlpse.vendors.tests.blacklist_support import (
    blacklist,
    build_scene,
    evidence,
    file_request,
    issue_token,
    refresh,
    snapshot,
)
from openlpse.vendors.tests.factories import BlacklistEntryFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/blacklist"


@pytest.fixture
def scene():
    return build_scene()


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}"}


def _form(scene, **overrides):
    start = today()
    data = {
        "vendor_id": str(scene.vendor.pk),
        "lpse": scene.world.lpse.slug,
        "reason": "Memalsukan jaminan",
        "legal_basis": "Peraturan LKPP 17/2018",
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=90)).isoformat(),
        "evidence": [evidence()],
    }
    data.update(overrides)
    return data


# --- public list -------------------------------------------------------------------------------


def test_public_list_needs_no_token_and_masks_the_npwp(client, scene):
    entry = blacklist(scene)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert item == {
        "id": entry.pk,
        "company": entry.company_name,
        "npwp_masked": validators.mask_npwp(entry.npwp),
        "starts_on": entry.starts_on.isoformat(),
        "ends_on": entry.ends_on.isoformat(),
        "status": "in_force",
        "reason": entry.reason,
        "legal_basis": entry.legal_basis,
        "deciding_agency": scene.world.agency.name,
        "lpse": {"slug": scene.world.lpse.slug, "name": scene.world.lpse.name},
        "lift_reason": "",
    }
    assert entry.npwp not in response.content.decode()


def test_public_list_filters_by_status(client, scene):
    current = blacklist(scene)
    ended = BlacklistEntryFactory(
        lpse=scene.world.lpse,
        starts_on=today() - dt.timedelta(days=100),
        ends_on=today() - dt.timedelta(days=1),
    )

    def ids(**params):
        return [i["id"] for i in client.get(LIST, params).json()["items"]]

    assert ids() == [current.pk]
    assert ids(status="in_force") == [current.pk]
    assert ids(status="ended") == [ended.pk]
    assert sorted(ids(status="all")) == sorted([current.pk, ended.pk])
    assert ids(status="all", lpse=scene.world.other_lpse.slug) == []
    response = client.get(LIST, {"lpse": "tidak-ada"})
    assert response.status_code == 400
    assert "lpse" in response.json()["error"]["fields"]
    response = client.get(LIST, {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_public_list_pages_with_a_cursor(client, scene):
    for n in range(5):
        BlacklistEntryFactory(
            lpse=scene.world.lpse, starts_on=today() - dt.timedelta(days=n), company_name=f"CV {n}"
        )
    first = client.get(LIST, {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    seen = [i["id"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(LIST, {"limit": 2, "cursor": cursor}).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(BlacklistEntry.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 5


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/blacklist"]
    assert "post" in paths["/api/v1/blacklist/requests"]
    assert "post" in paths["/api/v1/blacklist/requests/{request_id}/decision"]
    assert "post" in paths["/api/v1/blacklist/entries/{entry_id}/lift"]
    assert paths["/api/v1/blacklist"]["get"]["tags"] == ["Blacklist"]


# --- requests ----------------------------------------------------------------------------------


def test_requester_files_a_request_with_evidence(client, scene):
    response = client.post("/api/v1/blacklist/requests", _form(scene), **bearer(scene.ppk))
    assert response.status_code == 201, response.content
    body = response.json()
    request = BlacklistRequest.objects.get()
    assert body["id"] == request.pk
    assert body["status"] == "pending"
    assert body["requester_role"] == "ppk"
    assert body["agency"] == scene.world.agency.name
    assert body["lpse"] == {"slug": scene.world.lpse.slug, "name": scene.world.lpse.name}
    assert [e["sha256"] for e in body["evidence"]] == [request.evidence.get().sha256]
    assert body["entry_id"] is None


def test_request_without_token_is_401_and_without_role_is_403(client, scene):
    before = snapshot()
    response = client.post("/api/v1/blacklist/requests", _form(scene))
    assert response.status_code == 401
    response = client.post(
        "/api/v1/blacklist/requests", _form(scene), **bearer(scene.world.users["auditor"])
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    snapshot_after = snapshot()
    # Only the auditor's new token was written.
    assert snapshot_after["requests"] == before["requests"]
    assert snapshot_after["entries"] == before["entries"]


def test_request_refusals_answer_with_field_errors(client, scene):
    headers = bearer(scene.ppk)
    response = client.post("/api/v1/blacklist/requests", _form(scene, evidence=[]), **headers)
    assert response.status_code == 400
    assert "evidence" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/blacklist/requests",
        _form(scene, ends_on=(today() - dt.timedelta(days=5)).isoformat()),
        **headers,
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/blacklist/requests", _form(scene, vendor_id="999999"), **headers
    )
    assert response.status_code == 404
    response = client.post("/api/v1/blacklist/requests", _form(scene, colour="red"), **headers)
    assert response.status_code == 400
    assert not BlacklistRequest.objects.exists()


def test_verifikator_decides_and_a_second_decision_is_409(client, scene):
    request = file_request(scene)
    url = f"/api/v1/blacklist/requests/{request.pk}/decision"
    headers = bearer(scene.verifikator)
    response = client.post(
        url, {"approve": True, "note": "Terbukti"}, content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    body = response.json()
    entry = BlacklistEntry.objects.get()
    assert (body["status"], body["entry_id"]) == ("approved", entry.pk)
    refresh(scene.admin)
    assert not scene.admin.is_active
    response = client.post(
        url, {"approve": False, "note": "x"}, content_type="application/json", **headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "blacklist_request_decided"


def test_rejection_without_a_note_is_400(client, scene):
    request = file_request(scene)
    response = client.post(
        f"/api/v1/blacklist/requests/{request.pk}/decision",
        {"approve": False},
        content_type="application/json",
        **bearer(scene.verifikator),
    )
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.PENDING


@pytest.mark.parametrize("who", ["other_verifikator", "ppk_other"])
def test_others_cannot_decide(client, scene, who):
    request = file_request(scene)
    user = scene.other_verifikator if who == "other_verifikator" else scene.world.users["pa"]
    response = client.post(
        f"/api/v1/blacklist/requests/{request.pk}/decision",
        {"approve": True, "note": ""},
        content_type="application/json",
        **bearer(user),
    )
    # The other LPSE's verifikator cannot even see it; another requester sees only their own.
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.PENDING


def test_the_requester_may_read_but_not_decide(client, scene):
    request = file_request(scene)
    response = client.post(
        f"/api/v1/blacklist/requests/{request.pk}/decision",
        {"approve": True, "note": ""},
        content_type="application/json",
        **bearer(scene.ppk),
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.PENDING


def test_verifikator_lifts_an_entry(client, scene):
    entry = blacklist(scene)
    url = f"/api/v1/blacklist/entries/{entry.pk}/lift"
    response = client.post(
        url,
        {"reason": "Putusan PTUN"},
        content_type="application/json",
        **bearer(scene.verifikator),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended"
    assert response.json()["lift_reason"] == "Putusan PTUN"
    refresh(*scene.people)
    assert all(p.is_active for p in scene.people)
    response = client.post(
        url, {"reason": "lagi"}, content_type="application/json", **bearer(scene.verifikator)
    )
    assert response.status_code == 409


def test_others_cannot_lift(client, scene):
    entry = blacklist(scene)
    for user in (scene.other_verifikator, scene.ppk, scene.world.users["lpse_admin"]):
        response = client.post(
            f"/api/v1/blacklist/entries/{entry.pk}/lift",
            {"reason": "x"},
            content_type="application/json",
            **bearer(user),
        )
        assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.ended_at is None
