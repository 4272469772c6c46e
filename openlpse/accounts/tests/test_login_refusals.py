"""Sign-in refused after a correct password: deactivated accounts (with reason and until when),
officials whose term ended or has not started. Wrong passwords never learn more."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import AccessEvent, AccessLogEntry, User
from openlpse.accounts.services import tokens
from openlpse.accounts.tests.auth_support import english_client, person, post_login
from openlpse.accounts.tests.factories import PASSWORD, RoleAssignmentFactory
from openlpse.accounts.tests.registrations_support import days
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory

pytestmark = pytest.mark.django_db

UNIFORM = "The user name, e-mail address or password is not correct. Check them and try again."


def label(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def signed_in(client: Client) -> bool:
    return client.session.get(SESSION_KEY) is not None


def appoint(user: User, role: str = Role.PPK, **fields) -> None:
    if role in (Role.VENDOR_ADMIN, Role.VENDOR_STAFF):
        fields.update(scope_kind=ScopeKind.VENDOR, lpse=None, scope_ref="7")
    elif role == Role.AUDITOR:
        fields.update(scope_kind=ScopeKind.LPSE, letter_kind=LetterKind.SURAT_TUGAS)
    elif role in (Role.PPK, Role.PA, Role.POKJA_MEMBER):
        agency = AgencyFactory()
        fields.update(scope_kind=ScopeKind.AGENCY, agency=agency, lpse=agency.lpse)
    fields.setdefault("starts_on", days(-400))
    fields.setdefault("letter_date", days(-401))
    RoleAssignmentFactory(user=user, role=role, **fields)


def refusal_entry(user: User) -> AccessLogEntry:
    return AccessLogEntry.objects.get(user=user, event=AccessEvent.LOGIN_REFUSED)


# --- deactivated accounts ------------------------------------------------------------------


def test_deactivated_account_with_the_right_password_is_told_why_and_until_when():
    until = days(120)
    user = person(
        username="budi",
        is_active=False,
        deactivation_reason="Daftar hitam: dokumen palsu pada tender 1234",
        deactivated_until=until,
    )
    client = english_client()

    response = post_login(client, "budi")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account is deactivated: Daftar hitam: dokumen palsu pada tender 1234." in html
    assert f"It stays deactivated until {label(until)}." in html
    assert "contact the LPSE that manages your account" in html
    assert UNIFORM not in html
    assert not signed_in(client)
    entry = refusal_entry(user)
    assert (entry.detail, entry.username_attempted) == ("account_deactivated", "budi")
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.actor_id, last.changes["detail"]) == (
        "auth.login_refused",
        None,
        "account_deactivated",
    )


def test_deactivated_account_with_a_wrong_password_learns_nothing():
    user = person(username="budi", is_active=False, deactivation_reason="Daftar hitam")
    client = english_client()

    response = post_login(client, "budi", "not the password")

    assert response.status_code == 200
    html = response.content.decode()
    assert UNIFORM in html
    assert "deactivated" not in html
    assert list(AccessLogEntry.objects.values_list("user", "event")) == [
        (user.pk, AccessEvent.LOGIN_FAILED)
    ]


def test_deactivated_without_reason_or_with_a_past_end_says_only_what_is_known():
    person(username="sari", is_active=False, deactivated_until=days(-1))
    html = post_login(english_client(), "sari").content.decode()
    assert "Your account is deactivated. If you think this is a mistake" in html
    assert "It stays deactivated until" not in html


def test_the_password_of_a_deactivated_account_is_checked_exactly_once_like_any_other():
    person(username="aktif")
    person(username="nonaktif", is_active=False)
    original = User.check_password
    for name in ("aktif", "nonaktif"):
        with mock.patch.object(
            User, "check_password", autospec=True, side_effect=original
        ) as check:
            post_login(english_client(), name, "not the password")
        assert check.call_count == 1, name


def test_deactivated_refusal_in_indonesian_by_default():
    person(
        username="budi",
        is_active=False,
        preferred_language="id",
        deactivation_reason="Daftar hitam",
        deactivated_until=dt.date(2099, 1, 31),
    )
    client = Client()
    html = post_login(client, "budi").content.decode()
    assert "Januari 2099" in html


# --- appointments that ended or have not started --------------------------------------------


def test_official_whose_term_ended_is_refused_with_the_date_and_whom_to_ask():
    user = person(username="ppk.lama")
    appoint(user, Role.PPK, ends_on=days(-1))
    client = english_client()

    response = post_login(client, "ppk.lama")

    assert response.status_code == 403
    html = response.content.decode()
    assert f"Your appointment ended on {label(days(-1))}" in html
    assert (
        "ask your agency&#x27;s administrator to register the new appointment letter (SK)" in html
    )
    assert not signed_in(client)
    assert refusal_entry(user).detail == "term_ended"


def test_the_latest_end_of_several_ended_appointments_is_given():
    user = person(username="pokja")
    appoint(user, Role.POKJA_MEMBER, ends_on=days(-200))
    appoint(user, Role.PPK, ends_on=days(-3))
    html = post_login(english_client(), "pokja").content.decode()
    assert f"ended on {label(days(-3))}" in html


def test_a_revoked_appointment_ends_on_the_day_it_was_revoked():
    user = person(username="dicabut")
    revoked_at = clock.now() - dt.timedelta(days=5)
    appoint(user, Role.PPK, ends_on=days(300), revoked_at=revoked_at, revoke_reason="Mutasi")
    html = post_login(english_client(), "dicabut").content.decode()
    assert f"ended on {label(days(-5))}" in html


def test_an_auditor_whose_surat_tugas_ended_is_told_to_submit_a_new_one():
    user = person(username="auditor")
    appoint(user, Role.AUDITOR, lpse=LpseFactory(), ends_on=days(-2))
    response = post_login(english_client(), "auditor")
    assert response.status_code == 403
    html = response.content.decode()
    assert f"Your auditor access ended on {label(days(-2))}" in html
    assert "submit the new surat tugas to the LPSE" in html


def test_lpse_staff_whose_term_ended_is_sent_to_the_lpse_administrator():
    user = person(username="staf")
    appoint(user, Role.LPSE_ADMIN, lpse=LpseFactory(), ends_on=days(-1))
    html = post_login(english_client(), "staf").content.decode()
    assert "ask the LPSE administrator to register the new appointment letter" in html


def test_an_appointment_that_starts_later_says_from_when():
    user = person(username="ppk.baru")
    appoint(user, Role.PPK, starts_on=days(10), ends_on=days(400))
    client = english_client()

    response = post_login(client, "ppk.baru")

    assert response.status_code == 403
    assert (
        f"Your appointment has not started yet: it starts on {label(days(10))}."
        in response.content.decode()
    )
    assert not signed_in(client)
    assert refusal_entry(user).detail == "appointment_not_started"


def test_an_ended_appointment_and_a_later_one_say_when_the_next_starts():
    user = person(username="diperpanjang")
    appoint(user, Role.PPK, ends_on=days(-1))
    appoint(user, Role.PPK, starts_on=days(3), ends_on=days(300))
    html = post_login(english_client(), "diperpanjang").content.decode()
    assert f"it starts on {label(days(3))}" in html


def test_the_refusal_comes_only_after_the_right_password():
    user = person(username="ppk.lama")
    appoint(user, Role.PPK, ends_on=days(-1))
    response = post_login(english_client(), "ppk.lama", "wrong password")
    assert response.status_code == 200
    assert UNIFORM in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=user, event=AccessEvent.LOGIN_REFUSED).exists()


@pytest.mark.parametrize(
    "setup",
    [
        "no_roles",
        "one_current_one_ended",
        "open_ended",
        "vendor_role_ended",
        "superuser_with_ended_role",
        "org_deactivated",
    ],
)
def test_these_people_sign_in(setup):
    user = person(username="orang", is_superuser=setup == "superuser_with_ended_role")
    if setup == "one_current_one_ended":
        appoint(user, Role.PPK, ends_on=days(-10))
        appoint(user, Role.PA, ends_on=days(10))
    elif setup == "open_ended":
        appoint(user, Role.LPSE_ADMIN, lpse=LpseFactory(), ends_on=None)
    elif setup == "vendor_role_ended":
        appoint(user, Role.VENDOR_ADMIN, ends_on=days(-10))
    elif setup == "superuser_with_ended_role":
        appoint(user, Role.PPK, ends_on=days(-10))
    elif setup == "org_deactivated":
        # A deactivated agency stops the role's powers, not the person's sign-in.
        appoint(user, Role.PPK, ends_on=days(100))
        agency = user.role_assignments.get().agency
        agency.is_active = False
        agency.save()
    client = english_client()
    response = post_login(client, "orang")
    assert response.status_code == 302, setup
    assert not AccessLogEntry.objects.filter(event=AccessEvent.LOGIN_REFUSED).exists()


def test_vendor_registrant_without_any_role_signs_in():
    user = person(username="calon.penyedia")
    client = english_client()
    response = post_login(client, "calon.penyedia", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_term_ends_at_midnight_wib():
    user = person(username="ppk")
    end = dt.date(2030, 6, 30)
    appoint(
        user, Role.PPK, starts_on=dt.date(2029, 1, 1), letter_date=dt.date(2028, 12, 1), ends_on=end
    )
    last_minute = dt.datetime(2030, 6, 30, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with clock.frozen(last_minute):
        assert post_login(english_client(), "ppk").status_code == 302
    with clock.frozen(last_minute + dt.timedelta(minutes=2)):
        assert post_login(english_client(), "ppk").status_code == 403


# --- API tokens ---------------------------------------------------------------------------------


def test_a_token_of_an_official_whose_term_ended_is_refused():
    user = person(username="ppk")
    appoint(user, Role.PPK, ends_on=days(-1))
    secret = tokens.token_create(user=user, name="SIRUP", actor=None).secret
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "term_ended"


def test_a_token_of_an_official_in_office_works_and_of_one_not_started_is_refused():
    current, later = person(username="kini"), person(username="nanti")
    appoint(current, Role.PPK, ends_on=days(30))
    appoint(later, Role.PPK, starts_on=days(5), ends_on=days(30))
    for user, status, code in ((current, 200, None), (later, 403, "appointment_not_started")):
        secret = tokens.token_create(user=user, name="x", actor=None).secret
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == status
        if code:
            assert response.json()["error"]["code"] == code
