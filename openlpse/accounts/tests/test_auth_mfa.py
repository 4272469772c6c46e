import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts.enums import MFA_REQUIRED_ROLES, Role
from openlpse.accounts.models import AccessEvent
from openlpse.accounts.services import mfa as mfa_services
from openlpse.accounts.tests.auth_support import (
    NOW,
    audit_actions,
    code_for,
    confirmed_device,
    english_client,
    events,
    official,
    post_login,
    sign_in_verified,
    vendor,
)
from openlpse.accounts.tests.factories import PASSWORD
from openlpse.core import clock
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("core:dashboard")
SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")


def _codes_from(html: str) -> list[str]:
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", html)


def _enrol(client, user):
    """Open the set-up page and confirm with a real code computed from the shown device."""
    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return page, device, client.post(SETUP, {"device_id": device.pk, "code": code_for(device)})


@pytest.mark.parametrize("role", sorted(MFA_REQUIRED_ROLES))
def test_every_official_role_without_a_device_is_sent_to_enrolment(role):
    user = official(role=role, username="pejabat")
    client = english_client()
    assert post_login(client, "pejabat").status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    for page in (
        DASHBOARD,
        reverse("accounts:profile"),
        reverse("accounts:access_log"),
        "/django-admin/",
    ):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, SETUP)


def test_staff_flag_requires_mfa_too():
    from openlpse.accounts.tests.factories import UserFactory

    UserFactory(username="operator", is_staff=True)
    client = english_client()
    post_login(client, "operator")
    assert client.get(DASHBOARD)["Location"] == SETUP


def test_official_without_device_can_still_reach_exempt_pages():
    official(username="pejabat")
    client = english_client()
    post_login(client, "pejabat")
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": SETUP})["Location"] == SETUP
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert SESSION_KEY not in client.session


def test_enrolment_shows_qr_code_and_secret_and_a_real_code_turns_mfa_on():
    user = official(username="pejabat")
    client = english_client()
    post_login(client, "pejabat")
    page, device, response = _enrol(client, user)
    html = page.content.decode()
    assert '<img src="data:image/svg+xml' in html
    assert mfa_services.totp_secret_base32(device) in html
    assert "<script>" not in html and "style=" not in html
    assert "Your roles require two-factor authentication." in html

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_recovery_codes")
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = _codes_from(client.get(reverse("accounts:mfa_recovery_codes")).content.decode())
    assert len(codes) == 10 == len(set(codes))
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in codes}
    assert client.get(DASHBOARD).status_code == 200
    assert events(user) == [AccessEvent.LOGIN, AccessEvent.MFA_ENABLED]
    assert audit_actions()[-2:] == ["mfa.enrolment_start", "auth.mfa_enabled"]


def test_recovery_codes_are_shown_once_and_can_be_downloaded_as_text():
    user = official(username="pejabat")
    client = english_client()
    post_login(client, "pejabat")
    _enrol(client, user)
    codes = _codes_from(client.get(reverse("accounts:mfa_recovery_codes")).content.decode())
    download = client.get(reverse("accounts:mfa_recovery_codes") + "?download=txt")
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="openlpse-recovery-codes.txt"'
    assert [line for line in download.content.decode().splitlines() if line in codes] == codes
    client.post(reverse("accounts:mfa_recovery_codes"), {"action": "done"})
    again = client.get(reverse("accounts:mfa_recovery_codes")).content.decode()
    assert _codes_from(again) == []
    assert "You have 10 unused recovery codes." in again


def test_wrong_enrolment_code_is_refused_and_nothing_is_turned_on():
    user = official(username="pejabat")
    client = english_client()
    post_login(client, "pejabat")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    audit_before = AuditEvent.objects.count()
    response = client.post(SETUP, {"device_id": device.pk, "code": wrong})
    assert response.status_code == 400
    assert "This code does not match." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert StaticDevice.objects.filter(user=user).count() == 0
    assert AuditEvent.objects.count() == audit_before
    assert client.get(DASHBOARD)["Location"] == SETUP


def test_enrolment_of_another_users_device_is_refused():
    user = official(username="pejabat")
    other = official(username="lain")
    foreign = TOTPDevice.objects.create(user=other, name="authenticator", confirmed=False)
    client = english_client()
    post_login(client, "pejabat")
    response = client.post(SETUP, {"device_id": foreign.pk, "code": code_for(foreign)})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.confirmed is False
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_login_with_totp_after_the_password():
    user = official(username="pejabat")
    device = confirmed_device(user)
    client = english_client()
    with clock.frozen(NOW):
        first = post_login(client, "pejabat")
        assert (first.status_code, first["Location"]) == (302, VERIFY)
        assert SESSION_KEY not in client.session  # not signed in before the second factor
        assert client.get(DASHBOARD)["Location"].startswith(reverse("accounts:login"))
        assert "Enter your two-factor code" in client.get(VERIFY).content.decode()
        second = client.post(VERIFY, {"code": code_for(device)})
    assert (second.status_code, second["Location"]) == (302, DASHBOARD)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(DASHBOARD).status_code == 200
    assert events(user) == [AccessEvent.MFA_VERIFIED, AccessEvent.LOGIN]
    assert audit_actions()[-2:] == ["auth.mfa_verified", "auth.login"]


