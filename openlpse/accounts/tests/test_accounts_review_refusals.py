"""Every role that may not register officials, end their terms or decide auditor requests is
refused, by the service, the page and the API, with nothing changed: rows, statuses, audit
events, notifications, mail and stored files."""

import pytest
from django.test import Client
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.models import AuditorRegistration, AuditorRegistrationStatus, RoleAssignment
from openlpse.accounts.services import tokens
from openlpse.accounts.services.auditors import (
    auditor_request_approve,
    auditor_request_reject,
    auditor_request_submit,
)
from openlpse.accounts.services.officials import official_end_term, official_register
from openlpse.accounts.tests.registrations_support import (
    NIP,
    counts,
    days,
    english,
    files_on_disk,
    in_english,  # noqa: F401  (fixture)
    pdf,
)
from openlpse.core import errors
from openlpse.organizations.tests.world import build_world, give, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

EVERY_ROLE = [
    "operator",
    "lpse_admin",
    "other_lpse_admin",
    "lpse_staff",
    "agency_admin",
    "agency2_admin",
    "other_agency_admin",
    "pa",
    "kpa",
    "ppk",
    "ulp_head",
    "pokja_member",
    "pejabat_pengadaan",
    "auditor",
    "vendor_admin",
    "vendor_staff",
    "nobody",
]
NOT_AGENCY_ADMIN = [who for who in EVERY_ROLE if who != "agency_admin"]
NOT_DECIDERS = [who for who in EVERY_ROLE if who not in ("lpse_admin", "lpse_staff")]
# LPSE administrators see an agency's officials, so the API reaches the service and answers
# 403 with its sentence; everyone else does not see them at all (404).
SEES_OFFICIALS = {"lpse_admin"}
ADMINS_OF_OTHER_AGENCIES = {"agency2_admin", "other_agency_admin"}

AGENCY = "Dinas Pekerjaan Umum dan Penataan Ruang"
REGISTER_REFUSED = (
    f"Only the administrator of {AGENCY} can register its officials. Ask them, or the LPSE, "
    "who that is."
)
END_TERM_REFUSED = (
    f"Only the administrator of {AGENCY} can end the terms of its officials. Ask them, or the "
    "LPSE, who that is."
)
DECIDE_REFUSED = (
    "Only the Unit Registrasi dan Verifikasi or the administrator of LPSE Kabupaten Lampung "
    "Timur can decide its auditor requests."
)


@pytest.fixture
def world():
    return build_world()


def person(world, who):
    return world.operator if who == "operator" else world.users[who]


def api_as(user) -> Client:
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def page_as(client, world, who):
    return english(sign_in(client, person(world, who)))


def official_data(**overrides):
    data = {
        "role": Role.PPK,
        "full_name": "Rina Marlina, S.T.",
        "email": "rina@lampungtimurkab.go.id",
        "username": "rina.ppk",
        "nip": NIP,
        "letter_number": "800/123/SK/DPUPR/2026",
        "letter_date": days(-3),
        "letter_upload": pdf(),
        "starts_on": days(0),
        "ends_on": days(365),
    }
    data.update(overrides)
    return data


def official_form(**overrides):
    data = official_data(**overrides)
    form = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
    form["letter_file"] = form.pop("letter_upload")
    return form


def pending_request(world):
    return auditor_request_submit(
        actor=None,
        lpse=world.lpse,
        full_name="Agus Pemeriksa",
        email="agus@bpkp.go.id",
        institution="bpkp",
        institution_name="BPKP Perwakilan Provinsi Lampung",
        letter_number="ST-123/PW08/2026",
        letter_date=days(-1),
        letter_upload=pdf("st.pdf"),
        starts_on=days(0),
        ends_on=days(30),
        package_codes="10234567",
    )


def snapshot():
    return counts(), list(
        RoleAssignment.objects.order_by("pk").values_list("pk", "revoked_at", "revoke_reason")
    )


# --- registering an official ------------------------------------------------------------------


