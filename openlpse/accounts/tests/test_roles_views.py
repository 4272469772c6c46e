import pytest
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment
from openlpse.organizations.tests.world import build_world, sign_in, snapshot

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:roles_list")


def english(client):
    """Texts are asserted in English, the source language: choose it as a person would."""
    client.cookies["openlpse_language"] = "en"
    return client


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(client, world):
    def _as(who):
        user = world.operator if who == "operator" else world.users[who]
        return sign_in(client, user)

    return _as


def grant_url(slug="lampung-timur"):
    return reverse("accounts:role_grant", args=[slug])


def revoke_url(assignment):
    return reverse("accounts:role_revoke", args=[assignment.pk])


def test_lpse_admin_lists_every_assignment_of_the_lpse(as_user):
    body = as_user("lpse_admin").get(LIST + "?lpse=lampung-timur").content.decode()
    assert "Budi Santoso" in body  # LPSE staff
    assert "Pejabat ppk" in body
    assert "Admin PUPR Karangasem" not in body


def test_agency_admin_lists_their_agency_and_their_own(as_user):
    body = as_user("agency_admin").get(LIST).content.decode()
    assert "Pejabat ppk" in body
    assert "Admin DPUPR" in body  # their own assignment
    assert "Budi Santoso" not in body
    assert "Admin Dinkes" not in body


def test_a_plain_official_sees_only_their_own_roles(as_user):
    body = as_user("ppk").get(LIST).content.decode()
    assert "Pejabat ppk" in body
    assert "Pejabat pa" not in body


def test_list_filters_by_agency_and_role(as_user, world):
    client = as_user("lpse_admin")
    body = client.get(f"{LIST}?lpse=lampung-timur&agency={world.agency2.pk}").content.decode()
    assert "Admin Dinkes" in body and "Pejabat ppk" not in body
    body = client.get(f"{LIST}?lpse=lampung-timur&role=ppk").content.decode()
    assert "Pejabat ppk" in body and "Pejabat kpa" not in body


def test_list_of_another_lpse_is_404(as_user):
    assert as_user("lpse_admin").get(LIST + "?lpse=karangasem").status_code == 404
    assert as_user("lpse_admin").get(LIST + "?lpse=tidak-ada").status_code == 404


def test_lpse_admin_grants_an_agency_admin_through_the_form(as_user, world):
    client = as_user("lpse_admin")
    page = client.get(grant_url())
    assert page.status_code == 200
    response = client.post(
        grant_url(),
        {
            "user": "warga",
            "role": Role.AGENCY_ADMIN,
            "agency": world.agency2.pk,
            "starts_on": "2026-01-05",
            "letter_kind": "sk",
            "letter_number": "800/77/SK/2026",
            "letter_date": "2026-01-02",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?lpse=lampung-timur"
    assignment = RoleAssignment.objects.get(user=world.users["nobody"])
    assert (assignment.role, assignment.agency) == (Role.AGENCY_ADMIN, world.agency2)


def test_agency_admin_may_only_choose_official_roles_and_their_agency(as_user, world):
    client = as_user("agency_admin")
    client.cookies["openlpse_language"] = "en"
    body = client.get(grant_url()).content.decode()
    assert 'value="ppk"' in body and 'value="lpse_admin"' not in body
    before = snapshot()
    response = client.post(
        grant_url(),
        {
            "user": "warga",
            "role": Role.PPK,
            "agency": world.agency2.pk,
            "starts_on": "2026-01-05",
            "letter_kind": "sk",
            "letter_number": "1",
            "letter_date": "2026-01-02",
        },
    )
    assert response.status_code == 400
    assert 'value="warga"' in response.content.decode()
    assert snapshot() == before


def test_grant_form_shows_separation_of_duties(as_user, world):
    before = snapshot()
    response = english(as_user("agency_admin")).post(
        grant_url(),
        {
            "user": "lt.verifikator",
            "role": Role.PPK,
            "agency": world.agency.pk,
            "starts_on": "2026-01-05",
            "letter_kind": "sk",
            "letter_number": "027/5/SK/2026",
            "letter_date": "2026-01-02",
        },
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert (
        "Budi Santoso is LPSE staff (Unit Registrasi dan Verifikasi) and may not also be PPK "
        "(Perbup Lampung Timur 16(3), Karangasem 14(3))." in body
    )
    assert 'value="027/5/SK/2026"' in body
    assert snapshot() == before


@pytest.mark.parametrize(
    "who", ["ppk", "lpse_staff", "auditor", "other_lpse_admin", "nobody", "vendor_admin"]
)
def test_grant_page_is_404_for_those_who_grant_nothing_there(as_user, who):
    client = as_user(who)
    assert client.get(grant_url()).status_code == 404
    assert client.post(grant_url(), {"user": "warga", "role": "ppk"}).status_code == 404


def test_revoke_through_the_form(as_user, world):
    assignment = world.users["ppk"].role_assignments.get()
    client = as_user("agency_admin")
    client.cookies["openlpse_language"] = "en"
    assert client.get(revoke_url(assignment)).status_code == 200
    response = client.post(revoke_url(assignment), {"reason": ""})
    assert response.status_code == 400
    response = client.post(revoke_url(assignment), {"reason": "Mutasi ke Dinas Kesehatan"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoke_reason == "Mutasi ke Dinas Kesehatan"
    # Revoked: the revoke page is gone.
    assert client.get(revoke_url(assignment)).status_code == 404


def test_revoke_of_a_placement_role_explains_where_to_end_it(as_user, world):
    from openlpse.organizations.models import StaffAssignment

    assignment = world.users["lpse_staff"].role_assignments.get()
    StaffAssignment.objects.create(
        unit=assignment.lpse_unit,
        user=assignment.user,
        position="Verifikator",
        starts_on=assignment.starts_on,
        sk_number="1",
        sk_date=assignment.letter_date,
        role_assignment=assignment,
    )
    response = english(as_user("lpse_admin")).post(revoke_url(assignment), {"reason": "Mutasi"})
    assert response.status_code == 409
    assert "End the placement on the LPSE units page instead." in response.content.decode()


@pytest.mark.parametrize("who", ["agency2_admin", "other_lpse_admin", "ppk", "nobody"])
def test_revoke_is_404_for_others(as_user, world, who):
    assignment = world.users["pokja_member"].role_assignments.get()
    client = as_user(who)
    before = snapshot()
    assert client.get(revoke_url(assignment)).status_code == 404
    assert client.post(revoke_url(assignment), {"reason": "x"}).status_code == 404
    assert snapshot() == before


def test_own_role_cannot_be_revoked_from_the_page(as_user, world):
    own = world.users["lpse_admin"].role_assignments.get()
    assert as_user("lpse_admin").get(revoke_url(own)).status_code == 404


def test_missing_assignment_is_404(as_user):
    assert (
        as_user("operator").get(reverse("accounts:role_revoke", args=[999999])).status_code == 404
    )
