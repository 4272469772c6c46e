"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against live_server.

Install the browser with ``scripts/install-browser.sh``; without it these tests are skipped.
Playwright never downloads a browser here: the executable path is always given.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

# Collects CSP violations in the page (Playwright injects this outside the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse the tests' own (synchronous, safe) ORM calls; the guard is relaxed while the
    # browser runs and restored afterwards.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageProblems:
    """Console errors, uncaught exceptions, CSP violations and failed requests of one page."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.failed: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url} {req.failure}"))
        page.on(
            "response",
            lambda res: (
                self.failed.append(f"{res.url} {res.status}")
                if res.status >= 400 and res.request.resource_type != "document"
                else None
            ),
        )

    def _on_console(self, msg) -> None:
        if msg.type not in ("error", "warning"):
            return
        # An error page's own status (404, 500) is reported by Chromium as a failed load:
        # expected, and not a problem of the page.
        if (
            msg.text.startswith("Failed to load resource")
            and msg.location.get("url") == self.page.url
        ):
            return
        self.console.append(msg.text)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self):
        assert self.console == []
        assert self.failed == []
        assert self.csp_violations() == []


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 800},
        locale="id-ID",
        reduced_motion="reduce",
    )
    context.add_init_script(CSP_LISTENER)
    opened = context.new_page()
    opened.problems = PageProblems(opened)
    yield opened
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "home") saves var/screenshots/home.png (the folder is not in git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def browser_sign_in(sign_in, live_server):
    """browser_sign_in(page, user, mfa=False): the page's browser shares a signed-in session."""

    def _sign_in(page, user, *, mfa: bool = False) -> None:
        client = sign_in(user, mfa=mfa)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )

    return _sign_in
