"""End-to-end tests: Debian's Chromium, driven by Playwright, against a live server.

Where the browser or axe-core is missing the tests skip and say why, unless
SOLIDAY_E2E=required (CI sets it): then they fail, so that CI never passes by skipping.
The browser is Debian's (`apt-get install chromium`, path in SOLIDAY_CHROMIUM), never
one that Playwright downloads; axe-core comes from `npm ci` in this folder.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM_ARGS, PHONE, Watch

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("SOLIDAY_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = HERE.parents[1] / "var" / "screenshots"


def unavailable(what):
    """Skip on a machine without the browser tools; fail where they are required (CI)."""
    if os.environ.get("SOLIDAY_E2E") == "required":
        pytest.fail(f"SOLIDAY_E2E=required, but {what}", pytrace=False)
    pytest.skip(f"{what} (set SOLIDAY_E2E=required to make this a failure)")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the end-to-end tests."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (make install)")
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # database calls from a thread with a running loop. The tests' own set-up and checks
    # are plain synchronous code, so they are allowed here, for these tests only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def axe_script():
    if not AXE_SCRIPT.exists():
        unavailable(f"no axe-core at {AXE_SCRIPT} (npm ci --prefix tests/e2e)")
    return AXE_SCRIPT


@pytest.fixture
def site(live_server, settings):
    """The live server, configured as a deployment at its address would be."""
    settings.SITE_URL = live_server.url  # absolute links (the receipt) lead back to it
    settings.SESSION_COOKIE_SECURE = False  # plain http on the loopback
    settings.CSRF_COOKIE_SECURE = False
    return live_server


@pytest.fixture
def open_context(browser, site):
    """`open_context(viewport=PHONE, bypass_csp=False)`: a fresh browser profile on the
    site and the Watch that records its problems. Closed after the test."""
    contexts = []

    def open_(viewport=PHONE, *, bypass_csp=False, **options):
        context = browser.new_context(
            base_url=site.url, viewport=viewport, bypass_csp=bypass_csp, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context, Watch(context, site.url)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class AxeReport:
    """Every axe-core run and violation of the session, printed at its end."""

    runs = 0
    violations = []


@pytest.fixture
def axe_report():
    """Where the tests count their axe-core runs and put every violation found (the
    serious and critical ones also fail their test)."""
    return AxeReport


def pytest_terminal_summary(terminalreporter):
    if AxeReport.runs:
        terminalreporter.section("axe-core")
        count = len(AxeReport.violations)
        terminalreporter.write_line(f"{AxeReport.runs} pages checked, {count} violations")
        for text in AxeReport.violations:
            terminalreporter.write_line(text)
