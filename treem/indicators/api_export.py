"""The query of a dataValueSets read (GET /api/dataValueSets), checked whole, and the answer's format.

DHIS2's parameters treem supports: period (repeatable) or startDate + endDate (the periods lying within
them), orgUnit (repeatable), children, dataElement (repeatable), lastUpdated, includeDeleted, and the id
schemes when CODE. Any other parameter is refused, naming it: a filter silently ignored would answer with
more than was asked (docs/indicators.md, "DHIS2 Web API")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from treem.core.api import codes_in, period_problems
from treem.core.errors import InputErrors
from treem.core.uploads import excerpt

from .models import Period
from .periods import span_of

ID_SCHEMES = ("idScheme", "dataElementIdScheme", "orgUnitIdScheme")
SUPPORTED = {
    "period",
    "startDate",
    "endDate",
    "orgUnit",
    "children",
    "dataElement",
    "lastUpdated",
    "includeDeleted",
    *ID_SCHEMES,
}
FLAGS = {"true": True, "false": False}
CSV_TYPES = ("application/csv", "text/csv")
JSON_RANGES = ("application/json", "application/*", "*/*")
MOST_CODES = 1000  # codes in one parameter (commas included); the query string's own limit comes first
# Each unit asked is its own scope lookup and small-count computation; more units than a district has
# communes are asked for as their parent with children=true.
MOST_UNITS = 50


@dataclass(frozen=True)
class ExportQuery:
    periods: list[str]  # period codes: those asked, and the stored periods within startDate … endDate
    span: tuple[datetime.date, datetime.date] | None  # None: no period at all within the dates asked
    units: list[str]
    children: bool
    elements: list[str]
    last_updated: datetime.datetime | None
    include_deleted: bool


def codes(query: QueryDict, name: str) -> list[str]:
    """A repeatable parameter (`?period=2023S1&period=2023S2`), commas also accepted; each code once."""
    return list(dict.fromkeys(codes_in(query, name)))


def export_query(query: QueryDict) -> ExportQuery:
    """The read asked for; InputErrors naming every problem (Vietnamese) when any."""
    if any("\x00" in value for _name, values in query.lists() for value in values):
        raise InputErrors([_("Tham số không được chứa ký tự NUL.")])  # PostgreSQL cannot compare them
    problems = [
        _("Tham số '%(name)s' không được hỗ trợ.") % {"name": excerpt(name)}
        + (" " + _("treem không có data set: hãy chọn dataElement.") if name == "dataSet" else "")
        for name in query
        if name not in SUPPORTED
    ]
    for name in ID_SCHEMES:
        for value in query.getlist(name):
            if value.strip().upper() != "CODE":
                problems.append(
                    _("%(name)s=%(value)s không được hỗ trợ: treem chỉ dùng mã (CODE).")
                    % {"name": name, "value": excerpt(value)}
                )
    children = _flag(query, "children", problems)
    include_deleted = _flag(query, "includeDeleted", problems)
    asked = codes(query, "period")
    problems += period_problems(asked)
    dates = _dates(query, problems)
    if not asked and dates is None and not any(name in query for name in ("startDate", "endDate")):
        problems.append(_("Thiếu tham số period (mã kỳ DHIS2, ví dụ 2023S1) hoặc startDate và endDate."))
    units = codes(query, "orgUnit")
    if not units:
        problems.append(_("Thiếu tham số orgUnit (mã đơn vị hành chính)."))
    elements = codes(query, "dataElement")
    for name, found, most in (
        ("period", asked, MOST_CODES),
        ("orgUnit", units, MOST_UNITS),
        ("dataElement", elements, MOST_CODES),
    ):
        if len(found) > most:
            problems.append(
                _("Tham số %(name)s có %(n)d mã, nhiều hơn giới hạn %(most)d.")
                % {"name": name, "n": len(found), "most": most}
            )
    last_updated = _moment(query, problems)
    if problems:
        raise InputErrors(problems)
    periods = list(asked)
    if dates is not None:
        within = Period.objects.filter(start_date__gte=dates[0], end_date__lte=dates[1])
        periods += [code for code in within.values_list("code", flat=True) if code not in asked]
    return ExportQuery(
        periods=periods,
        span=_span(asked, dates) if periods else None,
        units=units,
        children=bool(children),
        elements=elements,
        last_updated=last_updated,
        include_deleted=bool(include_deleted),
    )


def _flag(query: QueryDict, name: str, problems: list[str]) -> bool:
    values = {value.strip().lower() for value in query.getlist(name)}
    if not values:
        return False
    if len(values) == 1 and (value := values.pop()) in FLAGS:
        return FLAGS[value]
    problems.append(
        _("Tham số %(name)s phải là true hoặc false, không phải '%(value)s'.")
        % {"name": name, "value": excerpt(",".join(query.getlist(name)))}
    )
    return False


def _one(query: QueryDict, name: str, problems: list[str]) -> str | None:
    values = query.getlist(name)
    if len(values) > 1:
        problems.append(_("Tham số %(name)s chỉ được có một giá trị.") % {"name": name})
        return None
    return values[0].strip() if values else None


def _dates(query: QueryDict, problems: list[str]) -> tuple[datetime.date, datetime.date] | None:
    """startDate and endDate (yyyy-mm-dd, both or neither, in order)."""
    given = {name: _one(query, name, problems) for name in ("startDate", "endDate")}
    if all(value is None for value in given.values()):
        return None
    found: dict[str, datetime.date] = {}
    for name, value in given.items():
        if value is None:
            problems.append(_("Có startDate hoặc endDate thì phải có cả hai."))
            return None
        day = _date(value)
        if day is None:
            problems.append(
                _("Tham số %(name)s phải là ngày dạng yyyy-mm-dd, không phải '%(value)s'.")
                % {"name": name, "value": excerpt(value)}
            )
        else:
            found[name] = day
    if len(found) < 2:
        return None
    if found["startDate"] > found["endDate"]:
        problems.append(_("startDate phải trước hoặc bằng endDate."))
        return None
    return found["startDate"], found["endDate"]


def _date(text: str) -> datetime.date | None:
    try:
        return parse_date(text) if len(text) == 10 else None
    except ValueError:  # the shape of a date, not a day of the calendar (2023-02-30)
        return None


def _moment(query: QueryDict, problems: list[str]) -> datetime.datetime | None:
    """lastUpdated: an ISO date (its first moment) or date and time; without an offset, treem's time zone
    (DHIS2 reads it in the server's)."""
    text = _one(query, "lastUpdated", problems)
    if text is None:
        return None
    moment: datetime.datetime | None = None
    try:
        if len(text) == 10:
            day = parse_date(text)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
        elif len(text) <= 40:
            moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        problems.append(
            _(
                "Tham số lastUpdated phải là ngày (yyyy-mm-dd) hoặc ngày giờ ISO (2023-07-01T08:00:00), "
                "không phải '%(value)s'."
            )
            % {"value": excerpt(text)}
        )
        return None
    try:
        aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        aware.astimezone(datetime.UTC)  # year 1 east of Greenwich, year 9999 west of it: out of range
    except (OverflowError, ValueError):
        problems.append(_("Tham số lastUpdated nằm ngoài khoảng thời gian đọc được."))
        return None
    return aware


def _span(
    asked: Iterable[str], dates: tuple[datetime.date, datetime.date] | None
) -> tuple[datetime.date, datetime.date]:
    """The window in which the orgUnit codes are looked up: after the 2025 reform one code names a unit
    of before and one of after."""
    spans = [span_of(asked)] if asked else []
    if dates is not None:
        spans.append(dates)
    return min(start for start, _end in spans), max(end for _start, end in spans)


def csv_answer(accept: str, suffix: str | None) -> str | None:
    """The content type of a CSV answer (`.csv`, or `Accept` preferring CSV to JSON), None for JSON."""
    if suffix == ".csv":
        return CSV_TYPES[0]
    if suffix == ".json":
        return None
    ranges = []
    for position, part in enumerate(accept.split(",")[:50]):
        media, *params = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if 0 < quality <= 1:
            ranges.append((-quality, position, media))
    for _quality, _position, media in sorted(ranges):
        if media in CSV_TYPES:
            return media
        if media in JSON_RANGES:
            return None
    return None