def test_the_agency_admin_registration_stores_one_file(world):
    before = files_on_disk()
    official_register(actor=world.users["agency_admin"], agency=world.agency, **official_data())
    assert files_on_disk() == before + 1


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_register_official_service_refuses_everyone_but_the_agency_admin(world, who, mailoutbox):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as exc:
        official_register(actor=person(world, who), agency=world.agency, **official_data())
    assert str(exc.value) == REGISTER_REFUSED
    assert snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_register_official_page_is_404_for_everyone_but_the_agency_admin(client, world, who):
    client = page_as(client, world, who)
    url = reverse("accounts:official_register")
    before = snapshot()
    response = client.post(url, official_form(agency=world.agency.pk))
    if who in ADMINS_OF_OTHER_AGENCIES:
        # Their own agencies' form: this agency is not one of its choices.
        assert client.get(url).status_code == 200
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["agency"]
    else:
        assert client.get(url).status_code == 404
        assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_register_official_api_refuses_everyone_but_the_agency_admin(world, who):
    client = api_as(person(world, who))
    before = snapshot()
    response = client.post(f"/api/v1/agencies/{world.agency.pk}/officials", official_form())
    if who in SEES_OFFICIALS:
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "permission_denied",
            "message": REGISTER_REFUSED,
        }
    else:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert snapshot() == before


def test_a_new_account_without_a_user_name_is_explained_with_the_other_problems(world):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as exc:
        official_register(
            actor=world.users["agency_admin"],
            agency=world.agency,
            **official_data(username="", letter_number=" "),
        )
    assert set(exc.value.fields) == {"username", "letter_number"}
    assert [str(m) for m in exc.value.fields["username"]] == [
        "No account uses this e-mail address yet, so a new one is made: choose its user name "
        "(letters, digits and . + - _)."
    ]
    assert snapshot() == before


def test_the_register_form_keeps_what_was_entered_when_refused(client, world):
    client = page_as(client, world, "agency_admin")
    before = snapshot()
    response = client.post(
        reverse("accounts:official_register"),
        official_form(agency=world.agency.pk, username="", letter_number=""),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Rina Marlina, S.T."' in page and 'value="rina@lampungtimurkab.go.id"' in page
    assert snapshot() == before


# --- ending a term ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_end_term_service_refuses_everyone_but_the_agency_admin(world, who, mailoutbox):
    assignment = world.users["pa"].role_assignments.get()
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as exc:
        official_end_term(actor=person(world, who), assignment=assignment, reason="Mutasi")
    assert str(exc.value) == END_TERM_REFUSED
    assert snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_end_term_page_is_404_for_everyone_but_the_agency_admin(client, world, who):
    assignment = world.users["pa"].role_assignments.get()
    client = page_as(client, world, who)
    url = reverse("accounts:official_end_term", args=[assignment.pk])
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Mutasi"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_AGENCY_ADMIN)
def test_end_term_api_refuses_everyone_but_the_agency_admin(world, who):
    assignment = world.users["pa"].role_assignments.get()
    client = api_as(person(world, who))
    before = snapshot()
    response = client.post(
        f"/api/v1/officials/{assignment.pk}/end-term",
        {"reason": "Mutasi"},
        content_type="application/json",
    )
    if who in SEES_OFFICIALS:
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "permission_denied",
            "message": END_TERM_REFUSED,
        }
    else:
        assert response.status_code == 404
    assert snapshot() == before


def test_an_agency_admin_cannot_end_their_own_appointment(world):
    admin = world.users["agency_admin"]
    own = give(admin, Role.PA, agency=world.agency)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as exc:
        official_end_term(actor=admin, assignment=own, reason="Mutasi")
    assert str(exc.value) == (
        f"You cannot end your own appointment. Ask another administrator of {AGENCY}, or the LPSE."
    )
    assert snapshot() == before


