"""The province coordinator edits the 2026 draft in Chromium: one indicator's threshold, sees the change
against the 2023 plan it was drafted from, issues the draft after confirming, and sees it frozen. At
desktop width and at phone width (390 px, no sideways scrolling on any page of the way). Screenshots go to
/tmp/treem-draft-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

DRAFT = "hue-2026"
INDICATOR = "MT01-TVSS"
EDITOR = f"/ke-hoach/{DRAFT}/du-thao/"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def draft_2026(site_data: Any) -> Any:
    """The 2026 draft of Huế city as copy_plan makes it from the 2023 plan (2025 units and bodies loaded)."""
    from django.conf import settings
    from django.core.management import call_command

    from treem.plans.copying import do_copy_plan
    from treem.plans.models import Plan

    call_command("load_units", structure="2025", province="46", verbosity=0)
    call_command("load_agencies", str(settings.DATA_DIR / "agencies" / "46-hue-2025.yaml"), verbosity=0)
    plan = do_copy_plan(Plan.objects.get(code="tth-2023"), code=DRAFT, year=2026).plan
    assert plan is not None and plan.is_draft
    return plan


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: Any, browser: Any) -> Iterator[tuple[str, Any]]:
    size = VIEWPORTS[request.param]
    phone = request.param == "phone"
    context = browser.new_context(locale="vi-VN", viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def _fits(page: Any, name: str, where: str) -> None:
    page.screenshot(path=f"/tmp/treem-draft-{name}-{where}.png", full_page=True)
    page.screenshot(path=f"/tmp/treem-draft-{name}-{where}-top.png")
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") == VIEWPORTS["phone"]["width"], where


# Database fixtures come before `screen` in the arguments, so they are set up before Playwright starts.
def test_coordinator_edits_a_threshold_sees_the_change_and_issues_the_draft(
    site_data: Any, coordinator: Any, draft_2026: Any, screen: tuple[str, Any]
) -> None:
    name, page = screen
    old = draft_2026.indicators.get(code=INDICATOR).threshold
    sign_in(page, site_data.url, EDITOR, coordinator.username)
    assert page.locator("[data-status=draft] .draft-badge").inner_text() == "Dự thảo"
    _fits(page, name, "overview")

    page.click(f'tr[data-indicator="{INDICATOR}"] a.edit-link')
    page.wait_for_url(re.compile(re.escape(f"{EDITOR}chi-tieu/{INDICATOR}/") + "$"))
    _fits(page, name, "indicator")
    page.fill("#id_threshold", "8,5")
    page.click("form.draft-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(EDITOR) + f"#chi-tieu-{INDICATOR}$"))
    assert "8,5" in page.locator(f'tr[data-indicator="{INDICATOR}"] td.rule').inner_text()
    assert "Đã lưu" in page.locator("ul.messages").inner_text()

    page.click("nav.draft-actions >> text=Thay đổi so với kế hoạch gốc")
    page.wait_for_url(re.compile(re.escape(f"{EDITOR}thay-doi/") + "$"))
    change = page.locator("li.change", has_text=INDICATOR).filter(has_text="ngưỡng")
    assert change.count() == 1
    assert float(change.locator(".old").inner_text().replace(",", ".")) == float(old)
    assert float(change.locator(".new").inner_text().replace(",", ".")) == 8.5
    assert "tth-2023" in page.locator(".draft-status").inner_text()
    _fits(page, name, "changes")

    page.click("nav.draft-actions a.issue-link")
    page.wait_for_url(re.compile(re.escape(f"{EDITOR}ban-hanh/") + "$"))
    _fits(page, name, "issue")
    page.click("form[data-issue-confirm] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(EDITOR) + "$"))

    draft_2026.refresh_from_db()
    assert not draft_2026.is_draft
    status = page.locator("[data-status=issued]").inner_text()
    assert f"Đã ban hành {draft_2026.issued_at:%d/%m/%Y}" in status
    assert page.locator("[data-frozen]").is_visible()
    assert page.locator("a.edit-link").count() == 0 and page.locator("a.issue-link").count() == 0
    _fits(page, name, "issued")

    # the editor refuses, with the reason, even from an address typed by hand
    page.goto(f"{site_data.url}{EDITOR}chi-tieu/{INDICATOR}/")
    page.wait_for_url(re.compile(re.escape(EDITOR) + "$"))
    assert "Kế hoạch đã ban hành, không sửa được" in page.locator("ul.messages").inner_text()
