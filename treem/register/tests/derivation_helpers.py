"""What the derivation tests share: a year whose periods are derived and over (last year, so the tests hold
whatever day they run), record changes that run the receivers as a committed request would, and the
figure the scorecard reads for a unit (the engine's aggregation over the unit tree)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from treem.core.deadlines import today
from treem.indicators.aggregation import subtree_sums, term_total
from treem.indicators.expressions import parse
from treem.indicators.models import DataElement
from treem.indicators.periods import contained_periods, find_period
from treem.units.models import AdministrativeUnit

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE, OTHER_COMMUNE, DISTRICT, PROVINCE = "19903", "19900", "478", "46"
YEAR = today().year - 1  # a whole year in the past: every as-of day is its 31/12
PERIOD = str(YEAR)


def day(month: int, dom: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, dom)


def local(month: int, dom: int, hour: int = 9, minute: int = 0, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, dom, hour, minute, tzinfo=HUE)


@pytest.fixture
def derived_from_last_year(db):
    """The plan's derived elements, derived from 1/1 of last year (Celery tasks run at once: no broker)."""
    DataElement.objects.exclude(derived_rule="").update(derived_since=day(1, 1))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(fn, *args, **kwargs): call a service and run what it left for after the commit (the
    signal that recomputes derived figures), as the end of a request does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def figure(element: str, unit_code: str, period: str = PERIOD, combo: str | None = None) -> Decimal | None:
    """The unit's figure as the scorecard reads it: Σ over its subtree of the periods inside `period`."""
    unit = AdministrativeUnit.objects.get(code=unit_code)
    elements = {e.code: e for e in DataElement.objects.filter(code=element).prefetch_related("combos")}
    periods = list(contained_periods(find_period(period)).order_by("-end_date", "start_date"))
    sums = subtree_sums([unit], list(elements.values()), periods)
    term = f"#{{{element}.{combo}}}" if combo else f"#{{{element}}}"
    total, _units = term_total(parse(term), unit, elements, sums, periods)
    return total
