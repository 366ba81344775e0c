"""An accepted submission locks the figures it carries: the engine refuses to change them until the
province reopens it."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.indicators.datavalues import import_values
from treem.indicators.models import DataValue
from treem.indicators.value_inputs import ValueInput
from treem.reporting import selectors, services
from treem.reporting.models import ReportingRound, Submission
from treem.reporting.services import Entry
from treem.units.models import Agency

LOCKED = "số liệu đã được tiếp nhận"


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code="M-2023-05-25")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


def accepted(reporter, coordinator, rnd, code: str) -> Submission:
    agency = Agency.objects.get(code=code)
    entries = {t.code: Entry() for t in selectors.owed_tasks(rnd.plan, agency)}
    submission = services.do_save_submission(reporter, rnd, agency, note="", entries=entries)
    submission = services.do_submit(reporter, submission)
    return services.do_accept(coordinator, submission)


@pytest.fixture
def district_accepted(make_user, coordinator, rnd):
    return accepted(make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"), coordinator, rnd, "UBND-478")


def write(user, unit: str, period: str, element: str = "LIVE_BIRTHS", value: str = "7"):
    return import_values([ValueInput(element, "default", unit, period, value)], user=user)


def stored(unit: str, period: str, element: str = "LIVE_BIRTHS") -> bool:
    return DataValue.objects.filter(element__code=element, unit__code=unit, period__code=period).exists()


@pytest.mark.parametrize("period", ["2023S1", "202303"])
def test_a_figure_of_an_accepted_district_is_refused_with_the_reason(district_accepted, coordinator, period):
    summary = write(coordinator, "19903", period)

    assert summary.conflicts and LOCKED in str(summary.conflicts[0])
    assert "mở lại" in str(summary.conflicts[0])
    assert not stored("19903", period)


def test_another_districts_figure_is_accepted(district_accepted, coordinator):
    summary = write(coordinator, "19750", "2023S1")  # a commune of 474

    assert not summary.conflicts, summary.conflicts
    assert stored("19750", "2023S1")


def test_a_figure_of_the_next_half_year_is_accepted(district_accepted, coordinator):
    summary = write(coordinator, "19903", "2023S2")

    assert not summary.conflicts, summary.conflicts
    assert stored("19903", "2023S2")


def test_a_draft_or_submitted_report_locks_nothing(make_user, coordinator, rnd):
    district = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    agency = Agency.objects.get(code="UBND-478")
    entries = {t.code: Entry() for t in selectors.owed_tasks(rnd.plan, agency)}
    services.do_submit(district, services.do_save_submission(district, rnd, agency, note="", entries=entries))

    assert not write(coordinator, "19903", "2023S1").conflicts


def test_after_reopening_the_figure_can_be_written(district_accepted, coordinator):
    assert write(coordinator, "19903", "2023S1").conflicts

    services.do_reopen(coordinator, district_accepted, "Huyện xin sửa số trẻ đẻ sống.")
    summary = write(coordinator, "19903", "2023S1")

    assert not summary.conflicts, summary.conflicts
    assert stored("19903", "2023S1")


def test_an_agencys_accepted_report_locks_only_the_elements_it_supplies(make_user, coordinator, rnd):
    accepted(make_user(Role.AGENCY_REPORTER, None, "SYT"), coordinator, rnd, "SYT")

    health = write(coordinator, "19750", "2023S1", "LIVE_BIRTHS")  # supplied by Sở Y tế
    welfare = write(coordinator, "19750", "2023S1", "CHILDREN_TOTAL", "1200")  # supplied by Sở LĐ-TB&XH

    assert health.conflicts and LOCKED in str(health.conflicts[0])
    assert not welfare.conflicts, welfare.conflicts
    assert stored("19750", "2023S1", "CHILDREN_TOTAL") and not stored("19750", "2023S1", "LIVE_BIRTHS")
