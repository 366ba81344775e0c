"""The scorecard at a half-year (progress, not the year's verdict), a year's completeness made of its
halves, and rural / urban indicators where they do not apply.

Units: 19903 Xã Phú Thuận (rural) and 19942 Thị trấn Thuận An (urban) in Phú Vang (478); 19750 Phường
Tây Lộc (urban) in Thành phố Huế (474).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from treem.accounts import policy
from treem.accounts.models import Role
from treem.indicators.datavalues import ValueInput, import_values
from treem.plans.models import Plan

SCORECARD = "/bang-theo-doi/"


def load(*rows: tuple[str, str, str, str, int]) -> None:
    """(element, combo, unit, period, value) rows, stored through the one write path."""
    inputs = [ValueInput(e, c, u, p, v) for e, c, u, p, v in rows]
    summary = import_values(inputs, user=None, scope=policy.EntryScope(True), check_outliers=False)
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


def row(html: str, indicator: str) -> str:
    match = re.search(rf'<tr data-indicator="{indicator}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for {indicator}"
    return match.group(0)


def completeness_cell(html: str, unit: str, agency: str) -> tuple[int, int]:
    table = html.split('id="completeness"')[1].split("</table>")[0]
    found = re.search(
        rf'<tr data-unit="{unit}">.*?data-agency="{agency}" data-entered="(\d+)" data-expected="(\d+)"',
        table,
        re.S,
    )
    assert found, f"no cell for {unit}/{agency}"
    return int(found.group(1)), int(found.group(2))


@pytest.fixture
def leader_client(client: Client, plan: Plan, make_user: Callable[..., Any]) -> Client:
    client.force_login(make_user(Role.LEADER, "46"))
    return client


@pytest.fixture
def immunisation(plan: Plan) -> None:
    """19903: 479 of 1,000 children under 1 fully immunised in the first half, 476 in the second."""
    load(
        ("CHILDREN_UNDER1", "default", "19903", "2023S1", 1000),
        ("CHILDREN_UNDER1", "default", "19903", "2023S2", 1000),
        ("FULLY_IMMUNISED_UNDER1", "default", "19903", "2023S1", 479),
        ("FULLY_IMMUNISED_UNDER1", "default", "19903", "2023S2", 476),
        ("LIVE_BIRTHS", "default", "19903", "2023S1", 400),
        ("NEONATAL_DEATHS", "default", "19903", "2023S1", 8),  # 20‰: above 9.5
    )


# --- a half-year against annual targets -------------------------------------------------------------------


def test_a_half_year_reads_on_track_or_behind_never_the_years_verdict(
    leader_client: Client, immunisation: None
) -> None:
    html = leader_client.get(SCORECARD, {"period": "2023S1", "unit": "19903"}).content.decode()

    vaccination = row(html, "MT03-TCDD-1T")
    assert 'data-value="96.59"' in vaccination  # 47.9 % of the cohort in 181 days, annualised
    assert 'class="tag status-on_track">Đúng tiến độ<' in vaccination
    assert 'class="tag status-behind">Chậm tiến độ<' in row(html, "MT01-TVSS")
    scorecard = html.split('id="scorecard"')[1].split("</table>")[0]
    assert ">Đạt<" not in scorecard and ">Không đạt<" not in scorecard
    summary = html.split('class="status-summary"')[1].split("</p>")[0]
    assert "Đúng tiến độ: 1" in summary and "Chậm tiến độ: 1" in summary
    assert "Đạt:" not in summary and "Không đạt:" not in summary


def test_the_year_gets_the_verdict(leader_client: Client, immunisation: None) -> None:
    html = leader_client.get(SCORECARD, {"period": "2023", "unit": "19903"}).content.decode()

    vaccination = row(html, "MT03-TCDD-1T")
    assert 'data-value="95.50"' in vaccination  # (479 + 476) / 1000
    assert 'class="tag status-achieved">Đạt<' in vaccination


def test_the_drill_down_and_the_chart_say_progress_too(leader_client: Client, immunisation: None) -> None:
    drill = leader_client.get(
        "/bang-theo-doi/chi-tiet/MT03-TCDD-1T/", {"period": "2023S1", "unit": "478"}
    ).content.decode()
    assert re.search(r'<tr data-unit="19903" data-status="on_track">.*?Đúng tiến độ', drill, re.S)

    chart = leader_client.get(
        "/bang-theo-doi/bieu-do/MT03-TCDD-1T/", {"period": "2023", "unit": "19903"}
    ).content.decode()
    assert re.search(r'<tr data-period="2023S2">.*?Chậm tiến độ', chart, re.S)  # 47.6 × 365 / 184 = 94.42


# --- rural / urban ------------------------------------------------------------------------------------------


def test_an_urban_ward_shows_rural_indicators_as_not_applicable(leader_client: Client) -> None:
    html = leader_client.get(SCORECARD, {"period": "2023S1", "unit": "19750"}).content.decode()

    rural = row(html, "MT02-TCBP-NT")
    assert 'data-status="not_applicable"' in rural and ">không áp dụng<" in rural.lower()
    assert "Chưa có số liệu" not in rural
    assert 'data-status="no_data"' in row(html, "MT02-TCBP-TT")
    summary = html.split('class="status-summary"')[1].split("</p>")[0]
    assert "Không áp dụng: 1" in summary and "Chưa có số liệu: 22" in summary


def test_completeness_does_not_expect_the_other_areas_figures(leader_client: Client, plan: Plan) -> None:
    load(
        ("CHILDREN_UNDER5", "urban", "19942", "2023S1", 300),
        ("CHILDREN_UNDER5", "rural", "19903", "2023S1", 500),
        ("CHILDREN_UNDER5", "urban", "19903", "2023S1", 0),  # typed in a column that does not apply
    )
    html = leader_client.get(SCORECARD, {"period": "2023S1", "unit": "478"}).content.decode()

    # Sở Y tế: 15 elements, 17 combos; CHILDREN_UNDER5 and OVERWEIGHT_UNDER5 are split by area, and only
    # one of the two areas applies to a commune or a township: 15 values each.
    assert completeness_cell(html, "19942", "SYT") == (1, 15)
    assert completeness_cell(html, "19903", "SYT") == (1, 15)


# --- a year's completeness from its halves ------------------------------------------------------------------


def test_a_year_entered_by_halves_is_complete(leader_client: Client, plan: Plan) -> None:
    load(
        ("LIVE_BIRTHS", "default", "19903", "2023S1", 400),
        ("LIVE_BIRTHS", "default", "19903", "2023S2", 500),  # both halves: counts for the year
        ("NEONATAL_DEATHS", "default", "19903", "2023S1", 2),  # one half only: not yet
        ("DEATHS_UNDER1", "default", "19903", "2023", 5),  # the year itself
        ("BIRTHS_REGISTERED_ON_TIME", "default", "19903", "2023S1", 390),
        ("BIRTHS_REGISTERED_ON_TIME", "default", "19903", "2023S2", 480),
        ("BIRTHS_REGISTERED_ON_TIME", "default", "19903", "2023", 870),  # the year and its halves: once
    )
    html = leader_client.get(SCORECARD, {"period": "2023", "unit": "478"}).content.decode()

    assert completeness_cell(html, "19903", "SYT") == (2, 15)
    assert completeness_cell(html, "19903", "STP") == (1, 1)
    halves = leader_client.get(SCORECARD, {"period": "2023S2", "unit": "478"}).content.decode()
    assert completeness_cell(halves, "19903", "SYT") == (1, 15)  # a half counts only its own values
