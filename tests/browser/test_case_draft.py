"""The intake form's offline draft (cases/draft.js) in a real browser at phone width (390 × 844): typed
fields survive a reload, a submit without network keeps the draft and says so, a successful save drops it,
"discard" drops it, signing out drops every treem draft; intake and lists never scroll sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
TOTP_KEY = "3132333435363738393031323334353637383930"  # the RFC 6238 test key: tests only
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('treem:draft:'))"


@pytest.fixture
def officer(site_data: Any) -> Any:
    from treem.accounts.models import Role, User
    from treem.accounts.otp import ensure_totp_device
    from treem.units.models import AdministrativeUnit

    user = User.objects.create_user(
        username="canbo-nhap-nhap",
        password=COORDINATOR_PASSWORD,
        role=Role.COMMUNE_OFFICER,
        unit=AdministrativeUnit.objects.get(code="19903"),
    )
    ensure_totp_device(user, TOTP_KEY)
    return user


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    page.errors = errors
    yield page
    context.close()


def _is_error(message: Any) -> bool:
    """A script error or a blocked resource (a missing icon is none)."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def sign_in(page: Any, base: str, officer: Any) -> None:
    from treem.accounts.testing_otp import code_for_key

    page.goto(f"{base}/ho-so/tiep-nhan/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/"))
    page.fill("#id_code", code_for_key(TOTP_KEY))
    page.click("#otp-verify button[type=submit]")
    page.wait_for_url(re.compile(r"/ho-so/tiep-nhan/$"))


def fits(page: Any) -> bool:
    return int(page.evaluate("document.documentElement.scrollWidth")) <= WIDTH


# Database fixtures come before `phone` in the arguments, so they are set up before Playwright starts.
def test_the_intake_draft_survives_reloads_and_a_lost_network_until_saved(
    site_data: Any,
    officer: Any,
    phone: Any,
) -> None:
    from treem.cases.models import Case

    page, base = phone, site_data.url
    sign_in(page, base, officer)
    assert fits(page)
    page.screenshot(path="/tmp/treem-intake.png", full_page=True)

    # typed, then the page is reloaded: the draft comes back, with a notice
    page.fill("[name=child_name]", "Bùi Văn Nháp (DEMO)")
    page.fill("[name=reporter_name]", "Người báo (DEMO)")
    page.check("input[name=harms][value=neglect]")
    page.reload()
    assert page.input_value("[name=child_name]") == "Bùi Văn Nháp (DEMO)"
    assert page.input_value("[name=reporter_name]") == "Người báo (DEMO)"
    assert page.is_checked("input[name=harms][value=neglect]")
    assert "Đã khôi phục bản nháp" in page.locator("[data-draft-notice]").inner_text()
    assert page.evaluate(DRAFTS) == [f"treem:draft:{officer.pk}:intake"]

    # no network: the form is not sent, the draft is kept and the officer told so
    page.select_option("select[name=source]", "neighbour")
    page.fill("[name=description]", "Trẻ ở nhà một mình (DEMO)")
    page.context.set_offline(True)
    page.click("form[data-draft] button.big")
    assert "Không có kết nối mạng" in page.locator("[data-draft-notice]").inner_text()
    assert page.url.endswith("/ho-so/tiep-nhan/") and not Case.objects.exists()
    page.context.set_offline(False)

    # back online: saved, the case page opens, and the next case page drops the draft
    page.click("form[data-draft] button.big")
    page.wait_for_url(re.compile(r"/ho-so/19903-\d{4}-0001/$"))
    assert Case.objects.get().child.name == "Bùi Văn Nháp (DEMO)"
    page.goto(f"{base}/ho-so/")
    assert page.evaluate(DRAFTS) == []
    assert fits(page)
    page.screenshot(path="/tmp/treem-case-list.png", full_page=True)
    page.goto(f"{base}/ho-so/viec-can-lam/")
    assert fits(page)
    assert "quá hạn" in page.inner_text("main") or "còn" in page.inner_text("main")
    page.goto(f"{base}/ho-so/tiep-nhan/")
    assert page.input_value("[name=child_name]") == ""
    assert page.locator("[data-draft-notice]").is_hidden()
    assert page.errors == []


def test_discarding_and_signing_out_drop_the_draft(site_data: Any, officer: Any, phone: Any) -> None:
    page, base = phone, site_data.url
    sign_in(page, base, officer)
    page.fill("[name=child_name]", "Bùi Văn Bỏ (DEMO)")
    page.reload()
    page.click("[data-draft-discard]")
    assert page.evaluate(DRAFTS) == [] and page.input_value("[name=child_name]") == ""

    page.fill("[name=reporter_name]", "Người báo (DEMO)")
    assert page.evaluate(DRAFTS) != []
    page.click("label.nav-toggle")  # the menu folds at phone width; the sign-out form sits beside it
    page.locator("form[action='/dang-xuat/'] button").click()
    page.wait_for_load_state()
    assert page.evaluate(DRAFTS) == []
    assert page.errors == []
