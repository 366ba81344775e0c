"""Deadlines, one home: a deadline date ends at 23:59:59 in the province's time zone (settings.TIME_ZONE,
Asia/Ho_Chi_Minh), whatever the server's clock zone; lateness is counted in local calendar days; the days
a report's figures count (its data window) follow the period's calendar or Decree 09/2019/NĐ-CP."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .periods import period_dates


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def deadline_end(day: datetime.date) -> datetime.datetime:
    """The first instant after a deadline: 00:00 of the next day, local time. On time means before it."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=local_zone())


def local_date(moment: datetime.datetime) -> datetime.date:
    """The local calendar date of an instant."""
    return timezone.localtime(moment, local_zone()).date()


def on_local_days(field: str, first: datetime.date | None, last: datetime.date | None) -> Q:
    """Instants in `field` on the local days `first` to `last`, both included (None: no bound; the last
    date Python holds has no next day, so it bounds nothing)."""
    days = Q()
    if first is not None:
        days &= Q(
            **{f"{field}__gte": datetime.datetime.combine(first, datetime.time.min, tzinfo=local_zone())}
        )
    if last is not None and last < datetime.date.max:
        after = datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=local_zone()
        )
        days &= Q(**{f"{field}__lt": after})
    return days


def today() -> datetime.date:
    return local_date(timezone.now())


def is_on_time(moment: datetime.datetime, deadline: datetime.date) -> bool:
    return moment < deadline_end(deadline)


def days_late(moment: datetime.datetime, deadline: datetime.date) -> int:
    """Local calendar days between the deadline and the moment (0 when on time): handed in at 00:05 the
    day after is one day late."""
    return max(0, (local_date(moment) - deadline).days)


def days_left(deadline: datetime.date, now: datetime.datetime | None = None) -> int:
    """Days from today (local) to the deadline: 0 on the day, negative once it has passed."""
    return (deadline - local_date(now or timezone.now())).days


def data_window(period: str, window: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day whose figures a report of `period` counts.

    `calendar`: the period's own dates. `administrative` (Decree 09/2019/NĐ-CP, art. 12): a six-month
    report counts 15/12 of the year before to 14/6, the second half 15/6 to 14/12, a year's report 15/12
    of the year before to 14/12; other periods keep their calendar dates."""
    kind, start, end = period_dates(period)
    if window != "administrative" or kind not in ("yearly", "sixmonthly"):
        return start, end
    year = start.year
    if kind == "yearly":
        return datetime.date(year - 1, 12, 15), datetime.date(year, 12, 14)
    if start.month == 1:
        return datetime.date(year - 1, 12, 15), datetime.date(year, 6, 14)
    return datetime.date(year, 6, 15), datetime.date(year, 12, 14)
