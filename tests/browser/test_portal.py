"""The portal in a real browser: no console errors or CSP violations, keyboard use, language
switch, and screenshots for people to look at (var/screenshots/)."""

from __future__ import annotations

import pytest

from openlpse.organizations.tests.factories import LpseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lpses(transactional_db):
    karangasem = LpseFactory(
        slug="karangasem",
        name="LPSE Kabupaten Karangasem",
        region="Kabupaten Karangasem",
        province="Bali",
        time_zone="Asia/Makassar",
        address="Jl. Ngurah Rai No. 1, Amlapura, Bali 80811",
        phone="(0363) 21001",
        email="lpse@karangasemkab.go.id",
        website="https://lpse.karangasemkab.go.id",
        helpdesk_hours="Senin-Jumat 08.00-15.00 WITA",
    )
    lampung = LpseFactory(
        slug="lampungtimurkab",
        name="LPSE Kabupaten Lampung Timur",
        region="Kabupaten Lampung Timur",
        province="Lampung",
        time_zone="Asia/Jakarta",
        address="Jl. Buay Beliuk No. 1, Sukadana, Lampung Timur 34194",
        phone="(0725) 625001",
        email="lpse@lampungtimurkab.go.id",
    )
    return karangasem, lampung


def test_home_page_renders_without_console_errors_or_csp_violations(page, lpses, screenshot):
    response = page.goto("/")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator(".lpse-card").count() == 2
    # The stylesheet and the script were loaded (same origin, allowed by the CSP).
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(11, 46, 79)"
    )
    page.problems.assert_clean()
    screenshot(page, "home")


def test_lpse_page_renders_cleanly(page, lpses, screenshot):
    response = page.goto("/lpse/karangasem/")

    assert response.status == 200
    assert page.locator(".brand-name").inner_text() == "LPSE Kabupaten Karangasem"
    assert page.locator(".server-time time").inner_text().endswith(" WITA")
    page.problems.assert_clean()
    screenshot(page, "lpse")


def test_not_found_page_renders_cleanly(page, lpses, screenshot):
    response = page.goto("/tidak-ada/")

    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    page.problems.assert_clean()
    screenshot(page, "404")


def test_home_on_a_small_phone_does_not_scroll_sideways(page, lpses, screenshot):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/lpse/karangasem/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.problems.assert_clean()
    screenshot(page, "lpse-360px")


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, lpses, screenshot):
    page.goto("/")

    page.keyboard.press("Tab")
    screenshot(page, "focus-skip-link", full_page=False)
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # shown when focused

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the page content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)") is True
    screenshot(page, "focus-first-link-in-main", full_page=False)


