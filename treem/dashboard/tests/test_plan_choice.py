"""The plans a user is offered are those where its scope has a root: a 2025 commune officer opens the
plan of its own tree (not the 2023 plan, which has no 2025 commune), is not offered the 2023 plan, and
its home page points at the plan it can read. An empty chart says there is nothing to draw."""

from __future__ import annotations

import datetime

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope, scope_for
from treem.accounts.tests.reform_units import load_reform_tree
from treem.dashboard.plan_choice import plans_with_root
from treem.indicators.datavalues import ValueInput, import_values
from treem.plans.models import PlanStatus

from .reform_plan import later_plan

SCORECARD = "/bang-theo-doi/"
CHART = "/bang-theo-doi/bieu-do/MT01-TVSS/"


@pytest.fixture
def plan_2026(plan):
    load_reform_tree()
    return later_plan(plan, 2026)


@pytest.fixture
def commune_client(client, make_user, plan_2026):
    client.force_login(make_user(Role.COMMUNE_OFFICER, "19900"))  # today's Phường Thuận An
    return client


def test_a_2025_commune_officer_opens_the_plan_of_its_tree_and_is_offered_no_other(
    commune_client, plan, plan_2026
):
    response = commune_client.get(SCORECARD)

    assert response.status_code == 200
    assert response.context["plan"] == plan_2026
    assert response.context["plans"] == [plan_2026]
    assert response.context["unit"].path == "46/19900@20250701/"


def test_a_plan_where_the_scope_has_no_root_stays_not_found(commune_client, plan):
    assert commune_client.get(SCORECARD, {"plan": plan.code}).status_code == 404


def test_the_newest_issued_plan_with_a_root_comes_before_a_draft(commune_client, plan_2026, plan):
    plan_2026.status = PlanStatus.ISSUED
    plan_2026.save()
    later_plan(plan, 2027, code="test-draft-2027")

    assert commune_client.get(SCORECARD).context["plan"] == plan_2026


def test_a_province_leader_still_gets_every_plan_and_the_issued_one_first(client, make_user, plan, plan_2026):
    leader = make_user(Role.LEADER, "46")
    client.force_login(leader)

    response = client.get(SCORECARD)

    assert response.context["plan"] == plan
    assert set(response.context["plans"]) == {plan, plan_2026}


def test_a_2023_district_officer_is_offered_a_later_plan_only_for_its_2023_periods(
    make_user, plan, plan_2026
):
    officer = make_user(Role.DISTRICT_OFFICER, "478", unit_on=datetime.date(2023, 6, 1))
    assert plans_with_root(scope_for(officer)) == [plan]  # the 2026 plan offers 2026 alone: no district

    inputs = [ValueInput("LIVE_BIRTHS", "default", "19903", "2023S1", 300)]
    assert not import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False).conflicts

    assert plans_with_root(scope_for(officer)) == [plan_2026, plan]  # now it offers 2023's periods too


def test_the_home_page_of_a_2025_commune_officer_points_at_the_plan_of_its_tree(commune_client, plan_2026):
    response = commune_client.get("/")

    assert response.status_code == 200
    assert response.context["plan"] == plan_2026
    assert f"/ke-hoach/{plan_2026.code}/" in response.content.decode()


def test_a_chart_with_nothing_to_draw_says_there_are_no_figures(commune_client, plan_2026):
    response = commune_client.get(CHART, {"plan": plan_2026.code, "period": "2026", "unit": "19900"})

    html = response.content.decode()
    by_unit = html.split('id="bieu-do-don-vi"')[1].split("</section>")[0]
    assert response.status_code == 200
    assert "chưa có số liệu" in by_unit and "plotly-graph-div" not in by_unit
