"""Reporting periods, one home: DHIS2 identifiers (`2023`, `2023S1`, `2023Q2`, `202306`), their dates,
their order, the period before, the periods of a year, their names in the active language, and the years
treem accepts at all.

This module knows no database: the engine's `Period` rows (indicators.periods) are built from it.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:S(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))?")


class PeriodType(models.TextChoices):
    YEARLY = "yearly", _("Năm")
    SIXMONTHLY = "sixmonthly", _("6 tháng")
    QUARTERLY = "quarterly", _("Quý")
    MONTHLY = "monthly", _("Tháng")


class PeriodError(ValueError):
    pass


def allowed_years(today: datetime.date | None = None) -> range:
    """The years a period may fall in: from TREEM_FIRST_YEAR to TREEM_YEARS_AHEAD years after this one.
    A year far from any plan (1000, 2099) is a typing mistake, not a report."""
    today = today or datetime.date.today()
    return range(settings.TREEM_FIRST_YEAR, today.year + settings.TREEM_YEARS_AHEAD + 1)


def period_dates(code: str) -> tuple[str, datetime.date, datetime.date]:
    """(period type, first day, last day) of a DHIS2 period id, for any calendar year; PeriodError if the
    id is not one. Use `parse_period` for input, which also checks the year is one treem accepts."""
    match = PATTERN.fullmatch(code) if isinstance(code, str) else None
    if not match:
        raise PeriodError(
            gettext("kỳ '%(code)s' không hợp lệ (dạng 2023, 2023S1, 2023Q2 hoặc 202306)") % {"code": code}
        )
    year = int(match["year"])
    if year < 1000:
        raise PeriodError(
            gettext("kỳ '%(code)s' không hợp lệ (năm %(year)s không có thật)") % {"code": code, "year": year}
        )
    if match["half"]:
        first, months, kind = (int(match["half"]) - 1) * 6 + 1, 6, PeriodType.SIXMONTHLY
    elif match["quarter"]:
        first, months, kind = (int(match["quarter"]) - 1) * 3 + 1, 3, PeriodType.QUARTERLY
    elif match["month"]:
        first, months, kind = int(match["month"]), 1, PeriodType.MONTHLY
    else:
        first, months, kind = 1, 12, PeriodType.YEARLY
    last = first + months - 1
    return kind, datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])


def parse_period(code: str) -> tuple[str, datetime.date, datetime.date]:
    """(period type, first day, last day) of a period id typed or sent to treem; PeriodError (in the
    active language) if it is not a period id or its year is outside `allowed_years`."""
    kind, start, end = period_dates(code)
    years = allowed_years()
    if start.year not in years:
        raise PeriodError(
            gettext("kỳ '%(code)s': năm %(year)s nằm ngoài các năm được phép (%(first)s–%(last)s)")
            % {"code": code, "year": start.year, "first": years[0], "last": years[-1]}
        )
    return kind, start, end


def year_periods(year: int) -> list[str]:
    """The periods reports use for a year: both halves and the whole year."""
    return [f"{year}S1", f"{year}S2", str(year)]


def chronological(code: str) -> tuple[datetime.date, int]:
    """Sort key: by end date, the longer period last among those ending together (2023S1, 2023S2, 2023)."""
    _kind, start, end = period_dates(code)
    return (end, -start.toordinal())


def offered_periods(years: Iterable[int], extra: Iterable[str] = ()) -> list[str]:
    """The periods a page offers: both halves and the whole of each year, plus `extra` ids that are valid
    periods of an allowed year, in time order."""
    codes = {code for year in years if year in allowed_years() for code in year_periods(year)}
    for code in extra:
        try:
            parse_period(code)
        except PeriodError:
            continue
        codes.add(code)
    return sorted(codes, key=chronological)


def previous_period_code(code: str) -> str:
    """The period of the same type just before (2023S1 → 2022S2, 2023 → 2022, 2023Q1 → 2022Q4)."""
    kind, start, _ = period_dates(code)
    year = start.year
    if kind == PeriodType.YEARLY:
        return str(year - 1)
    if kind == PeriodType.SIXMONTHLY:
        return f"{year}S1" if start.month == 7 else f"{year - 1}S2"
    if kind == PeriodType.QUARTERLY:
        q = (start.month - 1) // 3 + 1
        return f"{year}Q{q - 1}" if q > 1 else f"{year - 1}Q4"
    return f"{year}{start.month - 1:02d}" if start.month > 1 else f"{year - 1}12"


def period_label(code: str) -> str:
    """In the active language: '6 tháng đầu năm 2023', 'Năm 2023', 'Quý 2/2023', 'Tháng 06/2023'."""
    kind, start, _end = period_dates(code)
    year = start.year
    if kind == PeriodType.YEARLY:
        return gettext("Năm %(year)s") % {"year": year}
    if kind == PeriodType.SIXMONTHLY:
        if start.month == 1:
            return gettext("6 tháng đầu năm %(year)s") % {"year": year}
        return gettext("6 tháng cuối năm %(year)s") % {"year": year}
    if kind == PeriodType.QUARTERLY:
        return gettext("Quý %(quarter)s/%(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": year}
    return gettext("Tháng %(month)02d/%(year)s") % {"month": start.month, "year": year}


def period_days(code: str) -> tuple[int, int]:
    """(days in the period, days in its calendar year): 2023S1 → (181, 365), 2024S1 → (182, 366), 2023 →
    (365, 365). A rate over a yearly stock is scaled to the year by their ratio (DHIS2's `annualized`)."""
    _kind, start, end = period_dates(code)
    year_days = 366 if calendar.isleap(start.year) else 365
    return (end - start).days + 1, year_days
