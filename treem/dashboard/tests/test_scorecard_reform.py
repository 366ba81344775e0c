"""The scorecard, drill-down and completeness follow the tree of the period: a 2026 plan of Huế city
drills from the city straight to its 40 communes (no district level since 01/07/2025), the 2023 plan
from the province to its 9 districts, unchanged by the 2025 tree loaded beside it. A unit code in a URL
names the version that existed in the period shown."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from treem.accounts import policy
from treem.accounts.models import Role
from treem.accounts.tests.reform_units import REFORM_DAY, load_reform_tree
from treem.dashboard import selectors
from treem.dashboard.completeness import completeness
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.periods import find_period
from treem.units.models import AdministrativeUnit
from treem.units.testing_reform import user_at

from .reform_plan import later_plan

SCORECARD = "/bang-theo-doi/"
DRILLDOWN = "/bang-theo-doi/chi-tiet/MT01-TVSS/"
DISTRICTS_2023 = ["474", "476", "477", "478", "479", "480", "481", "482", "483"]


def load(*rows: tuple[str, str, str, str, int]) -> None:
    inputs = [ValueInput(e, c, u, p, v) for e, c, u, p, v in rows]
    summary = import_values(inputs, user=None, scope=policy.EntryScope(True), check_outliers=False)
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


def body_units(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<tr data-unit="(\d+)"', body)


def completeness_units(html: str) -> list[str]:
    table = html.split('id="completeness"')[1].split("</table>")[0]
    return re.findall(r'<tr data-unit="(\d+)"', table)


@pytest.fixture
def communes_2025(db):
    return load_reform_tree()


@pytest.fixture
def plan_2026(plan, communes_2025):
    return later_plan(plan, 2026)


@pytest.fixture
def leader_client(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    return client


def test_the_2026_drilldown_goes_from_the_city_straight_to_its_40_communes(leader_client, plan_2026):
    load(
        ("LIVE_BIRTHS", "default", "19900", "2026S1", 200),
        ("NEONATAL_DEATHS", "default", "19900", "2026S1", 1),
    )

    html = leader_client.get(DRILLDOWN, {"plan": plan_2026.code, "period": "2026S1"}).content.decode()

    units = body_units(html)
    assert len(units) == 40
    assert not set(units) & set(DISTRICTS_2023)
    assert "19900" in units and "19768" in units
    thuan_an = re.search(r'<tr data-unit="19900".*?</tr>', html, re.S).group(0)
    assert 'data-value="5.00"' in thuan_an  # 1 of 200 live births, per 1,000
    # a commune row opens the commune's own scorecard: there is no district step in between
    assert f'href="/bang-theo-doi/?plan={plan_2026.code}&amp;period=2026S1&amp;unit=19900"' in thuan_an


def test_the_2026_scorecard_lists_the_communes_in_its_completeness_and_picker(leader_client, plan_2026):
    html = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026"}).content.decode()

    city = selectors.plan_province(plan_2026)
    assert f"<strong>{city.name}</strong>" in html
    columns = completeness_units(html)
    assert len(columns) == 40 and not set(columns) & set(DISTRICTS_2023)
    picker = html.split('<select name="unit">')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d+)"', picker)
    assert options[0] == "46" and len(options) == 41  # the city and its communes, one step below it
    assert "— Phường Thuận An<" in picker and "— — " not in picker


def test_the_2026_commune_scorecard_is_the_2025_unit_even_where_its_code_was_a_2023_communes(
    leader_client, plan_2026
):
    response = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026", "unit": "19900"})

    assert response.status_code == 200
    assert response.context["unit"].valid_from == REFORM_DAY
    crumbs = re.findall(r'<nav class="crumbs.*?</nav>', response.content.decode(), re.S)[0]
    assert "Huyện" not in crumbs and "Phú Vang" not in crumbs  # city › commune, nothing between


def test_a_2023_district_code_on_the_2026_scorecard_is_not_found(leader_client, plan_2026):
    response = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026", "unit": "478"})

    assert response.status_code == 404


def test_a_2023_commune_code_without_a_2025_version_is_not_found_in_2026(leader_client, plan_2026):
    retired = AdministrativeUnit.objects.get(code="19903")  # Phú Thuận: no 2025 commune carries the code
    assert not AdministrativeUnit.objects.filter(code="19903", valid_from=REFORM_DAY).exists()

    response = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026", "unit": retired.code})

    assert response.status_code == 404


def test_the_2023_drilldown_still_lists_the_nine_districts_with_the_2025_tree_loaded(
    leader_client, plan, communes_2025
):
    html = leader_client.get(DRILLDOWN, {"plan": plan.code, "period": "2023S1"}).content.decode()

    assert body_units(html) == DISTRICTS_2023


def test_the_2023_scorecard_is_the_same_page_before_and_after_the_2025_tree_is_loaded(
    leader_client, plan, main_of
):
    load(
        ("LIVE_BIRTHS", "default", "19900", "2023S1", 300),
        ("NEONATAL_DEATHS", "default", "19900", "2023S1", 2),
        ("LIVE_BIRTHS", "default", "19903", "2023S1", 100),
    )
    pages = [(SCORECARD, {"plan": plan.code, "period": "2023S1"})]
    pages += [(SCORECARD, {"plan": plan.code, "period": "2023", "unit": "19900"})]
    pages += [(DRILLDOWN, {"plan": plan.code, "period": "2023S1", "unit": "478"})]
    before = [main_of(leader_client.get(url, params)) for url, params in pages]

    load_reform_tree()

    after = [main_of(leader_client.get(url, params)) for url, params in pages]
    assert after == before


def test_a_2023_commune_figure_stays_on_the_2023_unit_in_its_scorecard(leader_client, plan, communes_2025):
    load(("LIVE_BIRTHS", "default", "19900", "2023S1", 300))

    response = leader_client.get(SCORECARD, {"plan": plan.code, "period": "2023S1", "unit": "19900"})

    assert response.context["unit"].path == "46/474/19900/"


def test_completeness_of_2026_has_one_column_per_commune(plan_2026, communes_2025):
    period = find_period("2026")
    city = selectors.plan_province(plan_2026)
    children = selectors.child_units(city, period)

    matrix = completeness(plan_2026, period, city, children, selectors.active_indicators(plan_2026))

    assert [row.unit for row in matrix.rows] == sorted(communes_2025, key=lambda u: u.path)
    assert sum(cell.expected for row in matrix.rows for cell in row.cells) > 0


def test_completeness_counts_a_2026_value_on_its_2025_commune(plan_2026, communes_2025):
    load(("LIVE_BIRTHS", "default", "19900", "2026", 250))
    period = find_period("2026")
    city = selectors.plan_province(plan_2026)

    matrix = completeness(
        plan_2026, period, city, selectors.child_units(city, period), selectors.active_indicators(plan_2026)
    )

    entered = {row.unit.code: sum(c.entered for c in row.cells) for row in matrix.rows}
    assert entered["19900"] == 1 and sum(entered.values()) == 1


def test_a_year_spanning_the_reform_shows_the_2023_districts_and_the_2025_communes(plan_2026):
    city = selectors.plan_province(plan_2026)

    children = selectors.child_units(city, find_period("2025"))

    levels = {u.level for u in children}
    assert levels == {"district", "commune"} and len(children) == 49


def test_a_2023_district_officer_has_no_root_on_the_2026_plan_but_the_2023_periods(make_user, plan_2026):
    officer = user_at(Role.DISTRICT_OFFICER, AdministrativeUnit.objects.get(code="478"))
    scope = policy.scope_for(officer)

    assert selectors.scope_root(scope, plan_2026, find_period("2026")) is None
    assert selectors.scope_root(scope, plan_2026, find_period("2025S1")).code == "478"


def test_the_plan_picker_names_both_years_plainly(leader_client, plan_2026):
    html = leader_client.get(SCORECARD, {"plan": plan_2026.code}).content.decode()

    picker = html.split('<select name="plan">')[1].split("</select>")[0]
    assert ">2026 — " in picker and ">2023 — " in picker  # not "2.026"


def test_with_the_shipped_2025_structure_the_2026_drilldown_lists_the_40_communes(leader_client, plan):
    call_command("load_units", structure="2025", verbosity=0)
    plan_2026 = later_plan(plan, 2026)

    html = leader_client.get(DRILLDOWN, {"plan": plan_2026.code, "period": "2026"}).content.decode()
    old = leader_client.get(DRILLDOWN, {"plan": plan.code, "period": "2023"}).content.decode()

    units = body_units(html)
    assert len(units) == 40 and not set(units) & set(DISTRICTS_2023)
    assert body_units(old) == DISTRICTS_2023


def test_without_a_plan_asked_the_scorecard_opens_the_plan_in_force_not_the_later_draft(
    leader_client, plan, plan_2026
):
    response = leader_client.get(SCORECARD)

    assert response.context["plan"] == plan
    assert plan_2026 in response.context["plans"]


@pytest.mark.parametrize("code", ["19900\x00", "x" * 500, "", "46/"])
def test_an_odd_unit_code_is_not_found_never_an_error(leader_client, plan_2026, code):
    response = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026", "unit": code})

    assert response.status_code in (200, 400, 404)  # "" opens the scope's root; NUL: 400


def test_each_plan_names_the_province_as_it_was_called_in_its_year(leader_client, plan):
    call_command("load_units", structure="2025", verbosity=0)
    plan_2026 = later_plan(plan, 2026)

    old = leader_client.get(SCORECARD, {"plan": plan.code, "period": "2023"}).content.decode()
    new = leader_client.get(SCORECARD, {"plan": plan_2026.code, "period": "2026"}).content.decode()

    # (the 2023 district 474 was called "Thành phố Huế" too: look at the province's own option)
    assert '<option value="46" selected>Tỉnh Thừa Thiên Huế' in old
    assert '<option value="46" selected>Thành phố Huế' in new
