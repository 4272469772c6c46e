"""Every page carries the security headers (ASVS 3.4, 14.4); signed-in pages are never cached."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from config import urls as project_urls
from openlpse.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _deny(request):
    raise PermissionDenied


# The project's URLs plus two views that fail, for the 403 and 500 handlers.
urlpatterns = [*project_urls.urlpatterns, path("boom/500", _boom), path("boom/403", _deny)]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert (
        response["Permissions-Policy"]
        == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/lpse/karangasem/", 200),
        ("/pilih-lpse/?lpse=karangasem", 302),
        ("/tidak-ada/", 404),
    ],
)
def test_public_pages_carry_the_security_headers(client, lpse_karangasem, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert_security_headers(response)


def test_public_pages_may_be_cached_by_the_browser(client, lpse_karangasem):
    response = client.get("/lpse/karangasem/")

    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/", "/lpse/karangasem/", "/dasbor/", "/tidak-ada/"])
def test_signed_in_pages_are_never_stored(client, sign_in, lpse_karangasem, url):
    sign_in(UserFactory())

    response = client.get(url)

    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_bad_request_page_carries_the_security_headers(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert_security_headers(response)


def test_csrf_failure_page_carries_the_security_headers():
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"})

    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_forbidden_page_carries_the_security_headers(client):
    response = client.get("/boom/403")

    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_server_error_page_carries_the_security_headers(client):
    client.raise_request_exception = False

    response = client.get("/boom/500")

    assert response.status_code == 500
    assert '<p class="error-code">500</p>' in response.content.decode()
    assert_security_headers(response)


@pytest.mark.django_db
def test_pages_stay_indonesian_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert b'<html lang="id"' in response.content


@pytest.mark.django_db
def test_pages_follow_the_chosen_language_cookie(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="id")
    assert b'<html lang="en"' in response.content


@pytest.mark.django_db
def test_api_follows_accept_language(client):
    english = client.get("/api/v1/no-such-endpoint", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get("/api/v1/no-such-endpoint")
    assert english.json()["error"]["message"] == (
        "There is no API endpoint at this address. See /api/v1/openapi.json."
    )
    assert indonesian.json()["error"]["message"] == (
        "Tidak ada endpoint API pada alamat ini. Lihat /api/v1/openapi.json."
    )
