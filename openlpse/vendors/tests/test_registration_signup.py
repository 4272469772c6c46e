"""Sign-up by e-mail and confirmation (LT 25(1)a.1): the link, its expiry, the throttle, the
account and draft vendor it creates, and the pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from openlpse.accounts.models import User
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor
from openlpse.vendors.services import signup as services

pytestmark = pytest.mark.django_db
PASSWORD = "Kuat-Sekali-2026!"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


def token_from(mail) -> str:
    match = re.search(r"/daftar/konfirmasi/([^/\s]+)/", mail.body)
    assert match, mail.body
    return match.group(1)


def request_link(email, lpse, capture, language="id"):
    with capture(execute=True):
        return services.signup_request(email=email, lpse=lpse, language=language)


# --- request ------------------------------------------------------------------------------------


def test_signup_mails_a_link_in_the_chosen_language_and_audits_without_the_address(
    lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    assert request_link(
        "Budi@Contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks, "en"
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["Budi@contoh.co.id"]
    assert "Confirm your e-mail address" in mail.subject
    assert "LPSE Kabupaten Karangasem" in mail.body
    assert "48 hours" in mail.body
    assert mail.body.count("http://") == 1
    event = AuditEvent.objects.get(action="vendor.signup_request")
    assert event.lpse_id == lpse_karangasem.pk
    assert event.changes["email"] == "B***@c***.co.id"
    assert "Budi@" not in str(event.changes)
    assert not User.objects.exists()


def test_signup_refuses_an_address_already_used_by_an_account(
    lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="budi@contoh.co.id")
    with pytest.raises(errors.Conflict) as caught:
        request_link("BUDI@contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks)
    assert caught.value.code == "email_in_use"
    assert set(caught.value.fields) == {"email"}
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="vendor.signup_request").exists()


def test_signup_refuses_an_invalid_address_and_an_inactive_lpse(lpse_karangasem):
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_request(email="bukan-alamat", lpse=lpse_karangasem)
    assert set(caught.value.fields) == {"email"}
    closed = LpseFactory(is_active=False)
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_request(email="budi@contoh.co.id", lpse=closed)
    assert set(caught.value.fields) == {"lpse"}


def test_more_than_three_mails_an_hour_to_one_address_are_dropped_silently(
    lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(T0):
        sent = [
            request_link("budi@contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks)
            for _ in range(5)
        ]
        assert sent == [True, True, True, False, False]
        # Another address is not affected.
        assert request_link("ani@contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks)
        clock.advance(dt.timedelta(minutes=61))
        assert request_link(
            "budi@contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks
        )
    assert [m.to for m in mailoutbox].count(["budi@contoh.co.id"]) == 4


# --- the link -----------------------------------------------------------------------------------


def test_the_link_expires_after_48_hours(
    lpse_karangasem, mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(T0):
        request_link("budi@contoh.co.id", lpse_karangasem, django_capture_on_commit_callbacks)
        token = token_from(mailoutbox[0])
        clock.advance(dt.timedelta(hours=47, minutes=59))
        claim = services.signup_claim(token=token)
        assert claim.email == "budi@contoh.co.id"
        assert claim.lpse == lpse_karangasem
        clock.advance(dt.timedelta(minutes=2))
        with pytest.raises(errors.ValidationError) as caught:
            services.signup_claim(token=token)
    assert caught.value.code == "signup_link_expired"


@pytest.mark.parametrize("token", ["", "abc", "eyJlIjoiYUBiLmMifQ:1:forged", services.SIGNUP_SALT])
def test_a_forged_or_damaged_link_is_refused(token):
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_claim(token=token)
    assert caught.value.code == "signup_link_invalid"


def test_a_link_signed_for_another_purpose_is_refused(lpse_karangasem):
    from django.core import signing

    token = signing.dumps({"e": "a@b.co", "l": lpse_karangasem.pk, "g": "id", "t": 0}, salt="x")
    with pytest.raises(errors.ValidationError):
        services.signup_claim(token=token)


# --- confirmation -------------------------------------------------------------------------------


def _token(lpse, email="budi@contoh.co.id", language="id"):
    return services.signup_token(email=email, lpse=lpse, language=language)


def test_confirm_creates_the_account_and_a_draft_vendor_in_one_audited_step(lpse_karangasem):
    with clock.frozen(T0):
        vendor = services.signup_confirm(
            token=_token(lpse_karangasem, language="en"),
            username="budi.santoso",
            password=PASSWORD,
            admin_name="  Budi   Santoso ",
        )
    user = vendor.created_by
    assert user.username == "budi.santoso"
    assert user.email == "budi@contoh.co.id"
    assert user.full_name == "Budi Santoso"
    assert user.preferred_language == "en"
    assert user.check_password(PASSWORD)
    assert not user.role_assignments.exists()  # no vendor role before verification
    assert vendor.status == VendorStatus.DRAFT
    assert vendor.registration_lpse == lpse_karangasem
    assert vendor.email == "budi@contoh.co.id"
    assert vendor.admin_name == "Budi Santoso"
    assert vendor.email_confirmed_at == T0
    assert vendor.created_at == T0
    event = AuditEvent.objects.get(action="vendor.register")
    assert event.actor_id == user.pk
    assert event.object_id == str(vendor.pk)
    assert event.lpse_id == lpse_karangasem.pk
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_a_reused_link_says_already_confirmed(lpse_karangasem):
    token = _token(lpse_karangasem)
    services.signup_confirm(token=token, username="budi", password=PASSWORD, admin_name="Budi")
    with pytest.raises(errors.Conflict) as caught:
        services.signup_confirm(token=token, username="budi2", password=PASSWORD, admin_name="B")
    assert caught.value.code == "signup_already_confirmed"
    assert User.objects.count() == 1
    assert Vendor.objects.count() == 1


def test_confirm_refuses_a_bad_password_or_taken_user_id_and_creates_nothing(lpse_karangasem):
    UserFactory(username="budi")
    token = _token(lpse_karangasem)
    before = (User.objects.count(), Vendor.objects.count(), AuditEvent.objects.count())
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_confirm(token=token, username="Budi", password=PASSWORD, admin_name="B")
    assert set(caught.value.fields) == {"username"}
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_confirm(token=token, username="ani", password="123", admin_name="Ani")
    assert "password" in caught.value.fields
    with pytest.raises(errors.ValidationError) as caught:
        services.signup_confirm(token=token, username="ani", password=PASSWORD, admin_name=" ")
    assert set(caught.value.fields) == {"admin_name"}
    assert (User.objects.count(), Vendor.objects.count(), AuditEvent.objects.count()) == before


# --- pages --------------------------------------------------------------------------------------


def test_signup_page_lists_active_lpses_and_sends_the_link(
    client, lpse_karangasem, lpse_lampung_timur, mailoutbox, django_capture_on_commit_callbacks
):
    LpseFactory(name="LPSE Tutup", is_active=False)
    page = english(client).get(reverse("vendors:signup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "LPSE Kabupaten Karangasem" in html
    assert "LPSE Tutup" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vendors:signup"),
            {"email": "budi@contoh.co.id", "lpse": "karangasem", "language": "id"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:signup_sent")
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1


def test_signup_page_says_when_the_address_is_taken_and_keeps_it(client, lpse_karangasem):
    UserFactory(email="budi@contoh.co.id")
    response = english(client).post(
        reverse("vendors:signup"),
        {"email": "budi@contoh.co.id", "lpse": "karangasem", "language": "en"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "An account already uses this e-mail address" in html
    assert "Forgot your password?" in html
    assert 'value="budi@contoh.co.id"' in html


def test_confirm_page_creates_the_account_signs_in_and_opens_the_form(client, lpse_karangasem):
    token = _token(lpse_karangasem)
    url = reverse("vendors:signup_confirm", args=[token])
    page = english(client).get(url)
    assert page.status_code == 200
    assert "budi@contoh.co.id" in page.content.decode()
    response = client.post(
        url,
        {
            "admin_name": "Budi Santoso",
            "username": "budi",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:registration_edit")
    user = User.objects.get(username="budi")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action="auth.login", actor_id=user.pk).exists()
    assert client.get(reverse("vendors:registration_edit")).status_code == 200
    # The same link again: already confirmed, pointing to sign-in.
    client.logout()
    again = english(client).get(url)
    assert again.status_code == 409
    assert "already confirmed" in again.content.decode()
    assert reverse("accounts:login") in again.content.decode()


def test_confirm_page_keeps_the_entries_when_the_passwords_differ(client, lpse_karangasem):
    url = reverse("vendors:signup_confirm", args=[_token(lpse_karangasem)])
    response = english(client).post(
        url,
        {"admin_name": "Budi Santoso", "username": "budi", "password1": PASSWORD, "password2": "x"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The two passwords are not the same" in html
    assert 'value="Budi Santoso"' in html
    assert 'value="budi"' in html
    assert PASSWORD not in html
    assert not User.objects.exists()


def test_expired_and_invalid_links_say_so_with_a_way_to_start_again(client, lpse_karangasem):
    with clock.frozen(T0):
        token = _token(lpse_karangasem)
    with clock.frozen(T0 + dt.timedelta(hours=49)):
        expired = english(client).get(reverse("vendors:signup_confirm", args=[token]))
    assert expired.status_code == 400
    assert "has expired" in expired.content.decode()
    assert reverse("vendors:signup") in expired.content.decode()
    invalid = client.get(reverse("vendors:signup_confirm", args=["rusak"]))
    assert invalid.status_code == 400
    assert "not valid" in invalid.content.decode()
    assert not User.objects.exists()
