"""The portal's pages: the deployment home, an LPSE's profile, the chooser, the dashboard."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock, portal
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 6, 5, tzinfo=dt.UTC)  # 13:05 WIB, 14:05 WITA


@pytest.fixture
def english(client):
    """Texts are asserted in English, the source language: the Indonesian catalogue changes."""
    client.cookies["openlpse_language"] = "en"
    return client


def cards(html):
    return re.findall(r'<li class="card lpse-card">(.*?)</li>', html, re.S)


# --- home -------------------------------------------------------------------------------------


def test_home_lists_every_active_lpse_with_region_and_zone(
    english, lpse_karangasem, lpse_lampung_timur
):
    LpseFactory(slug="tutup", name="LPSE Kabupaten Tutup", is_active=False)

    with clock.frozen(NOW):
        response = english.get("/")

    assert response.status_code == 200
    found = cards(response.content.decode())
    assert len(found) == 2
    assert 'href="/lpse/karangasem/">LPSE Kabupaten Karangasem</a>' in found[0]
    assert "Kabupaten Karangasem, Bali" in found[0]
    assert (
        '<span class="badge" title="WITA (Asia/Makassar, UTC+8)">WITA</span> <span>Local time: 14:05 WITA</span>'
        in found[0]
    )
    assert 'href="/lpse/lampungtimurkab/">LPSE Kabupaten Lampung Timur</a>' in found[1]
    assert (
        '<span class="badge" title="WIB (Asia/Jakarta, UTC+7)">WIB</span> <span>Local time: 13:05 WIB</span>'
        in found[1]
    )
    assert "Tutup" not in response.content.decode()


def test_home_explains_openlpse_and_names_the_deployment(english):
    response = english.get("/")

    html = response.content.decode()
    assert '<span class="brand-name">OpenLPSE</span>' in html
    assert "Electronic procurement for Indonesian LPSEs</h1>" in html
    assert "vendors register once and bid at every LPSE" in html


def test_home_without_any_lpse_says_how_they_are_added(english):
    response = english.get("/")

    assert cards(response.content.decode()) == []
    assert "No LPSE has been set up on this server yet." in response.content.decode()


def test_home_query_count_does_not_grow_with_the_number_of_lpses(
    client, django_assert_max_num_queries
):
    LpseFactory.create_batch(12)
    with django_assert_max_num_queries(2):  # the list, and the header's chooser
        response = client.get("/")
    assert len(cards(response.content.decode())) == 12


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


# --- an LPSE's page ----------------------------------------------------------------------------


def test_lpse_page_shows_profile_contacts_helpdesk_and_local_time(english, lpse_karangasem):
    with clock.frozen(NOW):
        response = english.get("/lpse/karangasem/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>LPSE Kabupaten Karangasem</h1>" in html
    assert "Kabupaten Karangasem, Bali" in html
    assert "<address>Jl. Ngurah Rai No. 1, Amlapura</address>" in html
    assert '<a href="tel:(0363)21001">(0363) 21001</a>' in html
    assert '<a href="mailto:lpse@karangasemkab.go.id">lpse@karangasemkab.go.id</a>' in html
    assert "Senin-Jumat 08:00-15:00 WITA" in html
    assert "<time>21 November 2026 14:05 WITA</time>" in html
    assert "08:00\u201316:00 WITA" in html  # en dash


def test_lpse_page_local_time_uses_indonesian_month_names_by_default(client, lpse_lampung_timur):
    with clock.frozen(dt.datetime(2026, 8, 17, 3, 0, tzinfo=dt.UTC)):
        response = client.get("/lpse/lampungtimurkab/")

    assert "<time>17 Agustus 2026 10:00 WIB</time>" in response.content.decode()


def test_lpse_page_header_names_the_lpse_and_its_region(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/").content.decode()

    assert '<span class="brand-name">LPSE Kabupaten Karangasem</span>' in html
    assert '<span class="brand-sub">Kabupaten Karangasem, Bali</span>' in html
    assert '<a class="brand" href="/lpse/karangasem/">' in html


def test_lpse_page_of_an_unknown_or_inactive_lpse_is_not_found(client):
    LpseFactory(slug="tutup", is_active=False)

    assert client.get("/lpse/tidak-ada/").status_code == 404
    assert client.get("/lpse/tutup/").status_code == 404


def test_lpse_page_query_count(client, lpse_karangasem, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the LPSE, and the header's chooser
        client.get("/lpse/karangasem/")


# --- logo ----------------------------------------------------------------------------------------


def _stored_file(**values):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from openlpse.core.models import StoredFile

    key = default_storage.save(
        "test/logo.png", ContentFile(values.pop("content", b"\x89PNG\r\n\x1a\nfake"))
    )
    defaults = {
        "storage_key": key,
        "original_name": "logo.png",
        "kind": "logo",
        "content_type": "image/png",
        "detected_type": "png",
        "size": 12,
        "sha256": "0" * 64,
        "created_at": NOW,
    }
    defaults.update(values)
    return StoredFile.objects.create(**defaults)


def test_lpse_logo_is_shown_in_the_header_and_served(client, lpse_karangasem):
    lpse_karangasem.logo = _stored_file()
    lpse_karangasem.save()

    html = client.get("/lpse/karangasem/").content.decode()
    logo = client.get("/lpse/karangasem/logo")

    assert (
        '<img class="brand-logo" src="/lpse/karangasem/logo" alt="" width="48" height="48">' in html
    )
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == b"\x89PNG\r\n\x1a\nfake"


def test_without_a_logo_the_header_shows_the_openlpse_emblem(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/").content.decode()

    assert 'src="/static/openlpse/img/emblem.svg"' in html
    assert client.get("/lpse/karangasem/logo").status_code == 404


def test_a_logo_that_is_not_a_raster_image_is_never_served(client, lpse_karangasem):
    lpse_karangasem.logo = _stored_file(
        content_type="image/svg+xml", detected_type="svg", content=b"<svg/>"
    )
    lpse_karangasem.save()

    assert client.get("/lpse/karangasem/logo").status_code == 404


# --- the chooser -------------------------------------------------------------------------------


def test_chooser_lists_every_active_lpse_and_marks_the_current_one(
    client, lpse_karangasem, lpse_lampung_timur
):
    html = client.get("/lpse/karangasem/").content.decode()

    assert '<form class="lpse-chooser" action="/pilih-lpse/" method="get"' in html
    assert '<option value="karangasem" selected>LPSE Kabupaten Karangasem</option>' in html
    assert '<option value="lampungtimurkab">LPSE Kabupaten Lampung Timur</option>' in html


def test_choosing_an_lpse_opens_its_page_and_is_remembered(english, lpse_karangasem):
    response = english.get("/pilih-lpse/", {"lpse": "karangasem"})

    assert response.status_code == 302
    assert response["Location"] == "/lpse/karangasem/"
    assert english.session[portal.SESSION_KEY] == "karangasem"
    # A page that names no LPSE now shows the chosen one.
    html = english.get("/tidak-ada/").content.decode()
    assert '<span class="brand-name">LPSE Kabupaten Karangasem</span>' in html


def test_choosing_all_lpses_forgets_the_choice(client, lpse_karangasem):
    client.get("/pilih-lpse/", {"lpse": "karangasem"})

    response = client.get("/pilih-lpse/", {"lpse": ""})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert portal.SESSION_KEY not in client.session


def test_choosing_an_unknown_lpse_says_so_on_the_home_page(english, lpse_karangasem):
    response = english.get("/pilih-lpse/", {"lpse": "tidak-ada"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "That LPSE was not found. Choose one from the list." in response.content.decode()
    assert portal.SESSION_KEY not in english.session


def test_the_url_wins_over_the_remembered_choice(client, lpse_karangasem, lpse_lampung_timur):
    client.get("/pilih-lpse/", {"lpse": "karangasem"})

    html = client.get("/lpse/lampungtimurkab/").content.decode()

    assert '<span class="brand-name">LPSE Kabupaten Lampung Timur</span>' in html


def test_the_home_page_is_the_deployment_even_after_a_choice(client, lpse_karangasem):
    client.get("/pilih-lpse/", {"lpse": "karangasem"})

    html = client.get("/").content.decode()

    assert '<span class="brand-name">OpenLPSE</span>' in html


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/dasbor/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/dasbor/"


def test_dashboard_greets_and_lists_the_active_roles_with_their_scopes(
    english, sign_in, lpse_karangasem
):
    user = UserFactory(full_name="Ni Luh Putu Sari")
    agency = AgencyFactory(lpse=lpse_karangasem, name="Dinas Pekerjaan Umum")
    RoleAssignmentFactory(
        user=user, role=Role.LPSE_ADMIN, lpse=lpse_karangasem, letter_number="800/1/SK/2026"
    )
    RoleAssignmentFactory(
        user=user, role=Role.PPK, scope_kind=ScopeKind.AGENCY, lpse=lpse_karangasem, agency=agency
    )
    RoleAssignmentFactory(
        user=user,
        role=Role.AUDITOR,
        lpse=lpse_karangasem,
        revoked_at=clock.now() - dt.timedelta(days=2),
        revoke_reason="Surat tugas selesai",
    )
    RoleAssignmentFactory(
        user=user,
        role=Role.KPA,
        lpse=lpse_karangasem,
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2020, 12, 31),
    )
    sign_in(user, mfa=True)

    response = english.get("/dasbor/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, Ni Luh Putu Sari</h1>" in html
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)
    assert rows == [
        ("LPSE administrator", "LPSE", "LPSE Kabupaten Karangasem"),
        ("Commitment official (PPK)", "Agency: Dinas Pekerjaan Umum", "LPSE Kabupaten Karangasem"),
    ]
    assert "800/1/SK/2026" in html
    assert "Two-factor authentication is on for your account." in html


def test_dashboard_of_a_vendor_without_mfa_suggests_turning_it_on(english, sign_in):
    user = UserFactory()
    RoleAssignmentFactory(
        user=user,
        role=Role.VENDOR_ADMIN,
        scope_kind=ScopeKind.VENDOR,
        lpse=None,
        scope_ref="CV Maju",
    )
    sign_in(user)

    response = english.get("/dasbor/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="alert alert-info">' in html
    assert "You can protect your account with two-factor authentication." in html
    assert "<td>Vendor: CV Maju</td>" in html


def test_dashboard_without_roles_says_who_assigns_them(english, sign_in):
    sign_in(UserFactory())

    html = english.get("/dasbor/").content.decode()

    assert "You hold no role yet." in html
    assert "<table" not in html


def test_dashboard_query_count_does_not_grow_with_roles(
    client, sign_in, lpse_karangasem, django_assert_max_num_queries
):
    user = UserFactory()
    for _ in range(8):
        RoleAssignmentFactory(user=user, role=Role.LPSE_ADMIN, lpse=lpse_karangasem)
    sign_in(user, mfa=True)
    client.get("/dasbor/")  # first visit writes session bookkeeping

    # session, user, OTP device, roles, the official's home LPSE (header and zone), the
    # chooser, and the menu's permission checks (organisations, roles, and one shared read of
    # the roles in force for every other entry); the inbox's unread count comes with the user
    with django_assert_max_num_queries(10):
        response = client.get("/dasbor/")
    assert response.status_code == 200


def test_login_url_exists_for_the_header_link():
    try:
        reverse("accounts:login")
    except NoReverseMatch:  # pragma: no cover
        pytest.fail("accounts:login is needed by the header and LOGIN_URL")


# --- error pages -------------------------------------------------------------------------------


def test_not_found_page_in_indonesian_repeats_the_message_in_english(client):
    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert '<p class="error-code">404</p>' in html
    assert '<p class="other-language" lang="en">The page was not found.</p>' in html
    assert '<a class="btn btn-primary" href="/">' in html


def test_not_found_page_in_english_repeats_the_message_in_indonesian(english):
    response = english.get("/tidak-ada/")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Page not found</h1>" in html
    assert '<p class="other-language" lang="id">' in html


def test_error_pages_are_minimal_no_chooser_and_no_menu(client, lpse_karangasem):
    html = client.get("/tidak-ada/").content.decode()

    assert "lpse-chooser" not in html
    assert 'class="site-nav"' not in html
    assert 'class="lang-switch"' in html


def test_bad_request_page(english):
    response = english.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_csrf_failure_page_explains_what_to_do(english):
    strict = Client(enforce_csrf_checks=True, HTTP_COOKIE="openlpse_language=en")

    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>The form has expired</h1>" in html
    assert "Reload the page, make sure cookies are allowed for this site" in html


def test_server_error_page_needs_no_database_and_no_request_context(rf, django_assert_num_queries):
    from openlpse.core.views import server_error

    request = rf.get("/")
    with translation.override("id"), django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert '<p class="error-code">500</p>' in html
    assert (
        '<p class="other-language" lang="en">A server error occurred: try again in a few minutes.</p>'
        in html
    )
    assert '<link rel="stylesheet" href="/static/openlpse/css/openlpse.css">' in html


def test_forbidden_page(rf):
    from django.contrib.auth.models import AnonymousUser

    from openlpse.core.views import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    with translation.override("id"):
        response = permission_denied(request)

    assert response.status_code == 403
    assert (
        '<p class="other-language" lang="en">You do not have permission to open this page.</p>'
        in response.content.decode()
    )


def test_back_office_pages_use_the_officials_own_lpse_zone(
    client, sign_in, lpse_karangasem, lpse_lampung_timur
):
    from openlpse.accounts.enums import Role
    from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    official = UserFactory()
    RoleAssignmentFactory(user=official, role=Role.PPK, lpse=lpse_karangasem)
    sign_in(official, mfa=True)
    with clock.frozen(NOW):
        one_lpse = client.get("/dasbor/").content.decode()
    RoleAssignmentFactory(user=official, role=Role.AUDITOR, lpse=lpse_lampung_timur)
    with clock.frozen(NOW):
        two_lpses = client.get("/dasbor/").content.decode()

    # One LPSE: its zone (and name in the header); roles at two LPSEs: no single context.
    assert "14:05 WITA</time>" in one_lpse
    assert "13:05 WIB</time>" in two_lpses
