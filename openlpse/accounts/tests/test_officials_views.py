"""The officials pages: list, register with the SK file, end a term, download the SK."""

import pytest
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.models import OfficialProfile, RoleAssignment, User
from openlpse.accounts.services.officials import official_register
from openlpse.accounts.tests.registrations_support import (
    NIP,
    PDF,
    counts,
    days,
    english,
    exe,
    pdf,
)
from openlpse.core import clock
from openlpse.organizations.tests.world import build_world, sign_in

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:officials_list")
REGISTER = reverse("accounts:official_register")


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(client, world):
    def _as(who):
        return english(sign_in(client, world.users[who]))

    return _as


def form_data(world, **overrides):
    data = {
        "agency": world.agency.pk,
        "role": Role.PPK,
        "work_unit": world.work_unit.pk,
        "full_name": "Rina Marlina",
        "nip": NIP,
        "nik": "",
        "email": "rina@lampungtimurkab.go.id",
        "username": "rina.ppk",
        "letter_number": "800/123/SK/2026",
        "letter_date": days(-1).isoformat(),
        "letter_file": pdf(),
        "starts_on": days(0).isoformat(),
        "ends_on": days(365).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_agency_admin_sees_the_officials_of_their_agency(as_user, world):
    OfficialProfile.objects.create(user=world.users["ppk"], nip=NIP, updated_at=clock.now())
    response = as_user("agency_admin").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for role in ("pa", "kpa", "ppk", "ulp_head", "pokja_member", "pejabat_pengadaan"):
        assert f"Pejabat {role}" in html
    assert NIP in html
    assert "In office" in html
    assert "Admin Dinkes" not in html and "Admin Lampung Timur" not in html
    assert REGISTER in html
    assert "End the term" in html


def test_ended_and_upcoming_terms_are_shown_by_status(as_user, world):
    ppk = world.users["ppk"].role_assignments.get()
    ppk.ends_on = days(-1)
    ppk.save()
    pa = world.users["pa"].role_assignments.get()
    pa.starts_on = days(5)
    pa.save()
    client = as_user("agency_admin")
    current = client.get(LIST).content.decode()
    assert "Pejabat ppk" not in current and "Starts later" in current
    ended = client.get(LIST + "?status=ended").content.decode()
    assert "Pejabat ppk" in ended and "Term over" in ended


def test_lpse_admin_sees_the_list_without_the_register_button(as_user, world):
    response = as_user("lpse_admin").get(f"{LIST}?agency={world.agency.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pejabat ppk" in html
    assert REGISTER not in html
    assert "End the term" not in html


@pytest.mark.parametrize("who", ["ppk", "pa", "vendor_admin", "lpse_staff", "auditor", "nobody"])
def test_others_get_no_officials_pages(as_user, who):
    client = as_user(who)
    assert client.get(LIST).status_code == 404
    assert client.get(REGISTER).status_code == 404


def test_another_agencys_list_is_404(as_user, world):
    client = as_user("agency_admin")
    assert client.get(f"{LIST}?agency={world.agency2.pk}").status_code == 404
    assert client.get(f"{LIST}?agency={world.other_agency.pk}").status_code == 404
    assert client.get(f"{LIST}?agency=999999").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_agency_admin_registers_an_official_through_the_form(as_user, world, mailoutbox):
    client = as_user("agency_admin")
    assert client.get(REGISTER).status_code == 200
    response = client.post(REGISTER, form_data(world), follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST}?agency={world.agency.pk}"
    html = response.content.decode()
    assert "Rina Marlina is registered as Commitment official (PPK)" in html
    assert "choose a password" in html
    user = User.objects.get(username="rina.ppk")
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.work_unit, assignment.letter_file.size) == (world.work_unit, len(PDF))


def test_the_form_refuses_another_agency_than_the_admins(as_user, world):
    before = counts()
    response = as_user("agency_admin").post(REGISTER, form_data(world, agency=world.agency2.pk))
    assert response.status_code == 400
    assert counts() == before


def test_missing_sk_file_is_explained_and_the_data_stays(as_user, world):
    before = counts()
    data = form_data(world)
    del data["letter_file"]
    response = as_user("agency_admin").post(REGISTER, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Upload the appointment letter (SK) as a PDF, JPEG or PNG file." in html
    assert 'value="Rina Marlina"' in html
    assert counts() == before


def test_a_wrong_file_type_is_explained_on_the_file_field(as_user, world):
    before = counts()
    response = as_user("agency_admin").post(REGISTER, form_data(world, letter_file=exe("sk.pdf")))
    assert response.status_code == 415
    html = response.content.decode()
    assert "is a Windows program (EXE), not one of the accepted types (PDF, JPEG, PNG)" in html
    assert 'id="id_letter_file_error"' in html
    assert counts() == before


def test_a_separation_of_duties_conflict_is_explained(as_user, world):
    before = counts()
    vendor = world.users["vendor_admin"]
    response = as_user("agency_admin").post(
        REGISTER, form_data(world, email=vendor.email, username="")
    )
    assert response.status_code == 403
    assert "officials may not act for a vendor" in response.content.decode()
    assert counts() == before


def test_agency_admin_ends_a_term(as_user, world):
    assignment = world.users["ppk"].role_assignments.get()
    url = reverse("accounts:official_end_term", args=[assignment.pk])
    client = as_user("agency_admin")
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Diganti SK 800/2/2026"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoke_reason == "Diganti SK 800/2/2026"
    assert client.get(url).status_code == 404  # already ended


def test_end_term_without_a_reason_is_400(as_user, world):
    assignment = world.users["ppk"].role_assignments.get()
    url = reverse("accounts:official_end_term", args=[assignment.pk])
    response = as_user("agency_admin").post(url, {"reason": ""})
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


@pytest.mark.parametrize("who", ["agency2_admin", "lpse_admin", "ppk", "vendor_admin"])
def test_others_cannot_open_end_term(as_user, world, who):
    assignment = world.users["pa"].role_assignments.get()
    url = reverse("accounts:official_end_term", args=[assignment.pk])
    client = as_user(who)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_the_sk_file_downloads_for_those_who_see_the_list(as_user, world):
    result = official_register(
        actor=world.users["agency_admin"],
        agency=world.agency,
        role=Role.KPA,
        full_name="Dedi",
        email="dedi@example.go.id",
        username="dedi",
        letter_number="800/5/SK/2026",
        letter_date=days(-1),
        letter_upload=pdf("SK Dedi.pdf"),
        starts_on=days(0),
        ends_on=days(100),
    )
    url = reverse("accounts:official_letter", args=[result.assignment.pk])
    for who, status in (
        ("agency_admin", 200),
        ("lpse_admin", 200),
        ("agency2_admin", 404),
        ("other_lpse_admin", 404),
        ("ppk", 404),
    ):
        response = as_user(who).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
