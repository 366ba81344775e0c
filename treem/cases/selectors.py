"""Reads of the case register, always through the request's Scope.

Sealed access: no module but this one and treem.cases.services queries Case, Child, StepRecord or
AccessEvent; pages, API, exports and other apps read cases only through these functions.

- Records (names, forms) are read by scopes with a `case_path` (commune officer: its commune, district
  officer: its district, province case manager: its province), and only inside it: `cases_for`.
- `case_in_scope` opens one case and writes one access event for it; a missing case and one outside the
  scope are the same None (and write nothing), so guessed codes learn nothing.
- `case_counts` gives aggregates (by harm, risk, step, overdue), never a name, to any scope that sees the
  area (leaders, agency reporters, coordinators, the national role too). Outside case management, i.e.
  unless the area counted lies inside the scope's `case_path`, a count from 1 to TREEM_SMALL_COUNT − 1
  (setting, default 5) is suppressed: it comes back as `SUPPRESSED` (None), shown as "< 5"; 0 stays 0.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from treem.units import geometry
from treem.units.scope import Scope

from .access import record_access
from .models import AccessAction, Case, CaseState
from .procedure import default_procedure

DEFAULT_SMALL_COUNT = 5
SUPPRESSED = None
GROUPINGS = ("harm", "risk", "step", "overdue")
CODE_MAX_LENGTH = 40  # Case.code


def small_count_threshold() -> int:
    """Counts below this are suppressed outside case management (settings.TREEM_SMALL_COUNT, default 5)."""
    return int(getattr(settings, "TREEM_SMALL_COUNT", DEFAULT_SMALL_COUNT))


def cases_for(scope: Scope) -> QuerySet[Case]:
    """The cases whose records the scope reads: those of communes under its `case_path` (none without)."""
    if scope.case_path is None:
        return Case.objects.none()
    return Case.objects.filter(commune__path__startswith=scope.case_path)


def case_in_scope(scope: Scope, code: str, *, user: Any, what: str) -> Case | None:
    """The case with this code if the scope reads it, with one access event (`what` was shown) written;
    None, writing nothing, when it does not exist or lies outside the scope."""
    if not isinstance(code, str) or not code or len(code) > CODE_MAX_LENGTH:
        return None
    case = cases_for(scope).select_related("commune", "child").filter(code=code).first()
    if case is not None:
        record_access(user, AccessAction.READ, case, what)
    return case


def overdue_cases(scope: Scope, now: datetime.datetime | None = None) -> QuerySet[Case]:
    """Open cases of the scope with a step past its deadline, the most overdue first (a task list)."""
    moment = now or timezone.now()
    return (
        cases_for(scope)
        .filter(state=CaseState.OPEN, next_due_at__lte=moment)
        .select_related("commune")
        .order_by("next_due_at", "id")
    )


def _counted(scope: Scope, within: str | None) -> QuerySet[Case] | None:
    """The cases a scope may count in the area `within` (a unit path; None: all it sees), or None when the
    area lies outside what it sees."""
    cases = Case.objects.all()
    if within is not None:
        if not scope.sees_path(within):
            return None
        return cases.filter(commune__path__startswith=within)
    if scope.all_provinces:
        return cases
    if scope.unit_path is None:
        return None
    return cases.filter(commune__path__startswith=scope.unit_path)


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
    "risk" (risk code; "" not assessed yet), "step" (the last step recorded) or "overdue" ("overdue",
    "on_time"), over open cases (and closed ones with `include_closed`) in the area `within` (a unit
    path) or all the scope sees. Empty when the area lies outside the scope. One SQL query; small counts
    suppressed outside case management (see the module's docstring)."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot count cases by {by!r}")
    cases = _counted(scope, within)
    if cases is None:
        return {}
    if not include_closed:
        cases = cases.filter(state=CaseState.OPEN)
    counts: dict[str, int]
    if by == "harm":
        codes = [choice.code for choice in default_procedure().choices("harms")]
        wanted = {code: Count("pk", filter=Q(harms__icontains=f'"{code}"')) for code in codes}
        counts = cases.aggregate(**wanted)
    elif by == "overdue":
        late = Q(state=CaseState.OPEN, next_due_at__lte=now or timezone.now())
        counts = cases.aggregate(overdue=Count("pk", filter=late), on_time=Count("pk", filter=~late))
    else:
        column = "risk" if by == "risk" else "last_step"
        rows = cases.order_by().values(column).annotate(n=Count("pk"))
        counts = {row[column]: row["n"] for row in rows}
    if _in_case_management(scope, within):
        return dict(counts)
    least = small_count_threshold()
    return {key: (SUPPRESSED if 0 < n < least else n) for key, n in counts.items()}