def test_language_switch_to_english_and_back(page, lpses):
    page.goto("/lpse/karangasem/")
    assert page.locator("html").get_attribute("lang") == "id"

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url.endswith("/lpse/karangasem/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="English").get_attribute("aria-current") == "true"
    assert page.locator("#lpse-profile").inner_text() == "Profile"

    with page.expect_navigation():
        page.get_by_role("button", name="Indonesia").click()
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("button", name="Indonesia").get_attribute("aria-current") == "true"
    page.problems.assert_clean()


def test_lpse_chooser_works_without_javascript(browser, live_server, lpses):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.select_option("#lpse-chooser-select", "lampungtimurkab")
        with page.expect_navigation():
            page.locator(".lpse-chooser button").click()
        assert page.url.endswith("/lpse/lampungtimurkab/")
        assert page.locator(".brand-name").inner_text() == "LPSE Kabupaten Lampung Timur"
    finally:
        context.close()


def test_sortable_table_sorts_and_sets_aria_sort(page, lpses):
    page.goto("/")
    page.set_content(
        """<html lang="id"><body><table class="table"><thead><tr>
        <th data-sort="text">Nama</th><th data-sort="number">Nilai</th></tr></thead><tbody>
        <tr><td>Beta</td><td>Rp 1.000.000,00</td></tr>
        <tr><td>alpha</td><td>Rp 20.000,00</td></tr>
        <tr><td>Gamma</td><td>Rp 300,50</td></tr></tbody></table></body></html>"""
    )
    page.add_script_tag(url="/static/openlpse/js/openlpse.js")
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")

    names = (
        "Array.from(document.querySelectorAll('tbody tr td:first-child')).map(td => td.textContent)"
    )
    page.get_by_role("button", name="Nilai").click()
    assert page.evaluate(names) == ["Gamma", "alpha", "Beta"]
    assert page.locator("th").nth(1).get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Nilai").click()
    assert page.evaluate(names) == ["Beta", "alpha", "Gamma"]
    assert page.locator("th").nth(1).get_attribute("aria-sort") == "descending"
    page.get_by_role("button", name="Nama").click()
    assert page.evaluate(names) == ["alpha", "Beta", "Gamma"]
    assert page.locator("th").nth(1).get_attribute("aria-sort") is None


def test_dashboard_back_office_layout(page, lpses, browser_sign_in, screenshot):
    from openlpse.accounts.enums import Role, ScopeKind
    from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from openlpse.organizations.tests.factories import AgencyFactory

    karangasem, _lampung = lpses
    user = UserFactory(full_name="Ni Luh Putu Sari")
    agency = AgencyFactory(lpse=karangasem, name="Dinas Pekerjaan Umum dan Penataan Ruang")
    RoleAssignmentFactory(user=user, role=Role.LPSE_ADMIN, lpse=karangasem)
    RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, scope_kind=ScopeKind.AGENCY, lpse=karangasem, agency=agency
    )
    browser_sign_in(page, user, mfa=True)

    response = page.goto("/dasbor/")

    assert response.status == 200
    assert page.locator(".side-nav a[aria-current='page']").get_attribute("href") == "/dasbor/"
    assert page.locator("table.table tbody tr").count() == 2
    page.problems.assert_clean()
    screenshot(page, "dashboard")


FORM_PAGE = """<html lang="id"><body>
<form id="f" method="post" action="/echo"{confirm}><input name="note" value="x">
<button name="go" value="1">Kirim</button></form></body></html>"""
RECORD_SUBMITS = """
window.__submits = [];
document.addEventListener('submit', function (e) { window.__submits.push(e.defaultPrevented); });
"""
# Polls inside the page until the script has disabled the button (it does so on a timer).
WAIT_DISABLED = """() => new Promise(resolve => {
  const check = () => document.querySelector('#f button').disabled ? resolve(true) : setTimeout(check, 20);
  check();
})"""


def _form_page(page, *, confirm=""):
    """A POST form on our origin with openlpse.js; the server answers 204 No Content, so the
    browser stays on the page as it does while a slow answer is on its way."""
    posted = []

    def answer(route):
        posted.append(route.request.post_data)
        route.fulfill(status=204)

    page.route("**/echo", answer)
    page.goto("/")
    page.set_content(FORM_PAGE.format(confirm=confirm))
    page.add_script_tag(url="/static/openlpse/js/openlpse.js")
    page.evaluate(RECORD_SUBMITS)  # registered after ours: sees what our handler decided
    return posted


def test_post_form_is_sent_once_with_the_clicked_button_and_comes_back_on_pageshow(page, lpses):
    posted = _form_page(page)

    page.get_by_role("button", name="Kirim").click()
    assert page.evaluate(WAIT_DISABLED) is True
    # A second submit (Enter in a field, a script): our handler stops it.
    page.evaluate(
        "document.getElementById('f').dispatchEvent("
        "new SubmitEvent('submit', {bubbles: true, cancelable: true}))"
    )

    assert page.evaluate("window.__submits") == [False, True]
    assert page.get_attribute("#f", "aria-busy") == "true"
    assert posted == ["note=x&go=1"]  # the clicked button's name and value were sent

    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert page.evaluate("document.querySelector('#f button').disabled") is False
    assert page.get_attribute("#f", "data-submitting") is None


def test_data_confirm_asks_before_sending(page, lpses):
    posted = _form_page(page, confirm=' data-confirm="Hapus data ini?"')
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Kirim").click()

    assert questions == ["Hapus data ini?"]
    assert page.evaluate("window.__submits") == [True]
    assert posted == []
    assert page.evaluate("document.querySelector('#f button').disabled") is False

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Kirim").click()
    assert page.evaluate(WAIT_DISABLED) is True
    assert posted == ["note=x&go=1"]
