"""The 2026 scorecard of Huế city (the 2025 structure loaded with `load_units --structure 2025`) at phone
width and on a desktop: it shows the city, lists its 40 communes, and a commune row opens the commune's
own scorecard straight away, with no district step (there is no district level from 01/07/2025).
Screenshots: /tmp/treem-reform-scorecard-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def reform_site(site_data: Any) -> Any:
    """The 2025 structure beside 2023's, a 2026 draft of the plan and a few 2026 figures of two communes."""
    from django.core.management import call_command

    from treem.accounts.policy import EntryScope
    from treem.dashboard.tests.reform_plan import later_plan
    from treem.indicators.datavalues import ValueInput, import_values
    from treem.plans.models import Plan

    call_command("load_units", structure="2025", verbosity=0)
    plan = later_plan(Plan.objects.get(code="tth-2023"), 2026, code="thu-2026")
    rows = [("19900", 300, 2), ("19768", 250, 3)]
    inputs = [ValueInput("LIVE_BIRTHS", "default", unit, "2026S1", births) for unit, births, _ in rows]
    inputs += [ValueInput("NEONATAL_DEATHS", "default", unit, "2026S1", deaths) for unit, _, deaths in rows]
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    assert not summary.conflicts, [str(c) for c in summary.conflicts]
    return plan


@pytest.fixture
def leader(reform_site: Any) -> Any:
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit

    return User.objects.create_user(
        username="lanhdao-2026",
        password=COORDINATOR_PASSWORD,
        role=Role.LEADER,
        unit=AdministrativeUnit.objects.get(code="46", parent__isnull=True),
    )


@pytest.fixture
def city_name(reform_site: Any) -> str:
    from treem.dashboard.selectors import plan_province

    return plan_province(reform_site).name


@pytest.fixture(params=list(SIZES))
def sized_page(request: Any, browser: Any) -> Iterator[tuple[str, Any]]:
    width, height = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(
        locale="vi-VN", viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# Database fixtures come before `sized_page`, so they are set up before Playwright starts.
def test_the_2026_scorecard_shows_huế_city_and_a_commune_row_opens_the_commune(
    site_data: Any, reform_site: Any, leader: Any, city_name: str, sized_page: tuple[str, Any]
) -> None:
    size, page = sized_page
    sign_in(page, site_data.url, leader.username)

    page.goto(f"{site_data.url}/bang-theo-doi/?plan={reform_site.code}&period=2026S1")

    assert city_name == "Thành phố Huế"
    assert page.locator("p.subtitle strong").inner_text() == city_name
    rows = page.locator("#completeness tbody tr")
    assert rows.count() == 40
    assert page.locator('#completeness tbody tr[data-unit="474"]').count() == 0  # no 2023 district
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= SIZES[size][0]
    page.screenshot(path=f"/tmp/treem-reform-scorecard-{size}.png", full_page=False)

    page.locator('#completeness tbody tr[data-unit="19900"] a').click()

    page.wait_for_url(re.compile(r"unit=19900"))
    assert page.locator("p.subtitle strong").inner_text() == "Phường Thuận An"
    crumbs = page.locator("nav.crumbs").inner_text()
    assert [part.strip() for part in crumbs.split("›")] == [city_name, "Phường Thuận An"]
    tvss = page.locator('tr[data-indicator="MT01-TVSS"] td.value').first.inner_text()
    assert tvss.strip() == "6,67"  # 2 neonatal deaths of 300 live births, per 1,000
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= SIZES[size][0]
    page.screenshot(path=f"/tmp/treem-reform-commune-{size}.png", full_page=False)
