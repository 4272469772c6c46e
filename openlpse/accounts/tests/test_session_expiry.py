import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from openlpse.accounts.models import AccessEvent, AccessLogEntry
from openlpse.accounts.tests.auth_support import (
    NOW,
    audit_actions,
    english_client,
    events,
    post_login,
    vendor,
)
from openlpse.core import clock

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.SESSION_IDLE_SECONDS = 1800
    settings.SESSION_ABSOLUTE_SECONDS = 4 * 3600


def test_session_ends_after_the_idle_limit_and_the_login_page_says_why():
    user = vendor(username="budi")
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "budi")
        clock.advance(dt.timedelta(minutes=29, seconds=59))
        assert client.get(PROFILE).status_code == 200  # activity: the idle clock restarts
        clock.advance(dt.timedelta(minutes=29, seconds=59))
        assert client.get(PROFILE).status_code == 200
        clock.advance(dt.timedelta(minutes=30))
        expired = client.get(PROFILE)
        page = client.get(LOGIN).content.decode()
    assert expired.status_code == 302
    assert expired["Location"] == f"{LOGIN}?next={PROFILE}"
    assert SESSION_KEY not in client.session
    assert "Your session ended after 30 minutes without activity. Please sign in again." in page
    entry = AccessLogEntry.objects.filter(event=AccessEvent.SESSION_EXPIRED).get()
    assert (entry.user, entry.detail, entry.created_at) == (
        user,
        "idle",
        NOW + dt.timedelta(minutes=89, seconds=58),
    )
    assert audit_actions()[-1] == "auth.session_expired"


def test_session_ends_at_the_absolute_limit_even_when_active():
    user = vendor(username="budi")
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "budi")
        for _ in range(11):
            clock.advance(dt.timedelta(minutes=20))
            assert client.get(PROFILE).status_code == 200
        clock.advance(dt.timedelta(minutes=20))  # 4 hours after sign-in
        expired = client.get(PROFILE)
        page = client.get(LOGIN).content.decode()
    assert expired.status_code == 302
    assert SESSION_KEY not in client.session
    assert (
        "Your session ended because you signed in more than 4 hours ago. Please sign in again."
        in page
    )
    assert events(user) == [AccessEvent.LOGIN, AccessEvent.SESSION_EXPIRED]
    assert AccessLogEntry.objects.get(event=AccessEvent.SESSION_EXPIRED).detail == "absolute"


def test_the_expiry_notice_is_shown_once():
    vendor(username="budi")
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "budi")
        clock.advance(dt.timedelta(hours=1))
        client.get(PROFILE)
        assert "without activity" in client.get(LOGIN).content.decode()
        assert "without activity" not in client.get(LOGIN).content.decode()


def test_a_fresh_session_is_not_expired():
    vendor(username="budi")
    client = english_client()
    with clock.frozen(NOW):
        post_login(client, "budi")
        clock.advance(dt.timedelta(minutes=29))
        assert client.get(PROFILE).status_code == 200
    assert AccessLogEntry.objects.filter(event=AccessEvent.SESSION_EXPIRED).count() == 0
