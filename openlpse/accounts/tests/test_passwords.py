import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from openlpse.accounts.models import AccessEvent, AccessLogEntry, User
from openlpse.accounts.tests.auth_support import (
    NOW,
    OTHER_IP,
    audit_actions,
    code_for,
    confirmed_device,
    english_client,
    events,
    official,
    post_login,
    vendor,
)
from openlpse.accounts.tests.factories import PASSWORD
from openlpse.core import clock
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kopi tubruk di warung pak darmo"
CHANGE = reverse("accounts:password_change")
RESET = reverse("accounts:password_reset")


def _change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        CHANGE, {"current_password": current, "new_password1": new, "new_password2": again or new}
    )


def test_password_change_form_shows_the_policy():
    vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    html = client.get(CHANGE).content.decode()
    assert "Your password must contain at least 12 characters." in html
    assert "Your password cannot be built on words such as “lpse” or “pokja”." in html


def test_password_change_needs_the_current_password_and_changes_nothing_otherwise():
    user = vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    audit_before = AuditEvent.objects.count()
    response = _change(client, current="not my password")
    assert response.status_code == 400
    assert "Your current password is not correct. Enter it again." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.password_changed_at is None
    # The wrong guess is counted like a failed sign-in; nothing else is written.
    assert events(user)[-1] == AccessEvent.LOGIN_FAILED
    assert audit_actions()[audit_before:] == ["auth.login_failed"]


def test_password_change_enforces_the_policy():
    user = vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    short = _change(client, new="pendek123")
    assert short.status_code == 400
    assert (
        "This password is too short. It must contain at least 12 characters."
        in short.content.decode()
    )
    mismatch = _change(client, new=NEW_PASSWORD, again=NEW_PASSWORD + "x")
    assert "The two passwords are not the same." in mismatch.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_ends_the_other_sessions_but_keeps_this_one():
    user = vendor(username="budi")
    here, elsewhere = english_client(), english_client()
    post_login(here, "budi")
    post_login(elsewhere, "budi", ip=OTHER_IP)
    with clock.frozen(NOW):
        response = _change(here)
    assert response["Location"] == reverse("accounts:profile")
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert elsewhere.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:login")
    )
    assert SESSION_KEY not in elsewhere.session
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.password_changed_at == NOW
    assert events(user)[-1] == AccessEvent.PASSWORD_CHANGED
    assert audit_actions()[-1] == "auth.password_changed"
    assert NEW_PASSWORD not in str(AuditEvent.objects.order_by("-seq").first().changes)


def _reset_link(message) -> str:
    return re.search(r"http://testserver(/akun/atur-ulang/[^\s]+/)", message.body).group(1)


def test_reset_mail_goes_only_to_an_existing_address_and_the_answer_is_the_same(
    django_capture_on_commit_callbacks,
):
    user = vendor(username="budi", email="budi@cv-maju.co.id")
    with django_capture_on_commit_callbacks(execute=True):
        known = english_client().post(RESET, {"email": "BUDI@cv-maju.co.id"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = english_client().post(RESET, {"email": "siapa@contoh.go.id"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@cv-maju.co.id"]
    assert _reset_link(mail.outbox[0])
    entries = list(
        AccessLogEntry.objects.order_by("id").values_list("event", "user", "username_attempted")
    )
    assert entries == [
        (AccessEvent.PASSWORD_RESET_REQUESTED, user.pk, "budi@cv-maju.co.id"),
        (AccessEvent.PASSWORD_RESET_REQUESTED, None, "siapa@contoh.go.id"),
    ]
    assert audit_actions()[-2:] == ["auth.password_reset_requested"] * 2


def test_reset_mail_is_in_the_users_language(django_capture_on_commit_callbacks):
    vendor(username="budi", email="budi@cv-maju.co.id", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        english_client().post(RESET, {"email": "budi@cv-maju.co.id"})
    assert mail.outbox[0].subject == "Choose a new password for OpenLPSE"
    assert "Your user name is: budi" in mail.outbox[0].body


def test_reset_sets_the_password_without_signing_in_and_mfa_is_still_asked(
    django_capture_on_commit_callbacks,
):
    user = official(username="pejabat", email="pejabat@lampungtimurkab.go.id")
    device = confirmed_device(user)
    client = english_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "pejabat@lampungtimurkab.go.id"})
    form_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert SESSION_KEY not in client.session
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert events(user)[-1] == AccessEvent.PASSWORD_RESET_DONE
    assert audit_actions()[-1] == "auth.password_reset_done"

    assert post_login(client, "pejabat", NEW_PASSWORD)["Location"] == reverse("accounts:mfa_verify")
    assert SESSION_KEY not in client.session
    assert (
        client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)}).status_code == 302
    )
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_reset_link_works_once(django_capture_on_commit_callbacks):
    vendor(username="budi", email="budi@cv-maju.co.id")
    client = english_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "budi@cv-maju.co.id"})
    link = _reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    again = english_client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_reset_refuses_a_weak_password_and_keeps_the_old_one(django_capture_on_commit_callbacks):
    user = vendor(username="budi", email="budi@cv-maju.co.id")
    client = english_client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "budi@cv-maju.co.id"})
    page = client.get(_reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "lpse2026", "new_password2": "lpse2026"}
    )
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_requests_from_one_address_are_limited(settings, django_capture_on_commit_callbacks):
    settings.LOGIN_FAILURES_PER_IP = 3
    with clock.frozen(NOW):
        for n in range(3):
            assert (
                english_client().post(RESET, {"email": f"orang{n}@contoh.go.id"}).status_code == 302
            )
        refused = english_client().post(RESET, {"email": "orang9@contoh.go.id"})
    assert refused.status_code == 429
    assert (
        "Too many password reset requests from your network. Try again in 15 minutes."
        in refused.content.decode()
    )


def test_reset_mails_to_one_address_are_limited_without_changing_the_answer(
    settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    vendor(username="budi", email="budi@cv-maju.co.id")
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        answers = [
            english_client().post(
                RESET, {"email": "budi@cv-maju.co.id"}, REMOTE_ADDR=f"10.0.0.{n}"
            )["Location"]
            for n in range(3)
        ]
    assert answers == [reverse("accounts:password_reset_done")] * 3
    assert len(mail.outbox) == 2
    assert User.objects.count() == 1
