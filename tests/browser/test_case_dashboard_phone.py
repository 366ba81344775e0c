"""At phone width the case dashboard (a district officer with its overdue cases, a leader's drill-down)
and the case access log fit without sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
TOTP_KEY = "3132333435363738393031323334353637383930"  # the RFC 6238 test key: tests only


@pytest.fixture
def people(site_data: Any) -> dict:
    from treem.accounts.models import Role, User
    from treem.accounts.otp import ensure_totp_device
    from treem.cases.services import do_register_notification
    from treem.cases.tests.conftest import SECRET, local, notification
    from treem.units.models import AdministrativeUnit, Agency

    def make(name: str, role: str, unit: str, agency: str | None = None) -> Any:
        return User.objects.create_user(
            username=name, password=COORDINATOR_PASSWORD, role=role,
            unit=AdministrativeUnit.objects.get(code=unit),
            agency=Agency.objects.get(code=agency) if agency else None,
        )  # fmt: skip

    district = make("canbo-huyen-phu-vang", Role.DISTRICT_OFFICER, "478", "UBND-478")
    ensure_totp_device(district, TOTP_KEY)
    manager = make("quanly-truong-hop", Role.CASE_MANAGER, "46")
    for commune in ["19903"] * 3 + ["19912"] * 6:
        moment = local(2024, 4, 25, 9, 0)
        do_register_notification(manager, commune_code=commune, values=notification(moment),
                                 secret_values=SECRET, at=moment)  # fmt: skip
    return {
        "district": district,
        "leader": make("lanh-dao-tinh", Role.LEADER, "46"),
        "coordinator": make("dieu-phoi-tinh", Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"),
    }


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_case_dashboard_and_the_access_log_fit_a_phone(site_data: Any, people: dict, phone: Any) -> None:
    from treem.accounts.testing_otp import code_for_key

    base = site_data.url
    sign_in(phone, base, people["district"].username)
    phone.goto(f"{base}/ho-so/thong-ke/")
    assert phone.locator("[data-verify] a").count() == 1
    phone.click("[data-verify] a")
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/"))
    phone.fill("#id_code", code_for_key(TOTP_KEY))
    phone.click("#otp-verify button[type=submit]")
    phone.wait_for_url(re.compile(r"/ho-so/thong-ke/$"))
    assert phone.locator("[data-overdue] tbody tr").count() == 9
    phone.screenshot(path="/tmp/treem-phone-case-dashboard-district.png", full_page=True)
    for i in range(3):
        phone.screenshot(
            path=f"/tmp/treem-phone-case-district-{i}.png",
            full_page=True,
            clip={"x": 0, "y": i * 1000, "width": 390, "height": 1000},
        )
    assert width(phone) == WIDTH

    phone.context.clear_cookies()
    sign_in(phone, base, people["leader"].username)
    for query in ("", "?unit=478", "?unit=19903"):
        phone.goto(f"{base}/ho-so/thong-ke/{query}")
        phone.screenshot(path=f"/tmp/treem-phone-case-dashboard-leader{query[6:]}.png", full_page=True)
        assert width(phone) == WIDTH, query
    assert "< 5" in phone.locator("[data-totals]").inner_text()

    phone.context.clear_cookies()
    sign_in(phone, base, people["coordinator"].username)
    phone.goto(f"{base}/ho-so/nhat-ky-truy-cap/")
    assert phone.locator("table.access-log tbody tr").count() == 9
    phone.screenshot(path="/tmp/treem-phone-case-access-log.png", full_page=True)
    phone.screenshot(
        path="/tmp/treem-phone-case-log-0.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 390, "height": 1000},
    )
    assert width(phone) == WIDTH
    phone.goto(f"{base}/ho-so/nhat-ky-truy-cap/?date_from=31/02/2024")
    assert width(phone) == WIDTH
