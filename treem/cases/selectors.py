"""Reads of the case register, always through the request's Scope.

Sealed access: no module but this one and treem.cases.services queries Case, Child, StepRecord or
AccessEvent; pages, API, exports and other apps read cases only through these functions.

- Records (names, forms) are read by scopes with a `case_path` (commune officer: its commune, district
  officer: its district, province case manager: its province), and only inside it: `cases_for`.
- `case_in_scope` opens one case and writes one access event for it; a missing case and one outside the
  scope are the same None (and write nothing), so guessed codes learn nothing.
- `case_counts` gives aggregates (by harm, risk, step, overdue, state), never a name, to any scope that
  sees the area (leaders, agency reporters, coordinators, the national role too); `area_counts` an area's
  open, closed and overdue cases in total and per unit one level down (a dashboard's drill-down table),
  from one GROUP BY commune. Outside case
  management, i.e. unless the area counted lies inside the scope's `case_path`, a count from 1 to
  TREEM_SMALL_COUNT − 1 (setting, default 5) is suppressed: it comes back as `SUPPRESSED` (None), shown as
  "< 5"; 0 stays 0.
- `overdue_steps` names the steps past their deadline on a page of overdue cases (no name, no form value
  leaves this module); `access_events_for` reads the access log of the scope's province (scopes that
  may read audit logs only).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from treem.core.deadlines import on_local_days
from treem.indicators.disclosure import SUPPRESSED, complemented, small_count_threshold
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .access import record_access
from .models import AccessAction, AccessEvent, Case, CaseState, StepRecord, replay
from .procedure import default_procedure

GROUPINGS = ("harm", "risk", "step", "overdue", "state")
CODE_MAX_LENGTH = 40  # Case.code


def units_in(path: str) -> QuerySet[AdministrativeUnit]:
    """The units under `path`, itself included."""
    return AdministrativeUnit.objects.filter(path__startswith=path)


def units_under(path: str) -> list[int]:
    """The ids of the units under `path` (itself included): cases are filtered by `commune_id IN (…)` with
    this list, evaluated first, because PostgreSQL guesses a `path LIKE '…%'` prefix at a handful of units
    whatever it matches, and plans a commune's list like a province's (docs/benchmarks.md)."""
    return list(units_in(path).values_list("pk", flat=True))


def cases_for(scope: Scope) -> QuerySet[Case]:
    """The cases whose records the scope reads: those of communes under its `case_path` (none without)."""
    if scope.case_path is None:
        return Case.objects.none()
    return Case.objects.filter(commune_id__in=units_under(scope.case_path))


def case_in_scope(scope: Scope, code: str, *, user: Any, what: str) -> Case | None:
    """The case with this code if the scope reads it, with one access event (`what` was shown) written;
    None, writing nothing, when it does not exist or lies outside the scope."""
    if not isinstance(code, str) or not code or len(code) > CODE_MAX_LENGTH:
        return None
    case = cases_for(scope).select_related("commune", "child").filter(code=code).first()
    if case is not None:
        record_access(user, AccessAction.READ, case, what)
    return case


def overdue_cases(
    scope: Scope, now: datetime.datetime | None = None, *, within: str | None = None
) -> QuerySet[Case]:
    """Open cases of the scope with a step past its deadline, the most overdue first (a task list);
    only those of communes under `within` (a unit path) when given."""
    moment = now or timezone.now()
    cases = cases_for(scope)
    if within is not None:
        cases = cases.filter(commune_id__in=units_under(within))
    return (
        cases.filter(state=CaseState.OPEN, next_due_at__lte=moment)
        .select_related("commune")
        .order_by("next_due_at", "id")
    )


def _counted_area(scope: Scope, within: str | None) -> tuple[bool, str | None]:
    """(whether the scope may count the area `within` — a unit path; None: all it sees —, the path to
    count under: None for every province)."""
    if within is not None:
        return scope.sees_path(within), within
    if scope.all_provinces:
        return True, None
    return scope.unit_path is not None, scope.unit_path


def _counted(scope: Scope, within: str | None) -> QuerySet[Case] | None:
    """The cases a scope may count in the area `within` (a unit path; None: all it sees), or None when the
    area lies outside what it sees."""
    allowed, path = _counted_area(scope, within)
    if not allowed:
        return None
    return Case.objects.all() if path is None else Case.objects.filter(commune_id__in=units_under(path))


def _in_case_management(scope: Scope, within: str | None) -> bool:
    area = within if within is not None else scope.unit_path
    return scope.case_path is not None and area is not None and geometry.is_within(area, scope.case_path)


def case_counts(
    scope: Scope,
    by: str,
    *,
    within: str | None = None,
    include_closed: bool = False,
    now: datetime.datetime | None = None,
) -> dict[str, int | None]:
    """Cases counted `by` "harm" (each harm code of the procedure; a case counts under each of its harms),
    "risk" (risk code; "" not assessed yet), "step" (the last step recorded), "overdue" ("overdue",
    "on_time") or "state" ("open", "closed": closed ones always counted), over open cases (and closed ones
    with `include_closed`) in the area `within` (a unit path) or all the scope sees. Empty when the area
    lies outside the scope. One SQL query; small counts suppressed outside case management (see the
    module's docstring)."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot count cases by {by!r}")
    cases = _counted(scope, within)
    if cases is None:
        return {}
    if not include_closed and by != "state":
        cases = cases.filter(state=CaseState.OPEN)
    counts: dict[str, int]
    if by == "state":
        counts = cases.aggregate(
            open=Count("pk", filter=Q(state=CaseState.OPEN)),
            closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
        )
    elif by == "harm":
        # One GROUP BY over the few distinct lists of harms, each split into its codes here.
        counts = {choice.code: 0 for choice in default_procedure().choices("harms")}
        for row in cases.order_by().values("harms").annotate(n=Count("pk")):
            listed = row["harms"] if isinstance(row["harms"], list) else []
            for code in {str(code) for code in listed} & counts.keys():
                counts[code] += row["n"]
    elif by == "overdue":
        late = Q(state=CaseState.OPEN, next_due_at__lte=now or timezone.now())
        counts = cases.aggregate(overdue=Count("pk", filter=late), on_time=Count("pk", filter=~late))
    else:
        column = "risk" if by == "risk" else "last_step"
        rows = cases.order_by().values(column).annotate(n=Count("pk"))
        counts = {row[column]: row["n"] for row in rows}
    # risk, step and clock each split the open cases (a whole shown beside them); harms overlap, states have no
    # whole shown anywhere
    return _shown(scope, within, counts, partition=by in ("risk", "step", "overdue"))


def _shown(
    scope: Scope, area: str | None, counts: dict[str, int], *, partition: bool = False
) -> dict[str, int | None]:
    """The counts of an area as the scope may see them: small ones suppressed outside case management.
    `partition`: the counts split one whole (each case in exactly one of them), so one hidden count could be
    worked out from the others and the total; a second one is hidden with it (`complemented`)."""
    if _in_case_management(scope, area):
        return dict(counts)
    least = small_count_threshold()
    shown = {key: (SUPPRESSED if 0 < n < least else n) for key, n in counts.items()}
    return complemented(shown) if partition else shown


# --- dashboards: counts per unit one level down, the overdue steps of a page of cases ---------------------

UNIT_COLUMNS = ("open", "overdue", "closed")


@dataclass(frozen=True)
class UnitCaseCounts:
    """One row of a drill-down table: a unit and its cases ("open", "overdue" of them, "closed"), each
    count an int or SUPPRESSED."""

    unit: AdministrativeUnit
    counts: dict[str, int | None]


@dataclass(frozen=True)
class AreaCounts:
    """A dashboard's counts of an area: `totals` ("open", "closed", "overdue", "on_time" of the open ones)
    and `units`, a row per unit one level down (none for a commune)."""

    totals: dict[str, int | None]
    units: list[UnitCaseCounts]


def area_counts(
    scope: Scope, within: str | None = None, *, now: datetime.datetime | None = None
) -> AreaCounts:
    """The cases of the area `within` (a unit path; None: all the scope sees) open, closed and overdue, in
    total and for each unit one level down; empty when the area lies outside the scope. Three queries
    whatever the area's size: the ids and paths of the units in it, one GROUP BY commune (an index-only
    read of `case_commune_state_due`), then the units of the rows. Every current unit of that level gets a
    row (and a former one that still has cases). Small counts are suppressed per unit and in the totals as
    `case_counts` does; the totals are those of `case_counts` "state" and "overdue"."""
    allowed, path = _counted_area(scope, within)
    if not allowed:
        return AreaCounts({}, [])
    units = AdministrativeUnit.objects.all() if path is None else units_in(path)
    paths = dict(units.values_list("pk", "path"))
    cases = Case.objects.all() if path is None else Case.objects.filter(commune_id__in=list(paths))
    late = Q(state=CaseState.OPEN, next_due_at__lte=now or timezone.now())
    rows = (
        cases.order_by()
        .values("commune_id")
        .annotate(
            open=Count("pk", filter=Q(state=CaseState.OPEN)),
            overdue=Count("pk", filter=late),
            closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
        )
    )
    totals = dict.fromkeys(UNIT_COLUMNS, 0)
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        for column in UNIT_COLUMNS:
            totals[column] += row[column]
        area = geometry.child_toward(path, paths[row["commune_id"]])
        if area is not None:
            counted = found.setdefault(area, dict.fromkeys(UNIT_COLUMNS, 0))
            for column in UNIT_COLUMNS:
                counted[column] += row[column]
    clocks = _shown(
        scope,
        within,
        {"overdue": totals["overdue"], "on_time": totals["open"] - totals["overdue"]},
        partition=True,
    )
    shown_totals = _shown(scope, within, totals) | clocks
    today = timezone.localdate()
    current = geometry.existing_during_q(today, today)
    # One level down is the tree's next level, whatever it is: districts in 2023, communes from 07/2025.
    listed = units.filter(geometry.children_q(path)).filter(current | Q(path__in=list(found)))
    empty = dict.fromkeys(UNIT_COLUMNS, 0)
    rows_shown = [
        UnitCaseCounts(unit, _shown(scope, unit.path, found.get(unit.path, empty)))
        for unit in listed.order_by("path")
    ]
    # The rows of a column add up to the total shown above them: protect each column like a partition.
    for column in UNIT_COLUMNS:
        protected = complemented({str(i): shown.counts[column] for i, shown in enumerate(rows_shown)})
        for i, shown in enumerate(rows_shown):
            shown.counts[column] = protected[str(i)]
    return AreaCounts(shown_totals, rows_shown)


def case_counts_by_unit(
    scope: Scope, within: str | None = None, *, now: datetime.datetime | None = None
) -> list[UnitCaseCounts]:
    """The rows per unit one level below the area `within` of `area_counts` (a drill-down table)."""
    return area_counts(scope, within, now=now).units


def overdue_steps(cases: Iterable[Case], now: datetime.datetime | None = None) -> dict[int, list[str]]:
    """The labels of the steps past their deadline on each of `cases` (by case id), in the procedure's
    order: the steps that may be recorded now and whose deadline has passed. Reads the cases' step
    records in one query; neither a name nor a form value leaves this function."""
    ids = [case.pk for case in cases]
    if not ids:
        return {}
    procedure = default_procedure()
    moment = now or timezone.now()
    histories: dict[int, list[tuple[str, Any]]] = {pk: [] for pk in ids}
    records = StepRecord.objects.filter(case_id__in=ids).order_by("case_id", "recorded_at", "id")
    for case_id, step, values in records.values_list("case_id", "step", "values"):
        histories[case_id].append((step, values))
    late: dict[int, list[str]] = {}
    for pk, history in histories.items():
        done, _cycle = replay(procedure, history)
        late[pk] = [
            step.label
            for step in procedure.available_steps(done)
            if (due := procedure.due(step.code, done)) is not None and due <= moment
        ]
    return late


# --- the access log -------------------------------------------------------------------------------------


def access_events_for(
    scope: Scope,
    *,
    actor: str | None = None,
    case_code: str | None = None,
    action: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AccessEvent]:
    """The case access log of the scope's province (every province for a scope without one), newest
    first; none for a scope that may not read audit logs. `actor` and `case_code` match any part of the
    stored user name or code (case-insensitive); `date_from` and `date_to` are local days, both included.
    An event names no child: the log can be read without opening any record."""
    if not scope.can_read_audit:
        return AccessEvent.objects.none()
    events = AccessEvent.objects.all()
    if scope.province_code is not None:
        events = events.filter(province_code=scope.province_code)
    elif not scope.all_provinces:
        return AccessEvent.objects.none()
    if actor:
        events = events.filter(actor_name__icontains=actor)
    if case_code:
        events = events.filter(case_code__icontains=case_code)
    if action:
        events = events.filter(action=action)
    return events.filter(on_local_days("created_at", date_from, date_to)).order_by("-created_at", "-id")
