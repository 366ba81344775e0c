"""A derived count that adds up over time (aggregation `sum`: CASES_NOTIFIED, CASES_SUPPORTED_TIMELY) is
written for the year, its halves and its quarters, so year = S1 + S2 = Q1 + … + Q4: a small half hidden on
its own would come back as the year less the other half. The rule (treem.indicators.disclosure) groups the
periods of a year too, whichever period a request names; a stock (aggregation `last`) has no such groups.

Figures: three communes of Thành phố Huế (474), CASES_NOTIFIED = CASES_SUPPORTED_TIMELY by quarter of 2026:
a (1, 1, 4, 5): S1 = 2, S2 = 9, year 11; b (10 each): 20, 20, 40; c (5 each): 10, 10, 20. MT10-CAN-THIEP =
CASES_SUPPORTED_TIMELY / CASES_NOTIFIED × 100.
"""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.dashboard.tests.test_derived_scorecard import counts_cell, data_value, page, row
from treem.indicators.datavalues import ValueInput
from treem.indicators.disclosure import withheld
from treem.indicators.disclosure_periods import across_periods, period_groups, year_tree

from .test_disclosure_rule import communes, write

URL = "/api/dataValueSets"
YEAR = ["2026", "2026S1", "2026S2", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
QUARTERS = {"a": (1, 1, 4, 5), "b": (10, 10, 10, 10), "c": (5, 5, 5, 5)}
INDICATOR = "MT10-CAN-THIEP"


def by_period(quarters: tuple[int, ...]) -> dict[str, int]:
    q1, q2, q3, q4 = quarters
    halves = {"2026S1": q1 + q2, "2026S2": q3 + q4, "2026": sum(quarters)}
    return {**halves, **{f"2026Q{i}": n for i, n in enumerate(quarters, start=1)}}


@pytest.fixture
def flows(plan):
    """The three communes' codes (a, b, c); the plan file derives both elements from 01/01/2026."""
    codes = communes(count=3)
    inputs = [
        ValueInput(element, "default", code, period, n)
        for code, quarters in zip(codes, QUARTERS.values(), strict=True)
        for period, n in by_period(quarters).items()
        for element in ("CASES_NOTIFIED", "CASES_SUPPORTED_TIMELY")
    ]
    write(inputs, derivation=True)
    return codes


def exported(client, unit: str, *periods: str, element: str = "CASES_NOTIFIED") -> dict[str, int]:
    response = client.get(URL, {"period": list(periods), "orgUnit": unit, "dataElement": element})
    assert response.status_code == 200
    return {row["period"]: int(row["value"]) for row in response.json()["dataValues"]}


# --- the rule -------------------------------------------------------------------------------------------


def test_the_periods_of_a_year_are_grouped_whole_with_parts():
    assert year_tree("2026Q3") == YEAR
    assert year_tree("202603") == ["202603"]  # months are not written: a month stands alone
    assert period_groups("2026S2") == [
        ["2026", "2026S1", "2026S2"],
        ["2026", "2026Q1", "2026Q2", "2026Q3", "2026Q4"],
        ["2026S1", "2026Q1", "2026Q2"],
        ["2026S2", "2026Q3", "2026Q4"],
    ]


def test_a_small_half_takes_the_other_half_with_it_and_the_year_stays():
    counts = {("a", code): n for code, n in by_period(QUARTERS["a"]).items()}
    groups = across_periods(counts, lambda key: key[1], lambda key: key[0])
    hidden = {code for _unit, code in withheld(counts, groups)}
    # S1 (2) and the quarters 1, 1, 4 are small; S2 (9) goes with S1, so 11 − 9 gives nothing back
    assert hidden == {"2026S1", "2026S2", "2026Q1", "2026Q2", "2026Q3"}


def test_a_year_hidden_among_units_is_not_given_back_by_its_halves():
    counts = {("b", code): n for code, n in by_period(QUARTERS["b"]).items()} | {("z", "2026"): 3}
    among_units = [("b", "2026"), ("z", "2026")]  # z's small year takes b's with it
    groups = [among_units, *across_periods(counts, lambda key: key[1], lambda key: key[0])]
    hidden = withheld(counts, groups)
    assert ("b", "2026") in hidden
    assert ("b", "2026S1") in hidden  # else S1 + S2 = 40 gives the year back
    assert ("b", "2026Q1") in hidden  # else Q1 + … + Q4 does


# --- the DHIS2 export -----------------------------------------------------------------------------------


def test_export_gives_no_half_back_by_subtracting_periods(client, flows, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    a = flows[0]
    values = exported(client, a, "2026", "2026S1", "2026S2")
    assert "2026S1" not in values and "2026S2" not in values
    assert values == {"2026": 11}


def test_export_asked_one_period_at_a_time_gives_nothing_more(client, flows, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    a = flows[0]
    together = exported(client, a, *YEAR)
    one_by_one = {code: n for period in YEAR for code, n in exported(client, a, period).items()}
    assert one_by_one == together
    assert not {"2026S1", "2026S2", "2026Q1", "2026Q2", "2026Q3"} & together.keys()


def test_export_to_a_case_manager_with_the_factor_is_exact(client, flows, make_user):
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    assert exported(client, flows[0], *YEAR) == by_period(QUARTERS["a"])


def test_a_stock_has_no_period_groups(client, plan, make_user):
    a, b = communes(count=2)
    # CASES_OPEN (aggregation last): the year is its newest figure, not a sum; only the small half goes
    write(
        [
            ValueInput("CASES_OPEN", "default", code, period, n)
            for code, figures in ((a, (2, 9, 9)), (b, (20, 20, 20)))
            for period, n in zip(("2026S1", "2026S2", "2026"), figures, strict=True)
        ],
        derivation=True,
    )
    client.force_login(make_user(Role.LEADER, "46"))
    values = exported(client, a, "2026", "2026S1", "2026S2", element="CASES_OPEN")
    assert values == {"2026S2": 9, "2026": 9}


# --- the evaluations API and the dashboard ----------------------------------------------------------------


def evaluation(client, unit: str, period: str) -> dict:
    params = {"plan": "tth-2023", "period": period, "orgUnit": unit, "indicator": INDICATOR}
    response = client.get("/api/evaluations/", params)
    assert response.status_code == 200, response.content
    return response.json()[0]


def test_evaluations_hide_the_other_half_whichever_period_is_asked(client, flows, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    a = flows[0]
    second_half = evaluation(client, a, "2026S2")  # 9: not small, hidden because S1 is
    assert second_half["numerator"] is None and second_half["denominator"] is None
    assert second_half["value"] is None
    assert evaluation(client, a, "2026S1")["numerator"] is None
    assert evaluation(client, a, "2026")["numerator"] == 11


def test_evaluations_are_exact_for_a_case_manager_with_the_factor(client, flows, make_user):
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    assert evaluation(client, flows[0], "2026S2")["numerator"] == 9


def test_scorecard_and_drilldown_hide_the_half_the_year_would_give_back(client, flows, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    a, _b, c = flows
    scorecard = row(page(client, "/bang-theo-doi/", unit=a, period="2026S2"), "indicator", INDICATOR)
    assert data_value(scorecard) == "" and counts_cell(scorecard) == "< 5 / < 5"
    drilldown = page(client, f"/bang-theo-doi/chi-tiet/{INDICATOR}/", unit="474", period="2026S2")
    # a is hidden by the periods, then c (the smallest other) among the communes whose total is shown
    assert data_value(row(drilldown, "unit", a)) == ""
    assert data_value(row(drilldown, "unit", c)) == ""


# --- the entry grid and the consolidated report -----------------------------------------------------------


def test_entry_grid_hides_the_half_the_year_would_give_back(client, flows, make_user):
    from treem.entry.tests.test_derived_disclosure import grid, shown

    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    a, b, c = flows
    html = grid(client, "474", "2026S2")
    assert shown(html, a, "CASES_NOTIFIED") == "&lt; 5"  # 9, but 11 − 9 would give the 2 of S1 back
    assert shown(html, c, "CASES_NOTIFIED") == "&lt; 5"  # then the complement among the communes
    assert shown(html, b, "CASES_NOTIFIED") == "20"


def test_report_does_not_publish_a_half_the_year_would_give_back(plan):
    from treem.reporting.models import ReportingRound
    from treem.reporting.report_content import consolidated_content
    from treem.reporting.tests.test_report_content import CONSOLIDATED
    from treem.reporting.tests.test_report_disclosure import HIDDEN, annex_cell, row_of

    a = communes(count=1)[0]  # the only figures of the province: 2 in S1, 9 in S2, 11 in the year
    write(
        [
            ValueInput(element, "default", a, period, n)
            for period, n in by_period(QUARTERS["a"]).items()
            for element in ("CASES_NOTIFIED", "CASES_SUPPORTED_TIMELY")
        ],
        derivation=True,
    )
    found = ReportingRound.objects.get(plan=plan, code=CONSOLIDATED)
    found.milestone.period = "2026S2"
    found.milestone.save(update_fields=["period"])
    content = consolidated_content(ReportingRound.objects.get(pk=found.pk))
    assert row_of(content, INDICATOR).result == HIDDEN
    assert annex_cell(content, "474", INDICATOR) == HIDDEN
