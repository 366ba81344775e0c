"""Figures derived from case records: notified, timely first intervention, open, closed by time to closure."""

# ruff: noqa: F811  (the fixtures imported from derivation_helpers are test arguments)

from __future__ import annotations

import datetime

import pytest

from treem.accounts.models import Role
from treem.cases.services import do_register_notification
from treem.cases.tests.conftest import SECRET, notification
from treem.cases.tests.procedure_steps import THROUGH_CLOSURE, record

from .derivation_helpers import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    YEAR,
    committed,  # noqa: F401  (fixture)
    derived_from_last_year,  # noqa: F401  (fixture)
    figure,
    local,
)

pytestmark = pytest.mark.usefixtures("derived_from_last_year")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def manager(make_user):
    return make_user(Role.CASE_MANAGER, PROVINCE)


@pytest.fixture
def notify(manager, committed):
    def make(received_at: datetime.datetime, **extra):
        return committed(
            do_register_notification,
            manager,
            commune_code=COMMUNE,
            values=notification(received_at, **extra),
            secret_values=SECRET,
            at=received_at,
        )

    return make


def test_a_violence_case_assessed_in_time_counts_as_notified_and_timely(manager, notify, committed):
    case = notify(local(5, 10, 9))
    assert figure("CASES_NOTIFIED", COMMUNE) == 1
    assert figure("CASES_SUPPORTED_TIMELY", COMMUNE) == 0

    committed(record, manager, case, "initial_assessment", local(5, 10, 9) + 2 * HOUR)

    assert figure("CASES_SUPPORTED_TIMELY", COMMUNE) == 1
    assert figure("CASES_SUPPORTED_TIMELY", DISTRICT) == 1
    assert figure("CASES_NOTIFIED", PROVINCE) == 1
    assert figure("CASES_NOTIFIED", COMMUNE, f"{YEAR}Q2") == 1
    assert figure("CASES_NOTIFIED", COMMUNE, f"{YEAR}Q3") == 0


def test_a_late_initial_assessment_is_not_timely(manager, notify, committed):
    case = notify(local(5, 10, 9))

    committed(record, manager, case, "initial_assessment", local(5, 10, 9) + 20 * HOUR)

    assert figure("CASES_NOTIFIED", COMMUNE) == 1
    assert figure("CASES_SUPPORTED_TIMELY", COMMUNE) == 0


def test_a_case_of_another_harm_is_not_notified_under_the_indicator(notify):
    notify(local(5, 10, 9), harms=["neglect"])

    assert figure("CASES_NOTIFIED", COMMUNE) == 0
    assert figure("CASES_OPEN", COMMUNE) == 1  # open cases count every harm


def test_a_case_received_late_on_31_december_counts_in_that_year_by_local_time(notify):
    notify(local(12, 31, 23, 30))

    assert figure("CASES_NOTIFIED", COMMUNE) == 1
    assert figure("CASES_NOTIFIED", COMMUNE, f"{YEAR}Q4") == 1


def test_closing_a_case_takes_it_off_the_open_cases_into_its_band_of_days(manager, notify, committed):
    received = local(3, 2, 9)
    case = notify(received)
    assert figure("CASES_OPEN", COMMUNE) == 1

    for i, step in enumerate(THROUGH_CLOSURE):
        committed(record, manager, case, step, received + 2 * HOUR + i * 5 * DAY)  # closed 40 days after

    assert figure("CASES_OPEN", COMMUNE) == 0
    assert figure("CASES_OPEN", COMMUNE, f"{YEAR}Q1") == 1  # still open on 31/03
    assert figure("CASES_CLOSED", COMMUNE, combo="from_31_to_90_days") == 1
    assert figure("CASES_CLOSED", COMMUNE, combo="within_30_days") == 0
    assert figure("CASES_CLOSED", COMMUNE, combo="over_90_days") == 0
    assert figure("CASES_CLOSED", PROVINCE) == 1
    assert figure("CASES_CLOSED", COMMUNE, f"{YEAR}Q1") == 0
    assert figure("CASES_CLOSED", COMMUNE, f"{YEAR}Q2") == 1


def test_closure_bands_count_local_calendar_days(manager, notify, committed):
    """Received 01:00 on 1/6, closed 23:00 on 1/7: 30 local calendar days (over 30 × 24 hours, and 31 UTC
    dates apart), within 30 days. Received 23:00 on 1/6, closed 00:30 on 2/7: 31 local days (30 UTC
    dates apart), the next band."""
    first = notify(local(6, 1, 1))
    second = notify(local(6, 1, 23))
    for i, step in enumerate(THROUGH_CLOSURE[:-1]):
        for case in (first, second):
            committed(record, manager, case, step, local(6, 2, 1) + i * HOUR)
    committed(record, manager, first, "closure", local(7, 1, 23))
    committed(record, manager, second, "closure", local(7, 2, 0, 30))

    assert figure("CASES_CLOSED", COMMUNE, combo="within_30_days") == 1
    assert figure("CASES_CLOSED", COMMUNE, combo="from_31_to_90_days") == 1
