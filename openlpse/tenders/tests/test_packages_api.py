"""Packages and the Pokja in the JSON API: the PPK's create, HPS (over the pagu refused with
both amounts), send; the ULP head's Pokja (separation refusals with their codes); hidden
packages answer 404 like missing ones."""

import json

import pytest

from openlpse.accounts.enums import Role
from openlpse.plans.enums import RupStatus
from openlpse.plans.tests.factories import RupItemFactory, grant
from openlpse.tenders.enums import PackageStatus
from openlpse.tenders.models import Package
from openlpse.tenders.tests.packages_support import (
    build_scene,
    pdf,
    ready_package,
    sent_package,
    snapshot,
)
from openlpse.vendors.tests.blacklist_support import issue_token

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def scene():
    return build_scene()


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}", **EN}


def _headers(user):
    return user if isinstance(user, dict) else auth(user)


def post(client, url, user, body):
    """`user` is a user (a token is issued) or headers already made."""
    return client.post(url, json.dumps(body), content_type="application/json", **_headers(user))


def put(client, url, user, body):
    return client.put(url, json.dumps(body), content_type="application/json", **_headers(user))


def test_ppk_creates_sets_hps_and_sends(client, scene):
    response = post(
        client,
        "/api/v1/packages",
        scene.ppk,
        {
            "rup_item_id": scene.rup.pk,
            "contract_type": "lump_sum",
            "business_qualification": "kecil",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    package = Package.objects.get()
    assert body["id"] == package.pk
    assert body["code"] == package.code
    assert body["status"] == "draft"
    assert body["pagu"] == "1500000000.00"
    assert body["hps_total"] == "0.00"
    assert body["rup_item"] == {"id": scene.rup.pk, "code": scene.rup.code}
    assert body["work_unit"] == {
        "id": scene.officials.work_unit.pk,
        "name": scene.officials.work_unit.name,
    }
    url = f"/api/v1/packages/{package.pk}"
    response = put(
        client,
        url + "/hps",
        scene.ppk,
        {"items": [{"name": "Aspal", "unit": "ton", "quantity": "3", "unit_price": "1000000.10"}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["hps_total"] == "3000000.30"
    assert response.json()["hps_items"] == [
        {
            "position": 1,
            "name": "Aspal",
            "unit": "ton",
            "quantity": "3.0000",
            "unit_price": "1000000.10",
            "total": "3000000.30",
            "notes": "",
        }
    ]
    response = client.post(url + "/documents/kak", {"file": pdf()}, **auth(scene.ppk))
    assert response.status_code == 200, response.content
    assert response.json()["kak"]["name"] == "kak.pdf"
    response = post(
        client, url + "/send", scene.ppk, {"ulp_agency_id": scene.committee.ulp_agency.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent"
    assert response.json()["ulp_agency"]["id"] == scene.committee.ulp_agency.pk


def test_unannounced_rup_item_is_refused_with_its_code(client, scene):
    draft = RupItemFactory(agency=scene.officials.agency, status=RupStatus.DRAFT)
    response = post(
        client,
        "/api/v1/packages",
        scene.ppk,
        {"rup_item_id": draft.pk, "contract_type": "lump_sum", "business_qualification": "kecil"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "rup_not_announced"
    assert not Package.objects.exists()


def test_hps_over_pagu_answers_400_with_both_amounts(client, scene):
    package = ready_package(scene)
    headers = auth(scene.ppk)  # issuing a token is audited: before the snapshot
    before = snapshot()
    response = put(
        client,
        f"/api/v1/packages/{package.pk}/hps",
        headers,
        {"items": [{"name": "X", "unit": "paket", "quantity": "2", "unit_price": "750000000.01"}]},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "hps_over_pagu"
    assert error["message"] == (
        "The HPS total of IDR 1,500,000,000.02 is more than the pagu of IDR 1,500,000,000.00, "
        "by IDR 0.02. Lower the quantities or unit prices so that the total is at most the pagu."
    )
    assert snapshot() == before


def test_row_errors_name_the_row(client, scene):
    package = ready_package(scene)
    response = put(
        client,
        f"/api/v1/packages/{package.pk}/hps",
        scene.ppk,
        {"items": [{"name": "X", "unit": "m", "quantity": "0", "unit_price": "1"}]},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "items.0.quantity": ["Row 1: enter a quantity greater than zero."]
    }


def test_unknown_fields_are_refused(client, scene):
    response = post(
        client,
        "/api/v1/packages",
        scene.ppk,
        {
            "rup_item_id": scene.rup.pk,
            "contract_type": "lump_sum",
            "business_qualification": "kecil",
            "hps_total": "1",
        },
    )
    assert response.status_code == 400
    assert not Package.objects.exists()


def test_hidden_package_is_404_like_a_missing_one(client, scene):
    package = ready_package(scene)
    for user in (scene.stranger, scene.head, scene.lpse_admin):
        hidden = client.get(f"/api/v1/packages/{package.pk}", **auth(user))
        missing = client.get("/api/v1/packages/999999", **auth(user))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


def test_without_a_token_is_401(client, scene):
    assert client.get("/api/v1/packages").status_code == 401


def test_lists_by_role(client, scene):
    package = sent_package(scene)
    mine = client.get("/api/v1/packages", **auth(scene.ppk)).json()
    assert [p["code"] for p in mine["items"]] == [package.code]
    incoming = client.get("/api/v1/packages?role=ulp", **auth(scene.head)).json()
    assert [p["code"] for p in incoming["items"]] == [package.code]
    assert client.get("/api/v1/packages", **auth(scene.head)).json()["items"] == []
    committee = client.get(
        "/api/v1/packages?role=committee", **auth(scene.committee.pokja[0])
    ).json()
    assert committee["items"] == []


def test_head_assigns_the_pokja(client, scene):
    package = sent_package(scene)
    a, b, c = scene.committee.pokja[:3]
    response = post(
        client,
        f"/api/v1/packages/{package.pk}/pokja",
        scene.head,
        {"member_ids": [a.pk, b.pk, c.pk], "chair_id": c.pk, "sk_number": "027/2026"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == PackageStatus.ASSIGNED
    assert [(m["user_id"], m["is_chair"]) for m in body["pokja"]] == [
        (c.pk, True),
        (a.pk, False),
        (b.pk, False),
    ]
    committee = client.get("/api/v1/packages?role=committee", **auth(a)).json()
    assert [p["id"] for p in committee["items"]] == [package.pk]


def test_pokja_with_the_ppk_is_403_separation(client, scene):
    package = sent_package(scene)
    grant(scene.ppk, Role.POKJA_MEMBER, agency=scene.committee.ulp_agency)
    a, b = scene.committee.pokja[:2]
    headers = auth(scene.head)
    before = snapshot()
    response = post(
        client,
        f"/api/v1/packages/{package.pk}/pokja",
        headers,
        {"member_ids": [a.pk, b.pk, scene.ppk.pk], "chair_id": a.pk, "sk_number": "1"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "pokja_member_is_ppk"
    assert snapshot() == before


def test_even_pokja_is_400(client, scene):
    package = sent_package(scene)
    ids = [u.pk for u in scene.committee.pokja[:4]]
    response = post(
        client,
        f"/api/v1/packages/{package.pk}/pokja",
        scene.head,
        {"member_ids": ids, "chair_id": ids[0], "sk_number": "1"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "pokja_even"


def test_unknown_member_id_is_named(client, scene):
    package = sent_package(scene)
    a, b = scene.committee.pokja[:2]
    response = post(
        client,
        f"/api/v1/packages/{package.pk}/pokja",
        scene.head,
        {"member_ids": [a.pk, b.pk, 999999], "chair_id": a.pk, "sk_number": "1"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"member_ids": ["No user has the id 999999."]}


def test_replace_and_return(client, scene):
    package = sent_package(scene)
    response = post(
        client, f"/api/v1/packages/{package.pk}/return", scene.head, {"reason": "KAK kurang"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "KAK kurang"
    post(
        client,
        f"/api/v1/packages/{package.pk}/send",
        scene.ppk,
        {"ulp_agency_id": scene.committee.ulp_agency.pk},
    )
    a, b, c, d = scene.committee.pokja[:4]
    post(
        client,
        f"/api/v1/packages/{package.pk}/pokja",
        scene.head,
        {"member_ids": [a.pk, b.pk, c.pk], "chair_id": a.pk, "sk_number": "1"},
    )
    response = post(
        client,
        f"/api/v1/packages/{package.pk}/pokja/replace",
        scene.head,
        {"member_id": a.pk, "replacement_id": d.pk, "reason": "Pensiun"},
    )
    assert response.status_code == 200, response.content
    assert [(m["user_id"], m["is_chair"]) for m in response.json()["pokja"]] == [
        (d.pk, True),
        (b.pk, False),
        (c.pk, False),
    ]
