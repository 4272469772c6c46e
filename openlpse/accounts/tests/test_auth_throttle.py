import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY

from openlpse.accounts.models import AccessEvent, AccessLogEntry
from openlpse.accounts.services import auth as auth_services
from openlpse.accounts.services.throttle import login_throttle_check
from openlpse.accounts.tests.auth_support import (
    IP,
    NOW,
    OTHER_IP,
    english_client,
    events,
    post_login,
    vendor,
)
from openlpse.core import clock, errors, request_context
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "definitely not it"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_IP = 30
    settings.LOGIN_LOCK_SECONDS = 900


def _fail(identifier, times, ip=IP):
    for _ in range(times):
        response = post_login(english_client(), identifier, WRONG, ip=ip)
        assert response.status_code == 200


def test_account_and_ip_throttle_starts_at_the_threshold_with_the_wait_in_minutes(monkeypatch):
    user = vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5)
        # Refused before the password is looked at, even the right one.
        monkeypatch.setattr(auth_services, "authenticate", _must_not_be_called)
        client = english_client()
        response = post_login(client, "budi")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-ins. Try again in 15 minutes." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert events(user) == [AccessEvent.LOGIN_FAILED] * 5 + [AccessEvent.LOGIN_THROTTLED]
    assert AuditEvent.objects.order_by("-seq").first().action == "auth.login_throttled"


def _must_not_be_called(*args, **kwargs):
    raise AssertionError("the password must not be checked while throttled")


def test_four_failures_do_not_throttle():
    vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 4)
        assert post_login(english_client(), "budi").status_code == 302


def test_the_same_account_can_still_sign_in_from_another_ip():
    user = vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5, ip=IP)
        client = english_client()
        response = post_login(client, "budi", ip=OTHER_IP)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_name_and_email_of_one_account_share_the_counter():
    vendor(username="budi", email="budi@cv-maju.co.id")
    with clock.frozen(NOW):
        _fail("budi", 3)
        _fail("BUDI@cv-maju.co.id", 2)
        assert post_login(english_client(), "budi").status_code == 429


def test_unknown_names_are_throttled_exactly_like_known_ones():
    vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5)
        _fail("nobody", 5)
        known = post_login(english_client(), "budi", WRONG)
        unknown = post_login(english_client(), "nobody", WRONG)
    assert known.status_code == unknown.status_code == 429
    message = "Too many failed sign-ins. Try again in 15 minutes."
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_per_ip_throttle_applies_across_accounts(settings):
    settings.LOGIN_FAILURES_PER_IP = 6
    vendor(username="target")
    with clock.frozen(NOW):
        _fail("alpha", 2)
        _fail("beta", 2)
        _fail("gamma", 2)
        refused = post_login(english_client(), "target", ip=IP)
        elsewhere = post_login(english_client(), "target", ip=OTHER_IP)
    assert refused.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in refused.content.decode()
    assert elsewhere.status_code == 302
    assert AccessLogEntry.objects.filter(event=AccessEvent.LOGIN_THROTTLED, ip=IP).count() == 1


def test_wait_is_rounded_up_to_whole_minutes():
    vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5)
        clock.advance(dt.timedelta(minutes=9, seconds=1))
        response = post_login(english_client(), "budi")
    assert response["Retry-After"] == "359"
    assert "Too many failed sign-ins. Try again in 6 minutes." in response.content.decode()


def test_lock_expires_when_the_clock_moves_past_the_window():
    user = vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5)
        clock.advance(dt.timedelta(seconds=899))
        last_second = post_login(english_client(), "budi")
        clock.advance(dt.timedelta(seconds=1))
        client = english_client()
        after = post_login(client, "budi")
    assert last_second.status_code == 429
    assert "Try again in 1 minute." in last_second.content.decode()
    assert after.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_twelve_minute_wait_is_announced_as_such():
    vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 5)
        clock.advance(dt.timedelta(minutes=3))
        response = post_login(english_client(), "budi")
    assert "Too many failed sign-ins. Try again in 12 minutes." in response.content.decode()


def test_a_successful_sign_in_clears_the_account_counter_for_that_ip():
    vendor(username="budi")
    with clock.frozen(NOW):
        _fail("budi", 4)
        clock.advance(dt.timedelta(seconds=1))
        assert post_login(english_client(), "budi").status_code == 302
        clock.advance(dt.timedelta(seconds=1))
        _fail("budi", 4)
        assert post_login(english_client(), "budi").status_code == 302


def test_throttle_check_raises_throttled_with_retry_after():
    user = vendor(username="budi")
    with clock.frozen(NOW), request_context.bound(request_context.RequestMeta(ip=IP)):
        _fail("budi", 5)
        with pytest.raises(errors.Throttled) as caught:
            login_throttle_check(identifier="budi", ip=IP, user=user)
        login_throttle_check(identifier="budi", ip=OTHER_IP, user=user)  # another address: no error
    assert caught.value.retry_after == 900
    assert caught.value.code == "throttled"
    assert caught.value.http_status == 429
