import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from openlpse.accounts.models import AccessEvent, AccessLogEntry
from openlpse.accounts.tests.auth_support import (
    IP,
    NOW,
    audit_actions,
    english_client,
    events,
    post_login,
    sign_in_verified,
    vendor,
)
from openlpse.accounts.tests.factories import PASSWORD, UserFactory
from openlpse.core import clock
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db

UNIFORM = "The user name, e-mail address or password is not correct. Check them and try again."


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_login_by_username_signs_in_and_rotates_the_session_key():
    user = vendor(username="budi")
    client = english_client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    response = post_login(client, "budi")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert _signed_in_user_id(client) == str(user.pk)
    assert client.session.session_key != before


def test_login_by_email_is_case_insensitive():
    user = vendor(username="sari", email="sari@cv-maju.co.id")
    client = english_client()
    response = post_login(client, "  SARI@CV-Maju.CO.ID ")
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)


def test_login_by_username_is_case_insensitive():
    user = vendor(username="andi")
    client = english_client()
    assert post_login(client, "ANDI").status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)


def _normalised(html: str, typed: str) -> str:
    html = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html
    )
    return html.replace(typed, "TYPED")


def test_wrong_password_and_unknown_user_get_identical_responses():
    vendor(username="budi")
    wrong_password = post_login(english_client(), "budi", "not the password at all")
    unknown_user = post_login(english_client(), "nobody", "not the password at all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert UNIFORM in wrong_password.content.decode()
    assert _normalised(wrong_password.content.decode(), "budi") == _normalised(
        unknown_user.content.decode(), "nobody"
    )


def test_inactive_account_with_a_wrong_password_gets_the_same_answer_as_any_wrong_password():
    # With the right password the holder is told why (test_login_refusals.py).
    vendor(username="budi", is_active=False)
    client = english_client()
    response = post_login(client, "budi", "not the password at all")
    assert response.status_code == 200
    assert UNIFORM in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_successful_login_writes_access_log_and_audit_event():
    user = vendor(username="budi")
    audit_before = AuditEvent.objects.count()
    with clock.frozen(NOW):
        post_login(english_client(), "budi")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.event, entry.ip, entry.user_agent, entry.created_at) == (
        user,
        AccessEvent.LOGIN,
        IP,
        "pytest-browser/1.0",
        NOW,
    )
    login_audit = AuditEvent.objects.get(seq=AuditEvent.objects.count())
    assert AuditEvent.objects.count() == audit_before + 1
    assert (login_audit.action, login_audit.actor_id, login_audit.object_id, login_audit.ip) == (
        "auth.login",
        user.pk,
        str(user.pk),
        IP,
    )
    assert login_audit.changes["access_log_id"] == entry.pk


def test_failed_login_on_a_known_account_is_logged_against_it_without_making_it_the_actor():
    user = vendor(username="budi")
    post_login(english_client(), "BUDI", "wrong password here")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.event, entry.username_attempted) == (
        user,
        AccessEvent.LOGIN_FAILED,
        "budi",
    )
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.actor_id, last.actor_label, last.object_id) == (
        "auth.login_failed",
        None,
        "anonymous",
        str(user.pk),
    )


def test_failed_login_on_an_unknown_name_keeps_the_typed_name():
    post_login(english_client(), "Ghost@Example.go.id", "whatever password")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.event, entry.username_attempted) == (
        None,
        AccessEvent.LOGIN_FAILED,
        "ghost@example.go.id",
    )
    assert audit_actions()[-1] == "auth.login_failed"
    assert (
        AuditEvent.objects.order_by("-seq").first().changes["username_attempted"]
        == "ghost@example.go.id"
    )


def test_login_sets_the_language_cookie_from_the_preferred_language():
    vendor(username="budi", preferred_language="id")
    response = post_login(english_client(), "budi")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"


def test_login_follows_a_local_next_but_not_an_external_one():
    vendor(username="budi")
    local = post_login(english_client(), "budi", next="/akun/profil/")
    assert local["Location"] == "/akun/profil/"
    external = post_login(english_client(), "budi", next="https://evil.example/steal")
    assert external["Location"] == reverse("core:dashboard")


def test_login_page_keeps_the_typed_name_and_has_labels():
    response = post_login(english_client(), "budi", "")
    html = response.content.decode()
    assert '<label for="id_identifier">' in html
    assert 'value="budi"' in html
    assert "Enter your password." in html
    assert AccessLogEntry.objects.count() == 0  # an incomplete form is not an attempt


def test_logout_needs_post_and_is_logged():
    user = vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in_user_id(client) == str(user.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert _signed_in_user_id(client) is None
    assert events(user) == [AccessEvent.LOGIN, AccessEvent.LOGOUT]
    assert audit_actions()[-1] == "auth.logout"
    assert "You have signed out." in client.get(reverse("accounts:login")).content.decode()


def test_signed_in_user_visiting_login_is_sent_on():
    vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_user_without_roles_can_sign_in_with_password_only():
    UserFactory(username="plain")
    client = english_client()
    response = post_login(client, "plain", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_admin_sign_in_form_is_replaced_by_the_throttled_sign_in_page():
    response = english_client().get("/django-admin/login/?next=/django-admin/")
    assert response["Location"] == f"{reverse('accounts:login')}?next=/django-admin/"
    posted = english_client().post("/django-admin/login/", {"username": "root", "password": "x"})
    assert posted["Location"].startswith(reverse("accounts:login"))


def test_a_signed_in_non_staff_user_cannot_use_the_admin():
    vendor(username="budi")
    client = english_client()
    post_login(client, "budi")
    assert client.get("/django-admin/login/").status_code == 403
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")


def test_a_verified_operator_goes_from_the_admin_sign_in_to_the_admin():
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = english_client()
    sign_in_verified(client, root)
    assert client.get("/django-admin/login/?next=/django-admin/")["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/accesslogentry/").status_code == 200
