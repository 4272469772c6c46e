"""The in-app inbox: own messages only, unread highlighted and counted in the header, opening
marks read and follows same-site links only; the JSON endpoints."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openlpse.accounts.services import tokens
from openlpse.accounts.tests.factories import UserFactory
from openlpse.accounts.tests.registrations_support import english
from openlpse.accounts.views.inbox import same_site_link
from openlpse.core import clock
from openlpse.core.models import Notification
from openlpse.core.notifications import Message, notify

pytestmark = pytest.mark.django_db

INBOX = reverse("accounts:inbox")


def message(user, subject="Pendaftaran disetujui", url="", minutes_ago=0, read=False):
    item = Notification.objects.create(
        user=user,
        topic="test",
        subject=subject,
        body=f"Isi pesan {subject}",
        url=url,
        created_at=clock.now() - dt.timedelta(minutes=minutes_ago),
        read_at=clock.now() if read else None,
    )
    return item


@pytest.fixture
def owner():
    return UserFactory(username="budi", preferred_language="en")


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return english(client)


def test_inbox_lists_only_own_messages_newest_first_with_unread_marked(signed_in, owner):
    message(owner, "Lama", minutes_ago=10, read=True)
    message(owner, "Baru", minutes_ago=1)
    message(UserFactory(), "Milik orang lain")
    response = signed_in.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Baru") < html.index("Lama")
    assert "Milik orang lain" not in html
    assert "1 unread message." in html
    assert html.count('class="unread"') == 1


def test_the_header_badge_counts_unread_messages_without_an_extra_query(signed_in, owner):
    for n in range(3):
        message(owner, f"Pesan {n}")
    message(owner, "Dibaca", read=True)
    signed_in.get(INBOX)  # session bookkeeping on the first visit
    with CaptureQueriesContext(connection) as queries:
        signed_in.get(reverse("accounts:profile"))
    counting = [q["sql"] for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(counting) == 1 and counting[0].startswith('SELECT "accounts_user"."id"')
    html = signed_in.get(INBOX).content.decode()
    assert (
        '<a href="/akun/kotak-masuk/" class="nav-inbox" aria-current="page">Inbox <span class="badge badge-warning">3<span class="visually-hidden"> unread</span>'
        in html
    )
    notify(users=[owner], message=Message("t", subject=lambda: "x", body=lambda: "y"), email=False)
    html = signed_in.get(reverse("core:dashboard")).content.decode()
    assert 'class="badge badge-warning">4<' in html


def test_no_badge_when_everything_is_read(signed_in, owner):
    message(owner, read=True)
    html = signed_in.get(reverse("core:dashboard")).content.decode()
    assert 'class="nav-inbox">Inbox</a>' in html


def test_opening_a_message_marks_it_read_and_follows_its_link(signed_in, owner):
    item = message(owner, url="/akun/profil/")
    response = signed_in.get(reverse("accounts:inbox_open", args=[item.pk]))
    assert (response.status_code, response["Location"]) == (302, "/akun/profil/")
    item.refresh_from_db()
    assert item.read_at is not None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_a_link_to_another_site_is_never_followed(signed_in, owner, url):
    item = message(owner, "Tautan", url=url)
    response = signed_in.get(reverse("accounts:inbox_open", args=[item.pk]))
    assert response.status_code == 200
    assert "Isi pesan Tautan" in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None


def test_same_site_link():
    assert same_site_link("/penyedia/12/") == "/penyedia/12/"
    for bad in ("http://x.y/", "//x.y", "/\\x.y", "x/y", "", "mailto:a@b.c"):
        assert same_site_link(bad) is None


def test_another_users_message_is_404_and_unchanged(signed_in):
    other = message(UserFactory(), "Rahasia")
    for response in (
        signed_in.get(reverse("accounts:inbox_open", args=[other.pk])),
        signed_in.post(reverse("accounts:inbox_mark_read", args=[other.pk])),
        signed_in.get(reverse("accounts:inbox_open", args=[999999])),
    ):
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_one_and_mark_all_read(signed_in, owner):
    first, second, third = (message(owner, f"P{n}") for n in range(3))
    foreign = message(UserFactory(), "Orang lain")
    response = signed_in.post(reverse("accounts:inbox_mark_read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 2
    response = signed_in.post(reverse("accounts:inbox_mark_all_read"), follow=True)
    assert "2 messages marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None
    assert {second.pk, third.pk} <= set(Notification.objects.values_list("pk", flat=True))


def test_marking_needs_post(signed_in, owner):
    item = message(owner)
    assert signed_in.get(reverse("accounts:inbox_mark_read", args=[item.pk])).status_code == 405
    assert signed_in.get(reverse("accounts:inbox_mark_all_read")).status_code == 405


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(INBOX)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_the_inbox_pages(signed_in, owner):
    for n in range(35):
        message(owner, f"Pesan ke-{n:02d}", minutes_ago=n)
    first = signed_in.get(INBOX).content.decode()
    assert "Pesan ke-00" in first and "Pesan ke-34" not in first
    second = signed_in.get(INBOX + "?page=2").content.decode()
    assert "Pesan ke-34" in second


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def api(owner):
    secret = tokens.token_create(user=owner, name="test", actor=None).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_lists_own_notifications_with_a_cursor(api, owner):
    for n in range(5):
        message(owner, f"P{n}", minutes_ago=n, url="/akun/profil/" if n == 0 else "")
    message(UserFactory(), "Orang lain")
    page = api.get("/api/v1/me/notifications?limit=3").json()
    assert [item["subject"] for item in page["items"]] == ["P0", "P1", "P2"]
    assert page["items"][0]["url"] == "/akun/profil/"
    assert page["items"][0]["read_at"] is None
    rest = api.get(f"/api/v1/me/notifications?limit=3&cursor={page['next_cursor']}").json()
    assert [item["subject"] for item in rest["items"]] == ["P3", "P4"]
    assert rest["next_cursor"] is None


def test_api_filters_unread(api, owner):
    message(owner, "Dibaca", read=True)
    message(owner, "Belum")
    items = api.get("/api/v1/me/notifications?unread=true").json()["items"]
    assert [item["subject"] for item in items] == ["Belum"]


def test_api_marks_one_read_and_another_users_is_404(api, owner):
    mine = message(owner)
    other = message(UserFactory())
    response = api.post(f"/api/v1/me/notifications/{mine.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    response = api.post(f"/api/v1/me/notifications/{other.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    other.refresh_from_db()
    assert other.read_at is None


def test_api_marks_all_read(api, owner):
    message(owner)
    message(owner)
    assert api.post("/api/v1/me/notifications/read").json() == {"marked": 2}
    assert api.post("/api/v1/me/notifications/read").json() == {"marked": 0}


def test_api_needs_a_token():
    response = Client().get("/api/v1/me/notifications")
    assert response.status_code == 401


def test_the_badge_on_an_opened_message_already_counts_it_as_read(signed_in, owner):
    item = message(owner, "Tanpa tautan")
    message(owner, "Lain")
    html = signed_in.get(reverse("accounts:inbox_open", args=[item.pk])).content.decode()
    assert 'class="badge badge-warning">1<' in html