def test_an_ended_term_cannot_be_ended_again(world):
    admin = world.users["agency_admin"]
    assignment = world.users["pa"].role_assignments.get()
    official_end_term(actor=admin, assignment=assignment, reason="Mutasi")
    before = snapshot()
    with pytest.raises(errors.Conflict) as exc:
        official_end_term(actor=admin, assignment=assignment, reason="Lagi")
    assert exc.value.code == "role_already_revoked"
    assert str(exc.value).startswith("This appointment was already ended on ")
    assert str(exc.value).endswith(". Reload the list.")
    assert snapshot() == before


def test_ending_a_term_without_a_reason_says_what_to_give(world):
    assignment = world.users["pa"].role_assignments.get()
    before = snapshot()
    with pytest.raises(errors.ValidationError) as exc:
        official_end_term(actor=world.users["agency_admin"], assignment=assignment, reason=" ")
    assert exc.value.fields == {
        "reason": [
            "Give the reason for ending the term, for example the SK that replaces it; the "
            "official receives it."
        ]
    }
    assert str(exc.value) == exc.value.fields["reason"][0]
    assert snapshot() == before


# --- deciding auditor requests ----------------------------------------------------------------


def decision_state():
    rows = AuditorRegistration.objects.order_by("pk").values_list(
        "pk", "status", "decided_by", "decided_at", "decision_note", "user", "role_assignment"
    )
    return counts(), list(rows)


@pytest.mark.parametrize("who", NOT_DECIDERS)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_deciding_service_refuses_everyone_but_verifikators_and_lpse_admins(
    world, who, decision, mailoutbox, django_capture_on_commit_callbacks
):
    registration = pending_request(world)
    mailoutbox.clear()
    before = decision_state()
    actor = person(world, who)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(errors.PermissionDenied) as exc,
    ):
        if decision == "approve":
            auditor_request_approve(actor=actor, registration=registration)
        else:
            auditor_request_reject(actor=actor, registration=registration, reason="Salah")
    assert str(exc.value) == DECIDE_REFUSED
    assert decision_state() == before
    assert AuditorRegistration.objects.get().status == AuditorRegistrationStatus.PENDING
    assert mailoutbox == []


@pytest.mark.parametrize("who", NOT_DECIDERS)
def test_decision_pages_are_404_for_everyone_but_verifikators_and_lpse_admins(client, world, who):
    registration = pending_request(world)
    client = page_as(client, world, who)
    before = decision_state()
    for name in ("auditor_request_detail", "auditor_request_letter"):
        assert client.get(reverse(f"accounts:{name}", args=[registration.pk])).status_code == 404
    approve = reverse("accounts:auditor_request_approve", args=[registration.pk])
    reject = reverse("accounts:auditor_request_reject", args=[registration.pk])
    assert client.post(approve, {"note": "ok"}).status_code == 404
    assert client.post(reject, {"reason": "Salah"}).status_code == 404
    assert decision_state() == before


@pytest.mark.parametrize("who", NOT_DECIDERS)
def test_decision_api_is_404_for_everyone_but_verifikators_and_lpse_admins(world, who):
    registration = pending_request(world)
    client = api_as(person(world, who))
    before = decision_state()
    assert client.get("/api/v1/auditor-requests").json()["items"] == []
    base = f"/api/v1/auditor-requests/{registration.pk}"
    assert client.get(base).status_code == 404
    for action, body in (("approve", {}), ("reject", {"reason": "Salah"})):
        response = client.post(f"{base}/{action}", body, content_type="application/json")
        assert response.status_code == 404
    assert decision_state() == before


def test_a_rejection_without_a_reason_says_what_to_write(world):
    registration = pending_request(world)
    before = decision_state()
    with pytest.raises(errors.ValidationError) as exc:
        auditor_request_reject(
            actor=world.users["lpse_staff"], registration=registration, reason="  "
        )
    message = (
        "Give the reason for the rejection, saying what to correct; the requester receives it "
        "by e-mail."
    )
    assert (str(exc.value), exc.value.fields) == (message, {"reason": [message]})
    assert decision_state() == before
