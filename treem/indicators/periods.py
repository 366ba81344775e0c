"""The engine's Period rows, built from `treem.core.periods` (which parses, names and orders period ids).

Writes create a period the first time it is used (`get_period`); reads never do (`find_period`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from treem.core.periods import parse_period, period_dates, previous_period_code

from .models import Period


def get_period(code: str) -> Period:
    """The Period row for an id, created the first time it is used."""
    kind, start, end = parse_period(code)
    period, _ = Period.objects.get_or_create(
        code=code, defaults={"period_type": kind, "start_date": start, "end_date": end}
    )
    return period


def find_period(code: str) -> Period:
    """The stored Period for an id, or an unsaved one with its dates: for reads, which must not write."""
    kind, start, end = parse_period(code)
    return Period.objects.filter(code=code).first() or Period(
        code=code, period_type=kind, start_date=start, end_date=end
    )


def span_of(codes: Iterable[str]) -> tuple[datetime.date, datetime.date]:
    """From the first day of the earliest to the last day of the latest of these valid period ids: the
    window in which a unit code given with them is looked up (`version_of(code, during=...)`)."""
    dates = [period_dates(code)[1:] for code in codes]
    return min(start for start, _end in dates), max(end for _start, end in dates)


def contained_periods(period: Period) -> QuerySet[Period]:
    """The stored periods inside `period`, itself included: the ones that roll up into it."""
    return Period.objects.filter(start_date__gte=period.start_date, end_date__lte=period.end_date)


def previous_period(period: Period) -> Period:
    """The period of the same type just before (2023S1 → 2022S2, 2023 → 2022); it may lie before the
    allowed years, since it is only read."""
    code = previous_period_code(period.code)
    kind, start, end = period_dates(code)
    return Period.objects.filter(code=code).first() or Period(
        code=code, period_type=kind, start_date=start, end_date=end
    )
