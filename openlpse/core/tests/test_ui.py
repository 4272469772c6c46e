"""The layout every page shares: skip link, header, language switch, chooser, footer time."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 6, 5, tzinfo=dt.UTC)  # 13:05 WIB, 14:05 WITA
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- language -----------------------------------------------------------------------------------


def test_indonesian_is_the_default_language(client):
    response = client.get("/")

    assert response.content.decode().startswith('<!doctype html>\n<html lang="id">')
    assert response["Content-Language"] == "id"


def test_browser_preference_for_english_does_not_override_indonesian(client):
    # Most Indonesian browsers say en-US; pages follow only an explicit choice (cookie/profile).
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="id">' in response.content.decode()


def test_language_switch_is_a_labelled_post_form_with_csrf_and_next(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/?tab=kontak").content.decode()

    form = re.search(r'<form class="lang-switch".*?</form>', html, re.S).group(0)
    assert 'action="/i18n/setlang/" method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/lpse/karangasem/?tab=kontak">' in form
    assert '<span class="lang-label" id="lang-label" lang="id">Bahasa:</span>' in form
    assert re.search(
        r'value="id" lang="id" class="lang-option" aria-current="true">Indonesia</button>', form
    )
    assert re.search(r'value="en" lang="en" class="lang-option">English</button>', form)


def test_switching_to_english_and_back(lpse_karangasem):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/lpse/karangasem/").content.decode()
    token = CSRF.search(page).group(1)

    response = browser.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/lpse/karangasem/", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response["Location"] == "/lpse/karangasem/"
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = browser.get("/lpse/karangasem/").content.decode()
    assert '<html lang="en">' in english
    assert 'class="lang-option" aria-current="true">English</button>' in english
    assert '<h2 id="lpse-profile" class="card-title">Profile</h2>' in english

    token = CSRF.search(english).group(1)
    browser.post("/i18n/setlang/", {"language": "id", "next": "/", "csrfmiddlewaretoken": token})
    assert '<html lang="id">' in browser.get("/").content.decode()


def test_language_switch_never_redirects_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


# --- layout ---------------------------------------------------------------------------------------


def test_skip_link_is_the_first_focusable_element_and_targets_main(client):
    html = client.get("/").content.decode()
    body = html[html.index("<body") :]

    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert first == '<a class="skip-link" href="#main">'
    assert '<main id="main" class="container main" tabindex="-1">' in body


def test_header_of_the_deployment_says_openlpse(client):
    html = client.get("/").content.decode()

    assert '<span class="brand-name">OpenLPSE</span>' in html
    assert "<title>" in html and "· OpenLPSE</title>" in html


def test_page_title_names_the_lpse(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/").content.decode()

    assert "<title>LPSE Kabupaten Karangasem · LPSE Kabupaten Karangasem</title>" in html


def test_anonymous_visitors_see_a_sign_in_link_that_returns_them(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/").content.decode()

    login = reverse("accounts:login")
    assert f'<a href="{login}?next=/lpse/karangasem/" class="nav-login">' in html


def test_signed_in_users_see_their_name_and_a_sign_out_form(client, sign_in):
    sign_in(UserFactory(full_name="I Made Wirawan"))

    html = client.get("/").content.decode()

    assert "I Made Wirawan</a>" in html
    assert "nav-login" not in html
    form = re.search(
        r'<form action="([^"]+)" method="post" class="inline-form">(.*?)</form>', html, re.S
    )
    assert form.group(1) == reverse("accounts:logout")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)


def test_footer_shows_karangasem_time_in_wita(client, lpse_karangasem):
    with clock.frozen(NOW):
        html = client.get("/lpse/karangasem/").content.decode()

    assert '<time datetime="2026-11-21T14:05+08:00">14:05 WITA</time>' in html


def test_footer_shows_lampung_timur_time_in_wib(client, lpse_lampung_timur):
    with clock.frozen(NOW):
        html = client.get("/lpse/lampungtimurkab/").content.decode()

    assert '<time datetime="2026-11-21T13:05+07:00">13:05 WIB</time>' in html
    assert "WITA" not in html


def test_footer_without_an_lpse_shows_wib(client):
    with clock.frozen(NOW):
        html = client.get("/").content.decode()

    assert '<time datetime="2026-11-21T13:05+07:00">13:05 WIB</time>' in html


def test_footer_shows_the_lpse_contacts_and_helpdesk(client, lpse_karangasem):
    html = client.get("/lpse/karangasem/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert '<p class="footer-strong">LPSE Kabupaten Karangasem</p>' in footer
    assert "<address>Jl. Ngurah Rai No. 1, Amlapura</address>" in footer
    assert '<a href="mailto:lpse@karangasemkab.go.id">' in footer
    assert "<p>Senin-Jumat 08:00-15:00 WITA</p>" in footer


def test_footer_server_time_label_is_translatable(client, lpse_karangasem):
    with clock.frozen(NOW):
        html = client.get("/lpse/karangasem/", HTTP_COOKIE="openlpse_language=en").content.decode()

    assert 'Server time: <time datetime="2026-11-21T14:05+08:00">14:05 WITA</time>' in html


def test_messages_are_shown_with_the_alert_classes(client):
    response = client.get("/pilih-lpse/", {"lpse": "tidak-ada"}, follow=True)

    assert '<div class="alert alert-error" role="alert">' in response.content.decode()


# --- back office ----------------------------------------------------------------------------------


def test_back_office_pages_have_the_menu_with_the_current_page_marked(client, sign_in):
    sign_in(UserFactory())

    html = client.get("/dasbor/").content.decode()

    nav = re.search(r'<nav class="side-nav".*?</nav>', html, re.S).group(0)
    assert '<li><a href="/dasbor/" aria-current="page">' in nav
    assert '<main id="main" class="main backoffice-main" tabindex="-1">' in html


def test_access_log_entry_is_shown_only_to_those_who_may_read_it(client, sign_in, lpse_karangasem):
    url = reverse("accounts:access_log")
    vendor = UserFactory()
    sign_in(vendor)
    assert f'href="{url}"' not in client.get("/dasbor/").content.decode()

    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.LPSE_ADMIN, lpse=lpse_karangasem)
    sign_in(admin, mfa=True)
    assert f'href="{url}"' in client.get("/dasbor/").content.decode()


# --- CSP: nothing inline --------------------------------------------------------------------------

INLINE = [
    # An import map is data, not code; it is allowed only with the CSP nonce (ADR 0011).
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"importmap\"[^>]*\bnonce=)[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]
# Every template of the project, not only the shell's: one inline handler breaks the CSP.
ALL_TEMPLATES = sorted((Path(settings.BASE_DIR) / "openlpse").glob("**/templates/**/*.html"))


@pytest.mark.parametrize(
    "template", ALL_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_templates_contain_nothing_the_csp_forbids(template):
    text = template.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{template} has an {what}"


@pytest.mark.parametrize("url", ["/", "/lpse/karangasem/", "/dasbor/", "/tidak-ada/"])
def test_rendered_pages_contain_nothing_the_csp_forbids(client, sign_in, lpse_karangasem, url):
    sign_in(UserFactory())
    html = client.get(url).content.decode()

    for pattern, what in INLINE:
        assert not pattern.search(html), f"{url} has an {what}"
    assert '<script src="/static/openlpse/js/openlpse.js" defer></script>' in html


# --- form includes --------------------------------------------------------------------------------


def _render_form(data):
    from django import forms
    from django.template import Context

    class ContactForm(forms.Form):
        email = forms.EmailField(label="E-mail", help_text="We write to this address.")
        agree = forms.BooleanField(label="I agree")

    with translation.override("en"):
        form = ContactForm(data)
        form.is_valid()
        return _TEMPLATE.render(Context({"form": form}))


def _template():
    from django.template import Template

    return Template(
        '{% include "includes/form_errors.html" %}'
        '{% include "includes/field.html" with field=form.email %}'
        '{% include "includes/field.html" with field=form.agree %}'
    )


_TEMPLATE = _template()


def test_field_include_ties_label_help_and_error_to_the_input():
    html = _render_form({"email": "not-an-address"})

    assert '<div class="field has-error">' in html
    assert '<label for="id_email">E-mail:</label>' in html
    assert '<p class="help" id="id_email_helptext">We write to this address.</p>' in html
    assert (
        '<div class="field-error" id="id_email_error"><p>Enter a valid email address.</p></div>'
        in html
    )
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="not-an-address"' in html  # what was typed is kept
    assert '<div class="field has-error field-checkbox">' in html


def test_form_errors_include_is_an_alert_summary_linking_to_the_fields():
    html = _render_form({"email": "not-an-address"})

    assert '<div class="alert alert-error error-summary" role="alert" tabindex="-1">' in html
    assert '<li><a href="#id_email">E-mail: Enter a valid email address.</a></li>' in html
    assert '<li><a href="#id_agree">I agree: This field is required.</a></li>' in html


def test_form_errors_include_is_empty_for_a_valid_form():
    html = _render_form({"email": "a@example.go.id", "agree": "on"})

    assert "error-summary" not in html
    assert "has-error" not in html
