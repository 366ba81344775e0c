"""When derived figures are recomputed: at once for the periods holding today, in the background for
earlier periods a back-dated record alters, and every night for every province."""

# ruff: noqa: F811  (the fixtures imported from derivation_helpers are test arguments)

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from treem.accounts.models import Role
from treem.celery import app
from treem.indicators.models import DataValue
from treem.register import derivation, tasks
from treem.register.services import do_add_circumstance, do_register_child

from .derivation_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    PERIOD,
    PROVINCE,
    YEAR,
    committed,  # noqa: F401  (fixture)
    day,
    derived_from_last_year,  # noqa: F401  (fixture)
    figure,
)

pytestmark = pytest.mark.usefixtures("derived_from_last_year")


@pytest.fixture
def manager(make_user):
    return make_user(Role.CASE_MANAGER, PROVINCE)


def test_a_change_names_the_periods_from_its_day_to_today_and_their_years():
    periods = derivation.periods_between(day(5, 20), day(8, 3), day(1, 1))

    assert periods == [PERIOD, f"{YEAR}S1", f"{YEAR}S2", f"{YEAR}Q2", f"{YEAR}Q3"]
    assert derivation.periods_between(day(5, 20), day(8, 3), day(7, 1)) == [f"{YEAR}S2", f"{YEAR}Q3"]


def test_a_year_is_written_with_its_halves_and_quarters():
    assert derivation.overlapping_periods([f"{YEAR}Q2"]) == [PERIOD, f"{YEAR}S1", f"{YEAR}Q2"]
    assert len(derivation.overlapping_periods([PERIOD])) == 7


def test_a_change_recomputes_only_its_communes(manager, committed):
    child = committed(
        do_register_child, manager, commune_code=COMMUNE, name="Trẻ A", date_of_birth=day(1, 1, YEAR - 3)
    )
    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 1
    assert not DataValue.objects.filter(unit__code=OTHER_COMMUNE).exists()


def test_earlier_periods_of_a_back_dated_change_go_to_the_background(manager, committed, monkeypatch):
    deferred = []
    monkeypatch.setattr(tasks, "defer_derive_communes", lambda ids, periods: deferred.append((ids, periods)))
    child = committed(
        do_register_child, manager, commune_code=COMMUNE, name="Trẻ A", date_of_birth=day(1, 1, YEAR - 3)
    )

    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))

    current = set(derivation.current_periods())
    assert deferred and all(PERIOD in periods and not current & set(periods) for _ids, periods in deferred)
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) is None  # last year's figure waits for the job


def test_the_nightly_task_brings_every_province_up_to_date(manager):
    child = do_register_child(manager, commune_code=COMMUNE, name="Trẻ A", date_of_birth=day(1, 1, YEAR - 3))
    do_add_circumstance(manager, child, group="orphan_both", started_on=day(3, 1))  # receivers not run

    refused = tasks.derive_current_periods.delay(datetime.date(YEAR, 12, 31).isoformat()).get()

    assert refused == 0
    assert figure("SPECIAL_CIRCUMSTANCES", PROVINCE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", OTHER_COMMUNE) == 0
    assert DataValue.objects.filter(
        element__code="SPECIAL_CIRCUMSTANCES", unit__path__startswith="48/"
    ).exists()


def test_the_nightly_schedule_names_the_task():
    entry = settings.CELERY_BEAT_SCHEDULE["derive-figures"]

    assert entry["task"] == tasks.derive_current_periods.name
    assert entry["task"] in app.tasks
