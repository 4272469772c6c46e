"""The officials endpoints of the JSON API."""

import pytest
from django.test import Client

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.registrations_support import NIP, counts, days, exe, pdf
from openlpse.organizations.tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def api_as(user) -> Client:
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def official_form(**overrides):
    data = {
        "role": Role.POKJA_MEMBER,
        "full_name": "Wayan Pokja",
        "email": "wayan@lampungtimurkab.go.id",
        "username": "wayan",
        "nip": NIP,
        "letter_number": "800/7/SK/2026",
        "letter_date": days(-1).isoformat(),
        "starts_on": days(0).isoformat(),
        "ends_on": days(180).isoformat(),
        "letter_file": pdf(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_agency_admin_lists_the_officials(world):
    client = api_as(world.users["agency_admin"])
    body = client.get(f"/api/v1/agencies/{world.agency.pk}/officials?limit=4").json()
    assert len(body["items"]) == 4 and body["next_cursor"]
    rest = client.get(
        f"/api/v1/agencies/{world.agency.pk}/officials?cursor={body['next_cursor']}"
    ).json()
    names = {item["full_name"] for item in body["items"] + rest["items"]}
    assert names == {
        f"Pejabat {r}"
        for r in ("pa", "kpa", "ppk", "ulp_head", "pokja_member", "pejabat_pengadaan")
    }
    assert {item["status"] for item in body["items"]} == {"in_force"}


@pytest.mark.parametrize("who", ["agency2_admin", "other_lpse_admin", "ppk", "vendor_admin"])
def test_others_get_404_for_the_list(world, who):
    response = api_as(world.users[who]).get(f"/api/v1/agencies/{world.agency.pk}/officials")
    assert response.status_code == 404


def test_agency_admin_registers_an_official_with_the_sk(world):
    client = api_as(world.users["agency_admin"])
    response = client.post(
        f"/api/v1/agencies/{world.agency.pk}/officials",
        official_form(work_unit=world.work_unit.pk),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["username"], body["role"], body["work_unit"], body["nip"], body["status"]) == (
        "wayan",
        "pokja_member",
        world.work_unit.pk,
        NIP,
        "in_force",
    )
    assert RoleAssignment.objects.get(pk=body["id"]).letter_file is not None


def test_lpse_admin_sees_but_may_not_register(world):
    client = api_as(world.users["lpse_admin"])
    before = counts()
    response = client.post(f"/api/v1/agencies/{world.agency.pk}/officials", official_form())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert counts() == before


def test_wrong_file_and_missing_fields_are_explained(world):
    client = api_as(world.users["agency_admin"])
    url = f"/api/v1/agencies/{world.agency.pk}/officials"
    before = counts()
    response = client.post(url, official_form(letter_file=exe()))
    assert response.status_code == 415
    assert "Windows program" in response.json()["error"]["fields"]["letter_file"][0]
    response = client.post(url, official_form(ends_on=None))
    assert response.status_code == 400
    assert "ends_on" in response.json()["error"]["fields"]
    response = client.post(url, official_form(letter_file=None))
    assert response.status_code == 400
    response = client.post(url, official_form(work_unit=world.work_unit2.pk))
    assert response.status_code == 400
    assert "work_unit" in response.json()["error"]["fields"]
    assert counts() == before
    assert not User.objects.filter(username="wayan").exists()


def test_separation_of_duties_in_the_api(world):
    response = api_as(world.users["agency_admin"]).post(
        f"/api/v1/agencies/{world.agency.pk}/officials",
        official_form(email=world.users["vendor_staff"].email, username=""),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "separation_of_duties.official_not_vendor"


def test_end_term_through_the_api(world):
    assignment = world.users["kpa"].role_assignments.get()
    url = f"/api/v1/officials/{assignment.pk}/end-term"
    refused = api_as(world.users["lpse_admin"]).post(
        url, {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    response = api_as(world.users["agency_admin"]).post(
        url, {"reason": "Pensiun"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["revoke_reason"]) == ("revoked", "Pensiun")
    assert (
        api_as(world.users["agency2_admin"])
        .post(url, {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
