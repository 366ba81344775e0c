"""DHIS2 period identifiers: `2023` (year), `2023S1`/`2023S2` (six months), `2023Q1`…`2023Q4`, `202301`…`202312`."""

from __future__ import annotations

import calendar
import datetime
import re

from django.utils.translation import gettext as _

from .models import Period, PeriodType

PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:S(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))?")


class PeriodError(ValueError):
    pass


def parse_period(code: str) -> tuple[str, datetime.date, datetime.date]:
    """(period_type, start, end) of a DHIS2 period id; PeriodError if it is not one."""
    match = PATTERN.fullmatch(code or "")
    if not match:
        raise PeriodError(f"kỳ '{code}' không hợp lệ (dạng 2023, 2023S1, 2023Q2 hoặc 202306)")
    year = int(match["year"])
    if year < 1000:
        raise PeriodError(f"kỳ '{code}' không hợp lệ (năm {year} không có thật)")
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


def get_period(code: str) -> Period:
    """The Period row for an id, created the first time it is used."""
    kind, start, end = parse_period(code)
    period, _ = Period.objects.get_or_create(
        code=code, defaults={"period_type": kind, "start_date": start, "end_date": end}
    )
    return period


def year_periods(year: int) -> list[str]:
    """The periods reports use for a year: both halves and the whole year."""
    return [f"{year}S1", f"{year}S2", str(year)]


def chronological(code: str) -> tuple:
    """Sort key: by end date, the longer period last among those ending together (2023S1, 2023S2, 2023)."""
    _kind, start, end = parse_period(code)
    return (end, -start.toordinal())


def find_period(code: str) -> Period:
    """The stored Period for an id, or an unsaved one with its dates: for reads, which must not write."""
    kind, start, end = parse_period(code)
    return Period.objects.filter(code=code).first() or Period(
        code=code, period_type=kind, start_date=start, end_date=end
    )


def contained_periods(period: Period):
    """The stored periods inside `period`, itself included: the ones that roll up into it."""
    return Period.objects.filter(start_date__gte=period.start_date, end_date__lte=period.end_date)


def previous_period(period: Period) -> Period:
    """The period of the same type just before (2023S1 → 2022S2, 2023 → 2022)."""
    kind, start, _ = parse_period(period.code)
    year = start.year
    if kind == PeriodType.YEARLY:
        return find_period(str(year - 1))
    if kind == PeriodType.SIXMONTHLY:
        return find_period(f"{year}S1" if start.month == 7 else f"{year - 1}S2")
    if kind == PeriodType.QUARTERLY:
        q = (start.month - 1) // 3 + 1
        return find_period(f"{year}Q{q - 1}" if q > 1 else f"{year - 1}Q4")
    return find_period(f"{year}{start.month - 1:02d}" if start.month > 1 else f"{year - 1}12")


def period_label(code: str) -> str:
    """In the active language: '6 tháng đầu năm 2023', 'Năm 2023'…"""
    kind, start, _end = parse_period(code)
    year = start.year
    if kind == PeriodType.YEARLY:
        return _("Năm %(year)s") % {"year": year}
    if kind == PeriodType.SIXMONTHLY:
        if start.month == 1:
            return _("6 tháng đầu năm %(year)s") % {"year": year}
        return _("6 tháng cuối năm %(year)s") % {"year": year}
    if kind == PeriodType.QUARTERLY:
        return _("Quý %(quarter)s/%(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": year}
    return _("Tháng %(month)02d/%(year)s") % {"month": start.month, "year": year}
