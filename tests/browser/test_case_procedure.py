"""The whole procedure of a case on a phone (390 × 844 CSS pixels), as issue 9 asks: a commune officer signs
in (password, then the second factor's code), registers a high-risk notification on the intake page, records
the initial assessment with risk high, sees the 12-hour countdown on the case page, records the emergency
measure, the detailed assessment, writes the plan, gets it approved (Form 05), opens (but does not confirm)
a move to another commune, records a service referral that the receiving body accepts, follows up, reviews
and closes the case. No page scrolls sideways and no
script or style is blocked by the Content-Security-Policy. Screenshots go to /tmp/treem-case-*.png."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
TOTP_KEY = "3132333435363738393031323334353637383930"  # the RFC 6238 test key: tests only
CHILD = "Hoàng Văn Thử (DEMO)"
REPORTER = "Người thông báo (DEMO)"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def officer(site_data: Any) -> Any:
    """A commune officer of Xã Phú Thuận (19903) with a password and an authenticator already set up."""
    from treem.accounts.models import Role, User
    from treem.accounts.otp import ensure_totp_device
    from treem.units.models import AdministrativeUnit

    user = User.objects.create_user(
        username="canbo-xa-phu-thuan",
        password=COORDINATOR_PASSWORD,
        first_name="Lan",
        last_name="Lê Thị",
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
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Walk:
    """The officer's phone, checking every page it lands on: no sideways scroll, a screenshot."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page, self.base_url, self.widths = page, base_url, {}
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(str(e)))

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(message.text)  # a CSP violation, a script error (no icon is not one)

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        self.page.screenshot(path=f"/tmp/treem-case-{name}.png", full_page=True)
        self.widths[name] = int(self.page.evaluate("document.documentElement.scrollWidth"))

    def step(self, code: str, fill: dict[str, str], choose: dict[str, str] | None = None) -> None:
        """From the case page: open the step's form, fill it in, record it, land back on the case page."""
        page = self.page
        page.click(f".step-buttons a[data-step={code}]")
        page.wait_for_selector(f"form[data-step-form={code}]")
        self.check(f"{code}-form")
        for name, value in (choose or {}).items():
            field = page.locator(f"[name={name}]").first
            if field.evaluate("e => e.tagName") == "SELECT":
                page.select_option(f"select[name={name}]", value)
            else:
                page.check(f"input[name={name}][value={value}]")
        for name, value in fill.items():
            page.fill(f"[name={name}]", value)
        page.click(f"form[data-step-form={code}] button[type=submit]")
        page.wait_for_selector(f".timeline-entry[data-step={code}]")
        assert "Đã ghi bước" in page.locator(".messages").inner_text()
        self.check(code)


def local_input(moment: datetime.datetime) -> str:
    """An instant as a datetime-local input takes it, in the province's time."""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# Database fixtures come before `phone` in the arguments, so they are set up before Playwright starts.
