"""The scorecard's panel "Trẻ em đủ điều kiện chưa được hưởng trợ cấp xã hội": for the unit shown, how many
children the register finds eligible for the monthly social assistance but not receiving it, per district
(a province), per commune (a district) or the commune's own count.

The counts come from treem.register.eligibility.unserved_counts, filtered by the scope, small counts
suppressed outside case management (None: shown as "< 5"). As on the case dashboard, a case role whose
session has not passed the second factor counts like any other role. No name leaves that function; roles
that work on the unit's cases get a link to the list (register:eligible, behind its own gate and log).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from treem.accounts.otp import is_verified
from treem.accounts.policy import scope_for
from treem.indicators.models import Period
from treem.register.eligibility import UnitUnserved, unserved_counts
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope


@dataclass(frozen=True)
class UnservedPanel:
    unit: AdministrativeUnit
    day: datetime.date
    total: int | None  # None: suppressed
    rows: list[UnitUnserved]  # one per unit one level down; none for a commune
    links_to_list: bool  # the viewer works on this unit's cases


def unserved_panel(scope: Scope, user: Any, unit: AdministrativeUnit, period: Period) -> UnservedPanel | None:
    """The panel for `unit` on the period's last day (today for a period not over yet); None when the
    scope does not see the unit."""
    if not scope.sees_unit(unit):
        return None
    works_on = scope.case_path is not None and geometry.is_within(unit.path, scope.case_path)
    if scope.case_path is not None and not is_verified(user):
        # a password alone does not open case figures (the request's scope is a lazy object: build one)
        scope = dataclasses.replace(scope_for(user), case_path=None)
    day = min(period.end_date, timezone.localdate())
    counts = unserved_counts(scope, unit.path, day)
    return UnservedPanel(unit, day, counts.total, counts.units, works_on)
