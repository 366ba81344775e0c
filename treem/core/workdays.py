"""Working days, one home: the clocks of time limits counted in working days ("trong thời hạn 5 ngày làm
việc", Decree 56/2017/NĐ-CP on child protection cases) or in clock hours (the 12-hour emergency limit).

Rules:

- A working day is a Monday to Friday that is not a Vietnamese public holiday, as the `holidays` package
  gives them for VN (`holidays.country_holidays("VN")`): New Year, Tết (the days off around Lunar New
  Year), Hùng Kings, 30/4, 1/5, National Day, and the days off the government moves to bridge a holiday
  (e.g. Mon 29/04/2024). The Saturday worked in exchange for such a day off (e.g. Sat 04/05/2024) is a
  working day: the package lists it in `weekend_workdays`. Holidays are read once per year and cached.
- An office adds days of its own (`days_off`: a local event, a day the office is closed); those are not
  working days for it.
- Days are local calendar days in settings.TIME_ZONE (Asia/Ho_Chi_Minh), whatever the server's zone: a case
  received at 23:30 local time (16:30 UTC) was received that local day, one received at 00:30 local time
  (17:30 UTC the day before) the next.
- "Within n working days" of a receipt: the day of receipt does not count; the limit runs to the end of the
  n-th working day after it, i.e. to 00:00 local time of the following calendar day (the first instant
  after the deadline, as `treem.core.deadlines.deadline_end`); on time means before that instant. A receipt
  on a weekend or holiday counts from the next working day on.
- Hour limits are plain elapsed hours (weekends and nights count): `add_hours`.
- `working_days_between(a, b)` counts the working days after `a` up to and including `b`, so that
  `working_days_between(local date of start, deadline day) == n` for the deadline of n working days.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from functools import lru_cache

import holidays

from .deadlines import deadline_end, local_date, local_zone

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=64)
def _year_calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(public holidays and days off, weekend days worked in exchange) of one year in Vietnam."""
    calendar = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    weekend_workdays = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    return days_off, weekend_workdays


def is_public_holiday(day: datetime.date) -> bool:
    """A Vietnamese public holiday or a day off the government moved to bridge one."""
    return day in _year_calendar(day.year)[0]


def is_working_day(day: datetime.date, *, days_off: Collection[datetime.date] = ()) -> bool:
    """Mon–Fri (or a weekend day worked in exchange for a bridging day off), not a public holiday, and not
    one of the office's own `days_off`."""
    if day in days_off:
        return False
    holidays_of_year, weekend_workdays = _year_calendar(day.year)
    if day in holidays_of_year:
        return False
    return day.weekday() < SATURDAY or day in weekend_workdays


def next_working_day(day: datetime.date, *, days_off: Collection[datetime.date] = ()) -> datetime.date:
    """The first working day strictly after `day`."""
    day += ONE_DAY
    while not is_working_day(day, days_off=days_off):
        day += ONE_DAY
    return day


def working_day_after(
    day: datetime.date, n: int, *, days_off: Collection[datetime.date] = ()
) -> datetime.date:
    """The n-th working day after `day` (n ≥ 1; `day` itself never counts)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    for _ in range(n):
        day = next_working_day(day, days_off=days_off)
    return day


def add_working_days(
    start: datetime.datetime, n: int, *, days_off: Collection[datetime.date] = ()
) -> datetime.datetime:
    """The deadline of "within n working days" from the instant `start` (an aware datetime): 00:00 local time
    of the calendar day after the n-th working day after the local date of `start`. On time means before it."""
    return deadline_end(working_day_after(local_date(start), n, days_off=days_off))


def add_hours(start: datetime.datetime, hours: int) -> datetime.datetime:
    """`hours` elapsed clock hours after the instant `start` (an aware datetime), in local time. Counted on
    the UTC time line, so a change of offset could never shorten or lengthen the limit."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("add_hours needs an aware datetime")
    moment = start.astimezone(datetime.UTC) + datetime.timedelta(hours=hours)
    return moment.astimezone(local_zone())


def working_days_between(
    a: datetime.date, b: datetime.date, *, days_off: Collection[datetime.date] = ()
) -> int:
    """The working days after `a` up to and including `b`; negative when `b` is before `a`
    (working_days_between(b, a) == -working_days_between(a, b))."""
    if b < a:
        return -working_days_between(b, a, days_off=days_off)
    count = 0
    day = a + ONE_DAY
    while day <= b:
        count += is_working_day(day, days_off=days_off)
        day += ONE_DAY
    return count
