"""Under the Content-Security-Policy the scorecard, a chart and the entry grid work in Chromium, and the
browser reports no violation: no script, style or handler of ours (htmx and plotly.js included) is blocked."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Every violation the page sees, reported to the console where the test collects it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_scorecard_chart_and_entry_grid_work_with_no_policy_violation(site_data, coordinator, page):
    problems: list[str] = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")  # no icon: a 404
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    sign_in(page, site_data.url, "/bang-theo-doi/", coordinator.username)
    assert page.locator("[data-indicator]").count() > 0
    # the language menu submits itself (a handler in our static app.js, not an inline onchange)
    # (waits by selector: Playwright's wait_for_function would itself run eval, which the policy reports)
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    page.select_option("select[name=language]", "vi")
    page.wait_for_selector("html[lang=vi]")

    response = page.goto(f"{site_data.url}/bang-theo-doi/bieu-do/MT01-TVSS/?period=2023S1")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-eval'" not in policy
    # no figure entered here: the by-unit section says so, the time chart is drawn (plotly under the policy)
    page.wait_for_selector("#bieu-do-thoi-gian .plotly-graph-div .main-svg")
    assert page.locator('#bieu-do-don-vi [data-empty="by-unit"]').count() == 1

    page.goto(f"{site_data.url}/so-lieu/SYT/2023S1/478/")
    cell = page.locator("#entry-grid input").first
    cell.fill("17")
    cell.press("Enter")  # the grid's keyboard script (static grid.js) moves down; htmx saves the cell
    page.wait_for_selector("#entry-grid .cell-msg")
    assert page.locator("#entry-grid input").first.input_value() == "17"

    assert problems == []