def test_the_same_totp_code_is_refused_the_second_time():
    user = official(username="pejabat")
    device = confirmed_device(user)
    client = english_client()
    post_login(client, "pejabat")
    code = code_for(device)
    assert client.post(VERIFY, {"code": code})["Location"] == DASHBOARD
    client.post(reverse("accounts:logout"))

    post_login(client, "pejabat")
    replay = client.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert "This code is not valid." in replay.content.decode()
    assert SESSION_KEY not in client.session
    assert events(user)[-1] == AccessEvent.MFA_FAILED
    assert audit_actions()[-1] == "auth.mfa_failed"


def test_a_recovery_code_works_once():
    user = official(username="pejabat")
    confirmed_device(user)
    codes = mfa_services._new_recovery_codes(user)
    client = english_client()
    post_login(client, "pejabat")
    used = client.post(VERIFY, {"code": codes[3].upper()})
    assert used["Location"] == DASHBOARD
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert AuditEvent.objects.order_by("-seq")[1].changes["detail"] == "recovery_code"
    client.post(reverse("accounts:logout"))

    post_login(client, "pejabat")
    again = client.post(VERIFY, {"code": codes[3]})
    assert again.status_code == 200
    assert "This code is not valid." in again.content.decode()
    assert SESSION_KEY not in client.session


def test_wrong_codes_count_towards_the_sign_in_throttle(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    user = official(username="pejabat")
    confirmed_device(user)
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "pejabat")
        for _ in range(3):
            client.post(VERIFY, {"code": "abcde-fghij"})
        refused = client.post(VERIFY, {"code": "000000"})
    assert refused.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in refused.content.decode()
    assert events(user) == [AccessEvent.MFA_FAILED] * 3 + [AccessEvent.LOGIN_THROTTLED]


def test_code_step_expires_after_five_minutes():
    user = official(username="pejabat")
    device = confirmed_device(user)
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "pejabat")
        clock.advance(dt.timedelta(minutes=5, seconds=1))
        response = client.post(VERIFY, {"code": code_for(device)})
        assert response["Location"] == reverse("accounts:login")
        page = client.get(reverse("accounts:login")).content.decode()
    assert "The sign-in took too long to complete. Enter your password again." in page
    assert SESSION_KEY not in client.session
    assert events(user) == []


def test_code_step_without_a_password_first_goes_back_to_login():
    response = english_client().get(VERIFY)
    assert response["Location"] == reverse("accounts:login")


def test_a_session_with_a_device_but_no_code_is_sent_to_the_code_step():
    user = official(username="pejabat")
    device = confirmed_device(user)
    client = english_client()
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response["Location"] == f"{VERIFY}?next=%2Fdasbor%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no enrolment around the code step
    done = client.post(
        f"{VERIFY}?next=%2Fdasbor%2F", {"code": code_for(device), "next": "/dasbor/"}
    )
    assert done["Location"] == "/dasbor/"
    assert client.get(DASHBOARD).status_code == 200
    assert events(user) == [AccessEvent.MFA_VERIFIED]


def test_vendor_without_mfa_is_allowed_everywhere():
    user = vendor(username="penyedia")
    client = english_client()
    post_login(client, "penyedia")
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_vendor_who_turned_mfa_on_is_asked_for_the_code():
    user = vendor(username="penyedia")
    confirmed_device(user)
    client = english_client()
    assert post_login(client, "penyedia")["Location"] == VERIFY


def test_vendor_can_turn_mfa_off_with_the_password():
    user = vendor(username="penyedia")
    client = english_client()
    sign_in_verified(client, user)
    mfa_services._new_recovery_codes(user)
    refused = client.post(reverse("accounts:mfa_disable"), {"password": "wrong password"})
    assert refused.status_code == 400
    assert "Your current password is not correct." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1
    response = client.post(reverse("accounts:mfa_disable"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert StaticDevice.objects.filter(user=user).count() == 0
    assert events(user)[-1] == AccessEvent.MFA_DISABLED
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("role", [Role.PPK, Role.LPSE_ADMIN, Role.AUDITOR])
def test_official_cannot_turn_mfa_off(role):
    user = official(role=role, username="pejabat")
    client = english_client()
    sign_in_verified(client, user)
    audit_before = AuditEvent.objects.count()
    response = client.post(reverse("accounts:mfa_disable"), {"password": PASSWORD})
    assert response.status_code == 400
    assert (
        "Your roles require two-factor authentication, so it cannot be turned off."
        in response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEvent.objects.count() == audit_before


def test_regenerating_recovery_codes_replaces_the_old_ones():
    user = official(username="pejabat")
    client = english_client()
    sign_in_verified(client, user)
    old = mfa_services._new_recovery_codes(user)
    refused = client.post(
        reverse("accounts:mfa_recovery_codes"), {"action": "regenerate", "password": "nope"}
    )
    assert refused.status_code == 400
    assert {t for t in StaticToken.objects.values_list("token", flat=True)} == {
        c.replace("-", "") for c in old
    }
    response = client.post(
        reverse("accounts:mfa_recovery_codes"), {"action": "regenerate", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa_recovery_codes")
    new = _codes_from(client.get(reverse("accounts:mfa_recovery_codes")).content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        c.replace("-", "") for c in new
    }
    assert audit_actions()[-1] == "mfa.recovery_codes_regenerate"


def test_replacing_the_authenticator_keeps_the_old_one_until_the_new_one_is_confirmed():
    user = official(username="pejabat")
    client = english_client()
    old = sign_in_verified(client, user)
    assert client.post(reverse("accounts:mfa_replace"), {"password": PASSWORD})["Location"] == SETUP
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert '<img src="data:image/svg+xml' in client.get(SETUP).content.decode()
    response = client.post(SETUP, {"device_id": new.pk, "code": code_for(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    assert client.get(DASHBOARD).status_code == 200
