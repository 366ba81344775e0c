"""Rounds, submissions, task progress and reminders of a plan reach only the bodies that existed in the
plan's year: a 2023 plan never addresses the 2025 commune committees (even when a group it names gains
them), and a 2026 plan never addresses a 2023 district committee or the Department of Labour."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from treem.accounts.policy import scope_for
from treem.plans.models import Milestone, Plan, Task
from treem.reporting import selectors, services
from treem.reporting.models import Reminder, ReportingRound
from treem.reporting.reminders import run_pass
from treem.units import agency_loading
from treem.units.models import AdministrativeUnit, Agency
from treem.units.tests.test_agency_reform import FILE_2025, make_2025_communes

D = datetime.date
ROUND_2023 = "M-2023-05-25"  # the departments, the unions and the district committees each report


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


@pytest.fixture
def reform(db) -> None:
    """The bodies of Huế city after 2025 beside the 2023 ones; and the 2023 group of district committees
    redefined to hold a 2025 commune committee too (a group definition changed after the fact)."""
    make_2025_communes()
    agency_loading.load_agencies(FILE_2025)
    agency("UBND-HUYEN").members.add(agency("UBND-19900"))


@pytest.fixture
def plan_2026(reform) -> Plan:
    plan = Plan.objects.create(
        code="hue-thu-2026", year=2026, title="Kế hoạch thử năm 2026",
        province=AdministrativeUnit.objects.version_of("46", on=D(2026, 1, 1)), owner=agency("SYT"),
    )  # fmt: skip
    milestone = Milestone.objects.create(
        plan=plan, code="M-2026-06-15", date=D(2026, 6, 15), kind="report", period="2026S1",
        description="Báo cáo sáu tháng",
    )  # fmt: skip
    # Names the 2023 bodies too (a plan copied without care): they owe nothing in 2026.
    milestone.reporters.set(Agency.objects.filter(code__in=["SO-NGANH", "UBND-HUYEN", "UBND-XA", "SLDTBXH"]))
    Task.objects.create(plan=plan, code="T1", section=4, agency=agency("SO-NGANH"), text="Truyền thông")
    services.sync_rounds(plan)
    return plan


def owed_codes(plan_code: str, round_code: str) -> set[str]:
    rnd = ReportingRound.objects.get(plan__code=plan_code, code=round_code)
    return {body.code for body in selectors.owed_bodies(rnd.milestone)}


def test_a_2023_round_never_reaches_a_2025_body_even_through_a_group_that_gained_it(reform):
    owed = owed_codes("tth-2023", ROUND_2023)
    assert {"SLDTBXH", "UBND-478", "SYT"} <= owed
    assert "UBND-19900" not in owed and "SNV" not in owed and not any(c.startswith("UBND-2") for c in owed)


def test_a_2026_round_never_reaches_a_2023_district_committee_or_department(plan_2026):
    owed = owed_codes("hue-thu-2026", "M-2026-06-15")
    assert {"SYT", "SNV", "UBND-19900", "UBND-20014"} <= owed
    assert not owed & {"SLDTBXH", "UBND-478", "STTTT", "SKHDT"}
    assert sum(1 for code in owed if code.startswith("UBND-")) == 40


def test_reminders_of_each_plan_go_to_the_bodies_of_its_year(plan_2026, make_user):
    make_user("agency_reporter", None, "UBND-478", email="huyen478@example.vn")
    make_user("agency_reporter", None, "UBND-19900", email="thuanan@example.vn")
    make_user("agency_reporter", None, "SLDTBXH", email="laodong@example.vn")
    run_pass(today=D(2023, 5, 20))
    run_pass(today=D(2026, 6, 10))
    to = {address for message in mail.outbox for address in message.to}
    assert to == {"huyen478@example.vn", "laodong@example.vn", "thuanan@example.vn"}
    by_round = set(Reminder.objects.values_list("round__code", "agency__code"))
    assert by_round == {
        (ROUND_2023, "UBND-478"), (ROUND_2023, "SLDTBXH"), ("M-2026-06-15", "UBND-19900"),
    }  # fmt: skip


def test_a_body_of_another_year_may_not_report_at_a_round(plan_2026, make_user):
    commune = make_user("agency_reporter", None, "UBND-19900")
    district = make_user("agency_reporter", None, "UBND-478")
    old_round = ReportingRound.objects.get(plan__code="tth-2023", code=ROUND_2023)
    new_round = ReportingRound.objects.get(plan=plan_2026)
    with pytest.raises(services.ReportingError):
        services.do_save_submission(commune, old_round, agency("UBND-19900"), note="", entries={})
    with pytest.raises(services.ReportingError):
        services.do_save_submission(district, new_round, agency("UBND-478"), note="", entries={})
    saved = services.do_save_submission(commune, new_round, agency("UBND-19900"), note="Đã làm", entries={})
    assert saved.agency.code == "UBND-19900"


def test_what_a_body_still_owes_lists_only_plans_of_years_it_existed_in(plan_2026, make_user):
    district = {
        (o.plan.code, o.agency.code)
        for o in selectors.owed_by(scope_for(make_user("agency_reporter", None, "UBND-478")))
    }
    commune = {
        (o.plan.code, o.agency.code)
        for o in selectors.owed_by(scope_for(make_user("agency_reporter", None, "UBND-19900")))
    }
    assert ("tth-2023", "UBND-478") in district and ("hue-thu-2026", "UBND-478") not in district
    assert commune == {("hue-thu-2026", "UBND-19900")}


def test_the_board_and_task_progress_of_each_plan_show_the_bodies_of_its_year(plan_2026, make_user):
    scope = scope_for(make_user("province_coordinator", "46", "SYT"))
    rows_2026 = {row.agency.code for row in selectors.board(scope, plan_2026).rows}
    rows_2023 = {row.agency.code for row in selectors.board(scope, Plan.objects.get(code="tth-2023")).rows}
    assert "UBND-19900" in rows_2026 and "UBND-478" not in rows_2026 and "SLDTBXH" not in rows_2026
    assert "UBND-478" in rows_2023 and "UBND-19900" not in rows_2023 and "SNV" not in rows_2023
    progress = selectors.task_progress(scope, ReportingRound.objects.get(plan=plan_2026))
    bodies = {body.agency.code for row in progress for body in row.bodies}
    assert "SNV" in bodies and "SYT" in bodies and "SLDTBXH" not in bodies
