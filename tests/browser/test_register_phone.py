"""A district officer keeps the register from a phone (390 px): signs in with the second factor, enters a
child (a wrong date first), puts it in two groups, records a support, sees the monthly assistance it is
owed, ends a group after confirming, and opens the list of children not yet receiving assistance. Every
page fits the width and breaks no content-security rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
TOTP_KEY = "3132333435363738393031323334353637383930"  # the RFC 6238 test key: tests only
CHILD = "Lê Thị Thử Nghiệm (DEMO)"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def officer(site_data: Any) -> Any:
    from treem.accounts.models import Role, User
    from treem.accounts.otp import ensure_totp_device
    from treem.units.models import AdministrativeUnit, Agency

    user = User.objects.create_user(
        username="canbo-huyen-phu-vang", password=COORDINATOR_PASSWORD, role=Role.DISTRICT_OFFICER,
        unit=AdministrativeUnit.objects.get(code="478"), agency=Agency.objects.get(code="UBND-478"),
    )  # fmt: skip
    ensure_totp_device(user, TOTP_KEY)
    return user


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_district_officer_keeps_the_register_from_a_phone(site_data: Any, officer: Any, phone: Any) -> None:
    from treem.accounts.testing_otp import code_for_key
    from treem.register.models import Circumstance, Support

    base, problems, widths = site_data.url, [], {}

    def console(message: Any) -> None:
        where = message.location.get("url", "")
        # No icon is not a problem, nor the 400 of the form sent with a wrong date on purpose.
        if message.type == "error" and not where.endswith(("/favicon.ico", "/so-theo-doi/tre-em/moi/")):
            problems.append(message.text)

    phone.on("console", console)
    phone.on("pageerror", lambda e: problems.append(str(e)))

    def check(name: str) -> None:
        phone.wait_for_load_state()
        phone.screenshot(path=f"/tmp/treem-register-{name}.png", full_page=True)
        widths[name] = int(phone.evaluate("document.documentElement.scrollWidth"))

    phone.goto(f"{base}/dang-nhap/?next=/so-theo-doi/")
    phone.fill("#id_username", officer.username)
    phone.fill("#id_password", COORDINATOR_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/"))
    phone.fill("#id_code", code_for_key(TOTP_KEY))
    phone.click("#otp-verify button[type=submit]")
    phone.wait_for_url(re.compile(r"/so-theo-doi/$"))
    check("list-empty")

    phone.click("[data-add-child]")
    phone.fill("[name=name]", CHILD)
    phone.select_option("select[name=commune]", "19903")
    phone.select_option("select[name=sex]", index=2)
    phone.fill("[name=date_of_birth]", "31/02/2023")  # no such day
    phone.select_option("select[name=ethnicity]", "31")  # Tà Ôi
    phone.click("form.case-form button[type=submit]")
    check("create-wrong-date")
    assert "ngày" in phone.locator(".errorlist").first.inner_text().lower()
    phone.fill("[name=date_of_birth]", "15/03/2023")
    phone.click("form.case-form button[type=submit]")
    phone.wait_for_selector("[data-child-name]")
    check("child")
    assert CHILD in phone.locator("[data-child-name]").inner_text()

    for group in ("orphan_both", "parents_away"):
        phone.click("[data-circumstances] a.button:not(.secondary-link)")
        phone.select_option("select[name=group]", group)
        phone.fill("[name=started_on]", "01/06/2024")
        phone.click("form.case-form button[type=submit]")
        phone.wait_for_selector("[data-child-name]")
    check("child-two-groups")
    # Orphaned of both parents and under 4: 2,5 × 500.000 đ.
    assert "1.250.000" in phone.locator("[data-assistance]").inner_text()

    phone.click("[data-supports] a.button:not(.secondary-link)")
    phone.select_option("select[name=kind]", "care")
    phone.fill("[name=started_on]", "01/07/2024")
    phone.fill("[name=provider]", "UBND xã Phú Thuận")
    phone.click("form.case-form button[type=submit]")
    phone.wait_for_selector("[data-child-name]")
    check("child-support")

    phone.goto(f"{base}/so-theo-doi/chua-duoc-huong/?dv=19903")
    check("eligible")
    assert CHILD in phone.locator("main").inner_text()  # owed the assistance, not receiving it
    phone.goto(f"{base}/so-theo-doi/chua-duoc-huong/?dv=478")
    check("eligible-district")
    phone.goto(f"{base}/so-theo-doi/tai-len/")
    check("upload")
    phone.goto(f"{base}/so-theo-doi/")
    check("list")
    assert CHILD in phone.locator("main").inner_text()
    phone.click(f"text={CHILD}")

    phone.wait_for_selector("[data-child-name]")
    at_risk = Circumstance.objects.get(group="parents_away")
    phone.click(f"[data-circumstance='{at_risk.pk}'] a.secondary-link")
    phone.fill("[name=ended_on]", "01/09/2024")
    phone.click("form.case-form button[type=submit]")
    check("end-confirm")
    assert Circumstance.objects.get(pk=at_risk.pk).ended_on is None  # nothing saved before confirming
    phone.click("form.case-form button[type=submit]")
    phone.wait_for_selector("[data-child-name]")
    check("child-ended")

    assert str(Circumstance.objects.get(pk=at_risk.pk).ended_on) == "2024-09-01"
    assert Support.objects.filter(kind="care", provider="UBND xã Phú Thuận").count() == 1
    assert problems == []
    assert widths == dict.fromkeys(widths, WIDTH)
