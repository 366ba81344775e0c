"""A unit's own page hides what the drill-down of its parent hides: a small derived count there gets the
smallest other non-zero sibling hidden with it, so the parent's total less the siblings shown does not give
it back. The scorecard, the drill-down's total row and the chart of a commune follow the same rule.

Figures (as test_derived_scorecard): SPECIAL_CIRCUMSTANCES derived from 01/01/2026, four communes of Thành
phố Huế (474) with 3, 20, 10 and 0 children in 2026S1, 1000 children each. The district drill-down hides
the 3 and, with it, the 10.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.indicators.datavalues import ValueInput

from .test_derived_scorecard import (
    CHART,
    DRILLDOWN,
    SCORECARD,
    communes,
    counts_cell,
    data_value,
    page,
    row,
    write,
)
from .test_derived_scorecard import derived as derived  # noqa: F401 (fixture)

HCDB = "MT05-HCDB"


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, "46")


def chart_figures(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def scorecard_counts(client, unit: str, period: str = "2026S1") -> str:
    return counts_cell(row(page(client, SCORECARD, unit=unit, period=period), "indicator", HCDB))


def test_scorecard_of_the_sibling_hidden_with_a_small_count_hides_it_too(client, derived, leader):
    client.force_login(leader)
    third = communes()[2]  # 10: hidden in the district's drill-down as the complement of the 3
    hcdb = row(page(client, SCORECARD, unit=third), "indicator", HCDB)
    assert counts_cell(hcdb) == "< 5 / 1.000"
    assert data_value(hcdb) == "" and 'data-hidden="value"' in hcdb
    assert 'class="trend ' not in hcdb


def test_scorecard_of_a_sibling_the_drilldown_shows_still_shows_it(client, derived, leader):
    client.force_login(leader)
    second, fourth = communes()[1], communes()[3]
    assert scorecard_counts(client, second) == "20 / 1.000"
    assert scorecard_counts(client, fourth) == "0 / 1.000"


def test_no_commune_page_shows_a_count_the_district_drilldown_hides(client, derived, leader):
    client.force_login(leader)
    drill = page(client, DRILLDOWN, unit="474")
    for code in communes():
        in_drilldown = counts_cell(row(drill, "unit", code))
        assert scorecard_counts(client, code) == in_drilldown, code
        own_drill = page(client, DRILLDOWN, unit=code)
        assert counts_cell(row(own_drill, "unit", code)) == in_drilldown, code  # its total row


def test_previous_period_hidden_among_siblings_is_hidden_with_no_trend(client, derived, leader):
    first, second, third, fourth = communes()
    write([ValueInput("CHILDREN_TOTAL", "default", code, "2026S2", 1000) for code in communes()])
    write(
        [
            ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S2", n)
            for code, n in ((first, 30), (second, 20), (third, 10), (fourth, 0))
        ],
        derivation=True,
    )
    client.force_login(leader)
    hcdb = row(page(client, SCORECARD, unit=third, period="2026S2"), "indicator", HCDB)
    assert counts_cell(hcdb) == "10 / 1.000"  # 2026S2: nothing small among the siblings
    previous = re.search(r'class="num previous" data-value="([^"]*)"', hcdb).group(1)
    assert previous == ""  # 2026S1: hidden in the drill-down of 474
    assert 'class="trend ' not in hcdb


def test_chart_of_the_complement_sibling_carries_no_value_for_the_period(client, derived, leader):
    client.force_login(leader)
    html = page(client, CHART, unit=communes()[2])
    assert data_value(row(html, "period", "2026S1")) == ""
    (over_time,) = chart_figures(html)  # the commune itself (no children), hidden: no bar to draw
    assert "các số nhỏ được ẩn" in html.split('id="bieu-do-don-vi"')[1].split("</section>")[0]
    assert 1.0 not in over_time["data"][0]["y"]


def test_case_manager_with_second_factor_sees_the_sibling_exactly(client, derived, make_user):
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    assert scorecard_counts(client, communes()[2]) == "10 / 1.000"
    html = page(client, CHART, unit=communes()[2])
    assert data_value(row(html, "period", "2026S1")) == "1.00"


def test_case_manager_without_second_factor_gets_the_sibling_hidden(client, derived, make_user):
    client.force_login(make_user(Role.CASE_MANAGER, "46"))
    assert scorecard_counts(client, communes()[2]) == "< 5 / 1.000"


def test_commune_scorecard_adds_one_sibling_evaluation_per_derived_period_not_one_per_unit(
    client, derived, leader
):
    client.force_login(leader)
    third = communes()[2]
    page(client, SCORECARD, unit=third)
    page(client, SCORECARD, unit=third, period="2025S2")
    with CaptureQueriesContext(connection) as derived_period:
        page(client, SCORECARD, unit=third)
    with CaptureQueriesContext(connection) as typed_period:
        page(client, SCORECARD, unit=third, period="2025S2")
    # 2026S1 (derived, its previous period typed) against 2025S2 (typed): the siblings listed (1) and, as
    # the counts add up over the year (year = S1 + S2 = Q1 + … + Q4), one evaluate() over the 36 communes
    # for each of the 7 periods of 2026 (at most 6 queries each), whatever their number; 1 more differs
    # between the pages anyway
    extra = len(derived_period.captured_queries) - len(typed_period.captured_queries)
    assert 2 <= extra <= 1 + 7 * 6 + 1