def test_a_commune_officer_takes_a_high_risk_case_from_notification_to_closure_on_a_phone(
    site_data: Any, officer: Any, phone: Any
) -> None:
    from django.utils import timezone

    from treem.accounts.testing_otp import code_for_key
    from treem.cases.models import Case

    walk, page, base = Walk(phone, site_data.url), phone, site_data.url

    # sign in: the login page, then the second factor's code, then the intake page asked for
    page.goto(f"{base}/ho-so/tiep-nhan/")
    assert "/dang-nhap/" in page.url
    page.fill("#id_username", officer.username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tai-khoan/xac-thuc/"))
    walk.check("second-factor")
    page.fill("#id_code", code_for_key(TOTP_KEY))
    page.click("#otp-verify button[type=submit]")
    page.wait_for_url(re.compile(r"/ho-so/tiep-nhan/$"))

    # the notification (Form 01): the received time and the officer's name come filled in
    walk.check("intake")
    assert page.input_value("[name=received_at]") and page.input_value("[name=received_by]")
    page.select_option("select[name=source]", "neighbour")
    page.fill("[name=child_name]", CHILD)
    page.check("input[name=child_sex][value=male]")
    page.fill("[name=child_age_estimate]", "8")
    page.check("input[name=harms][value=violence]")
    page.fill("[name=description]", "Hàng xóm nghe tiếng trẻ khóc và tiếng đánh (DEMO)")
    page.fill("[name=reporter_name]", REPORTER)
    page.fill("[name=reporter_phone]", "0912 000 111")
    page.click("form.intake-form button[type=submit].big")
    page.wait_for_url(re.compile(r"/ho-so/19903-\d{4}-\d{4}/$"))
    case = Case.objects.get()
    walk.check("case-new")
    assert page.locator("h1.case-code").inner_text().startswith(case.code)
    assert CHILD in page.locator("[data-child-name]").inner_text()

    # the initial assessment (Form 02), risk high: the 12-hour emergency clock on the case page
    walk.step(
        "initial_assessment",
        {"findings": "Trẻ có vết bầm ở tay (DEMO)"},
        {"verified": "true", "risk": "high"},
    )
    clock = page.locator("[data-clock] [data-countdown]")
    due = datetime.datetime.fromisoformat(clock.get_attribute("data-due"))
    assert due == case.received_at + datetime.timedelta(hours=12)
    assert re.fullmatch(r"còn 1[01] giờ \d{1,2} phút", clock.inner_text()), clock.inner_text()
    assert (
        "Áp dụng biện pháp khẩn cấp, tạm thời cách ly trẻ em — trong 12 giờ"
        in page.locator("[data-clock]").inner_text()
    )
    assert page.locator("[data-risk=high]").count() == 1

    walk.step(
        "emergency_measure",
        {"decided_by": "Chủ tịch UBND xã (DEMO)", "placement": "Nhà bà ngoại (DEMO)"},
        {"measures": "safe_place"},
    )
    walk.step("detailed_assessment", {"needs": "Hỗ trợ tâm lý, đi học lại (DEMO)"}, {"risk": "medium"})
    review_day = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    walk.step(
        "support_plan",
        {"goals": "Trẻ an toàn, đi học đều (DEMO)", "review_date": review_day},
        {"services": "psychological_support"},
    )
    walk.step(
        "plan_approval",
        {"approver": "Chủ tịch UBND xã (DEMO)", "decision_number": "12/QĐ-UBND"},
        {"decision": "approved"},
    )

    # the move page fits the phone too: a search box narrows the communes (no diacritics needed), then
    # a confirmation step; the officer goes back without confirming
    page.click("a[data-move]")
    page.fill("#commune-filter", "vinh thanh")
    assert page.input_value("#id_commune") == "19945"  # Xã Vinh Thanh, the first that matches
    walk.check("move")
    page.click("form[data-move-choose] button[type=submit]")
    page.wait_for_selector("form[data-move-confirm]")
    assert "Xã Vinh Thanh" in page.locator("form[data-move-confirm]").inner_text()
    walk.check("move-confirm")
    page.goto(f"{base}/ho-so/{case.code}/")

    # the referral: choosing the service fills in the kind of body that provides it (case.js)
    page.click(".step-buttons a[data-step=service_referral]")
    page.select_option("select[name=service]", "psychological_support")
    assert page.input_value("select[name=provider_kind]") == "social_work"
    page.go_back()
    walk.step(
        "service_referral",
        {
            "provider_name": "Trung tâm Công tác xã hội tỉnh (DEMO)",
            "responded_at": local_input(timezone.now()),
        },
        {"service": "psychological_support", "response": "accepted"},
    )
    referral = page.locator(".timeline-entry[data-step=service_referral]").inner_text()
    assert "Phản hồi của cơ quan tiếp nhận" in referral and "Tiếp nhận" in referral

    walk.step("follow_up", {"progress": "Trẻ đã đi học lại (DEMO)"}, {"child_safe": "true"})
    walk.step(
        "review", {"findings": "Mục tiêu của kế hoạch đạt được (DEMO)"}, {"risk": "low", "outcome": "close"}
    )
    walk.step("closure", {"decided_by": "Chủ tịch UBND xã (DEMO)"}, {"reason": "safe"})

    # closed: no clock, no further step, no move; the whole timeline is there
    assert page.locator("[data-state=closed]").count() == 1
    assert page.locator("[data-clock]").count() == 0 and page.locator(".step-buttons").count() == 0
    steps = page.locator(".timeline-entry").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps == [
        "notification", "initial_assessment", "emergency_measure", "detailed_assessment", "support_plan",
        "plan_approval", "service_referral", "follow_up", "review", "closure",
    ]  # fmt: skip
    assert page.locator(".timeline-entry.is-late").count() == 0
    assert REPORTER in page.locator(".timeline-entry[data-step=notification]").inner_text()
    case.refresh_from_db()
    assert case.state == "closed" and case.records.count() == 10

    assert walk.widths == dict.fromkeys(walk.widths, WIDTH), walk.widths
    assert walk.problems == []
