"""A province coordinator signs in through the login form and reads the plan overview in Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from treem.plans import selectors
from treem.plans.models import Plan

pytestmark = pytest.mark.browser


@pytest.fixture
def plan_content(site_data):
    plan = Plan.objects.get(code="tth-2023")
    return list(selectors.plan_targets(plan)), list(selectors.plan_milestones(plan).order_by("date"))


# Database fixtures come before `page` in the arguments, so they are set up before Playwright starts.
def test_coordinator_signs_in_and_sees_every_target_and_deadline(site_data, coordinator, plan_content, page):
    targets, milestones = plan_content
    assert len(targets) == 14 and len(milestones) == 5

    sign_in(page, site_data.url, "/ke-hoach/tth-2023/", coordinator.username)

    assert page.locator(".userbox .who").inner_text().startswith(coordinator.username)
    shown_targets = page.locator("li.target[data-target]")
    assert shown_targets.count() == 14
    assert [shown_targets.nth(i).get_attribute("data-target") for i in range(14)] == [t.code for t in targets]
    for target in targets:
        item = page.locator(f'li.target[data-target="{target.code}"] > p')
        assert item.is_visible()
        assert item.inner_text().strip() == " ".join(target.text.split())

    rows = page.locator("#deadlines tr.milestone")
    assert rows.count() == 5
    shown_dates = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(5)]
    assert shown_dates == [m.date.strftime("%d/%m/%Y") for m in milestones]
    assert shown_dates == ["15/04/2023", "25/05/2023", "30/09/2023", "15/11/2023", "05/12/2023"]
    for row, milestone in zip(range(5), milestones, strict=True):
        assert rows.nth(row).get_attribute("data-milestone") == milestone.code
        assert rows.nth(row).is_visible()


def test_wrong_password_in_the_browser_stays_on_the_login_form(site_data, coordinator, page):
    page.goto(f"{site_data.url}/dang-nhap/")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", "sai-mat-khau-123")
    page.click("button[type=submit]")

    page.wait_for_selector("p.error")
    assert "/dang-nhap/" in page.url
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.locator("p.error").inner_text()
