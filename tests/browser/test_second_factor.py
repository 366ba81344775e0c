"""A commune officer on a phone (390 px): sign in, set up the authenticator from the page's key, come back
to the page asked for; in a new session enter the code. No sideways scrolling, no policy violation.
Screenshots: /tmp/treem-phone-otp-*.png."""

from __future__ import annotations

import re
from base64 import b32decode
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD
from tests.browser.test_content_security_policy import REPORT_VIOLATIONS

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
TARGET = "/tai-khoan/token/"  # a page behind the second factor for case roles that exists in every build


@pytest.fixture
def officer(site_data: Any) -> Any:
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit

    return User.objects.create_user(
        username="canbo-xa-trinh-duyet",
        password=COORDINATOR_PASSWORD,
        role=Role.COMMUNE_OFFICER,
        unit=AdministrativeUnit.objects.get(code="19903"),
    )


def new_phone(browser: Any, problems: list[str]) -> Any:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")  # no icon: a 404
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}{TARGET}")
    page.fill("#id_username", username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")


def scroll_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


# Database fixtures come before `browser` in the arguments, so they are set up before Playwright starts.
def test_a_commune_officer_sets_up_the_factor_then_enters_codes_on_a_phone(
    site_data: Any, officer: Any, browser: Any
) -> None:
    from treem.accounts.testing_otp import code_for_key

    problems: list[str] = []
    base = site_data.url
    phone = new_phone(browser, problems)

    sign_in(phone, base, officer.username)
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/thiet-lap/\?next="))
    phone.screenshot(path="/tmp/treem-phone-otp-setup.png", full_page=True)
    assert scroll_width(phone) == WIDTH
    qr = phone.locator(".otp-qr svg").bounding_box()
    assert qr is not None and 120 <= qr["width"] <= WIDTH, qr
    secret = phone.locator("#otp-secret").inner_text().replace(" ", "")
    key_hex = b32decode(secret + "=" * (-len(secret) % 8)).hex()

    phone.fill("#id_code", "000000" if code_for_key(key_hex) != "000000" else "111111")
    phone.click("#otp-setup button[type=submit]")
    phone.wait_for_selector("#otp-error")
    assert "Mã không đúng" in phone.locator("#otp-error").inner_text()
    assert scroll_width(phone) == WIDTH
    phone.wait_for_timeout(1100)  # a wrong code makes the next try wait a second

    phone.fill("#id_code", code_for_key(key_hex))
    phone.click("#otp-setup button[type=submit]")
    phone.wait_for_url(re.compile(re.escape(TARGET) + "$"))
    assert phone.locator("h1").inner_text() == "Token API"
    phone.context.close()

    # A new session (another day): the password, then the code (the next 30 s step's: a code counts once)
    phone = new_phone(browser, problems)
    sign_in(phone, base, officer.username)
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/\?next="))
    phone.screenshot(path="/tmp/treem-phone-otp-verify.png", full_page=True)
    assert scroll_width(phone) == WIDTH
    phone.fill("#id_code", code_for_key(key_hex, steps_ahead=1))
    phone.click("#otp-verify button[type=submit]")
    phone.wait_for_url(re.compile(re.escape(TARGET) + "$"))
    phone.context.close()

    assert problems == []
