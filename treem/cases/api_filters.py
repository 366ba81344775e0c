"""The filters and the order of the case API's list (treem/cases/api.py) and of the Excel export
(treem/cases/views_export.py), read from a query string.

Filters: `state` (open, closed; `all` or none: both), `risk` (high, medium, low, or `none`: not assessed yet), `harm` (a harm
code of the procedure), `overdue` (true, false) and `commune` (the GSO code of a commune, or of a district,
inside the scope's `case_path`). A value that is not one of these is a problem (the API answers 400 with
every problem in Vietnamese); a unit code that does not exist or lies outside the scope is `UnitNotFound`
(the same 404 for both). Order: by urgency, as on the case list page: open cases first, the earliest
deadline first (overdue ones lead, cases without a running clock after them), then the newest notification.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.units import geometry
from treem.units.scope import Scope, unit_in_scope

from .lists import by_urgency as by_urgency  # the case list's order, kept in one place
from .models import Case, CaseState
from .procedure import default_procedure
from .selectors import units_under

NOT_ASSESSED = "none"
ALL_STATES = "all"  # as the case list page writes "no state filter"
FLAGS = {"true": True, "1": True, "false": False, "0": False}
PARAMETERS = ("state", "risk", "harm", "overdue", "commune")


class UnitNotFound(Exception):
    """The `commune` filter names a unit that does not exist or lies outside the scope's case records."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class CaseFilters:
    state: str = ""
    risk: str | None = None  # None: any; "": not assessed yet
    harm: str = ""
    overdue: bool | None = None
    area_path: str | None = None  # a unit path inside the scope's case_path

    def apply(self, cases: QuerySet[Case], now: datetime.datetime | None = None) -> QuerySet[Case]:
        if self.state:
            cases = cases.filter(state=self.state)
        if self.risk is not None:
            cases = cases.filter(risk=self.risk)
        if self.harm:
            cases = cases.filter(harms__icontains=f'"{self.harm}"')  # a code of the procedure: no quote
        if self.overdue is not None:
            late = Q(state=CaseState.OPEN, next_due_at__lte=now or timezone.now())
            cases = cases.filter(late if self.overdue else ~late)
        if self.area_path is not None:
            cases = cases.filter(commune_id__in=units_under(self.area_path))
        return cases


def _one(params: Mapping[str, object], name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def read_filters(params: Mapping[str, object], scope: Scope) -> tuple[CaseFilters, list[str]]:
    """The filters of a query string and the problems of its values (Vietnamese). Raises UnitNotFound for a
    `commune` that does not exist or lies outside the scope's case records."""
    procedure = default_procedure()
    problems: list[str] = []
    state = _one(params, "state")
    if state == ALL_STATES:
        state = ""
    if state and state not in CaseState.values:
        problems.append(_("state: “%(value)s” không phải open hoặc closed.") % {"value": state[:40]})
        state = ""
    risk_text = _one(params, "risk")
    risks = {choice.code for choice in procedure.choices("risk_levels")}
    risk: str | None = None
    if risk_text:
        if risk_text == NOT_ASSESSED:
            risk = ""
        elif risk_text in risks:
            risk = risk_text
        else:
            problems.append(
                _("risk: “%(value)s” không phải một trong %(codes)s.")
                % {"value": risk_text[:40], "codes": ", ".join([*sorted(risks), NOT_ASSESSED])}
            )
    harm = _one(params, "harm")
    harms = [choice.code for choice in procedure.choices("harms")]
    if harm and harm not in harms:
        problems.append(
            _("harm: “%(value)s” không phải một trong %(codes)s.")
            % {"value": harm[:40], "codes": ", ".join(harms)}
        )
    overdue_text = _one(params, "overdue").lower()
    overdue = FLAGS.get(overdue_text) if overdue_text else None
    if overdue_text and overdue is None:
        problems.append(_("overdue: cần là true hoặc false."))
    area_path = None
    commune = _one(params, "commune")
    if commune:
        area_path = _area(scope, commune)
    filters = CaseFilters(state, risk, harm if harm in harms else "", overdue, area_path)
    return filters, problems


def _area(scope: Scope, code: str) -> str:
    unit = unit_in_scope(scope, code)
    if unit is None or scope.case_path is None or not geometry.is_within(unit.path, scope.case_path):
        raise UnitNotFound(code)
    return unit.path
