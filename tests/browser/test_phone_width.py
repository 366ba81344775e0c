"""At phone width (390 × 844 CSS pixels) every page fits without sideways scrolling, and one unit's data
entry is a vertical form. Screenshots of each page (whole, and its first screen) are written to
/tmp/treem-phone-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import COORDINATOR_PASSWORD

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
PAGES = {
    "plan": "/ke-hoach/tth-2023/",
    "scorecard": "/bang-theo-doi/?period=2023S1",
    "scorecard-commune": "/bang-theo-doi/?period=2023S1&unit=19903",
    "agency": "/ke-hoach/tth-2023/co-quan/SYT/",
    "entry": "/so-lieu/SYT/2023S1/19903/",
    "home": "/",
    "reports": "/bao-cao/",
    "round": "/bao-cao/tth-2023/M-2023-05-25/",
    "submission-form": "/bao-cao/tth-2023/M-2023-05-25/SLDTBXH/",  # the coordinator's own office
    "board": "/bao-cao/tth-2023/bang/",
    "task-progress": "/bao-cao/tth-2023/nhiem-vu/",
    "consolidated": "/bao-cao/tth-2023/M-2023-12-05/tong-hop/",
    "units": "/don-vi/?ngay=01/01/2023",  # its search row (query, day, button) wraps
}


@pytest.fixture
def figures(site_data: Any) -> None:
    """A few figures of Xã Phú Thuận (19903), so the scorecard has values and statuses to show."""
    from treem.accounts.policy import EntryScope
    from treem.indicators.datavalues import ValueInput, import_values

    rows = [
        ("LIVE_BIRTHS", "default", 400),
        ("NEONATAL_DEATHS", "default", 3),
        ("CHILDREN_UNDER1", "default", 1000),
        ("FULLY_IMMUNISED_UNDER1", "default", 479),
        ("CHILDREN_UNDER5", "rural", 4200),
        ("STUNTED_UNDER5", "default", 350),
    ]
    inputs = [ValueInput(e, c, "19903", "2023S1", v) for e, c, v in rows]
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    assert not summary.conflicts


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", COORDINATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def scroll_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


# Database fixtures come before `phone` in the arguments, so they are set up before Playwright starts.
def test_every_page_fits_a_phone_and_a_communes_entry_is_a_vertical_form(
    site_data: Any, coordinator: Any, figures: None, phone: Any
) -> None:
    sign_in(phone, site_data.url, coordinator.username)
    widths = {}
    for name, path in PAGES.items():
        phone.goto(f"{site_data.url}{path}")
        phone.screenshot(path=f"/tmp/treem-phone-{name}.png", full_page=True)
        phone.screenshot(path=f"/tmp/treem-phone-{name}-top.png")
        widths[name] = scroll_width(phone)
    assert widths == dict.fromkeys(PAGES, WIDTH), widths

    # the menu is one line until opened, and then every link is reachable within the width
    phone.goto(f"{site_data.url}{PAGES['plan']}")
    header = phone.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < 80, header
    phone.click("label.nav-toggle")
    links = phone.locator(".mainnav a")
    assert links.count() >= 4 and all(links.nth(i).is_visible() for i in range(links.count()))
    phone.screenshot(path="/tmp/treem-phone-menu.png")
    assert scroll_width(phone) == WIDTH

    # one commune's entry: each input under the one before, each label beside or above its input
    phone.goto(f"{site_data.url}{PAGES['entry']}")
    inputs = phone.locator("#entry-grid input[name=value]")
    boxes = [inputs.nth(i).bounding_box() for i in range(inputs.count())]
    assert len(boxes) >= 12
    assert all(b is not None and b["x"] >= 0 and b["x"] + b["width"] <= WIDTH for b in boxes), boxes
    tops = [b["y"] for b in boxes if b is not None]
    assert all(later > earlier for earlier, later in zip(tops, tops[1:], strict=False)), tops
    assert phone.locator("#entry-grid .phone-label").first.is_visible()
    label = phone.locator("#entry-grid .phone-label").first.inner_text()
    assert label.startswith("Số trẻ đẻ sống")
