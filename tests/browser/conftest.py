"""Browser tests: Playwright (sync API) driving Debian's Chromium at /usr/bin/chromium, headless.

Without Chromium the tests skip with the reason; with TREEM_REQUIRE_BROWSER=1 they fail instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses sync ORM calls from a thread
# with a running loop unless told it is safe (the tests and the live server use separate connections).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_unavailable(reason: str) -> None:
    if os.environ.get("TREEM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (TREEM_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser(site_data):
    """A headless Chromium, started after the database and the live server are ready.

    While Playwright's sync API runs, the thread has a running event loop, and Django's per-thread
    connection storage switches to per-context storage: code then gets a different connection object
    (same in-memory database, but without the test runner's state, e.g. the serialized contents used by
    serialized rollback). Starting Playwright only after the database fixtures, and stopping it before
    their teardown, keeps the test runner's own connection for setup and flush.
    """
    if not CHROMIUM.exists():
        browser_unavailable("Chromium not installed at /usr/bin/chromium: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def site_data(django_db_serialized_rollback, live_server):
    """The province, its agencies and the plan, in the live server's database.

    `live_server` gives TransactionTestCase semantics: the database is flushed after each such test, so
    the session data loaded by the root conftest is visible to the first browser test only, and the flush
    also removes rows that data migrations created (the standard disaggregation categories, which the
    plan loader needs). `django_db_serialized_rollback` restores the migrated rows before each test; the
    loaders, idempotent, then bring back units, agencies and plan (a no-op when they are still there).
    """
    from django.core.management import call_command

    from conftest import PLAN_FILE

    call_command("load_units", verbosity=0)
    call_command("load_agencies", verbosity=0)
    call_command("load_plan", str(PLAN_FILE), verbosity=0)
    return live_server


COORDINATOR_PASSWORD = "Bao-ve-tre-em-Hue-2023"


@pytest.fixture
def coordinator(site_data):
    """A province coordinator of the plan's owner office, with a password the login form accepts."""
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit, Agency

    return User.objects.create_user(
        username="dieuphoi-trinh-duyet",
        password=COORDINATOR_PASSWORD,
        role=Role.PROVINCE_COORDINATOR,
        unit=AdministrativeUnit.objects.get(code="46"),
        agency=Agency.objects.get(code="SLDTBXH"),
    )


def sign_in(page, base_url: str, next_path: str, username: str, password: str = COORDINATOR_PASSWORD) -> None:
    """Open a page while signed out, get sent to the login form, sign in, land back on the page."""
    page.goto(f"{base_url}{next_path}")
    assert "/dang-nhap/" in page.url  # anonymous: sent to the login form first
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))
