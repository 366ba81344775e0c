"""Which plans a user's pages offer: those where the user's scope has a root (a unit it sees, in the
plan's province, existing in one of the years whose periods the plan's pages offer). A 2025 commune
officer has no root in the 2023 plan (its commune did not exist then), a 2023 district officer none in a
plan whose offered years all come after the districts were abolished; such a plan is neither offered nor
opened."""

from __future__ import annotations

import datetime

from django.db.models import Count, DateField, Exists, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncYear

from treem.indicators.models import DataValue, Period
from treem.plans.models import Plan
from treem.units.scope import Scope

from .selectors import plan_province, plans

# The plans of a province are a handful a year: a bound, not a page size.
PLANS_CHECKED = 100


def _first_offered_day(plan: Plan) -> Coalesce:
    """1 January of the first year the plan's pages offer (selectors.offered_periods: the years with
    values up to the plan's year, and the plan's year), as SQL."""
    has_values = Exists(DataValue.objects.filter(period=OuterRef("pk")))
    first = (
        Period.objects.filter(has_values, start_date__year__lte=plan.year)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(first=Min(TruncYear("start_date")))
        .values("first")
    )
    year_start = datetime.date(plan.year, 1, 1)
    return Coalesce(Subquery(first, output_field=DateField()), Value(year_start), output_field=DateField())


def _root_q(plan: Plan) -> Q:
    # existing_during_q with a start computed in SQL: valid_to > start and valid_from ≤ end of the year
    existed = (Q(valid_to__isnull=True) | Q(valid_to__gt=_first_offered_day(plan))) & (
        Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(plan.year, 12, 31))
    )
    return Q(path__startswith=plan_province(plan).path) & existed


def _sees_whole_province(scope: Scope, plan: Plan) -> bool:
    """A scope that sees the plan's province (as it was in the plan's year) has it as its root: no query."""
    province = plan_province(plan)
    year = (datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31))
    return scope.sees_path(province.path) and province.exists_during(*year)


def plans_with_root(scope: Scope) -> list[Plan]:
    """The scope's plans (newest first) in which it has a root: the plans, then for an officer below the
    province one query for them all."""
    candidates = list(plans(scope)[:PLANS_CHECKED])
    below = [plan for plan in candidates if not _sees_whole_province(scope, plan)]
    roots = (
        scope.units().aggregate(**{f"plan_{plan.pk}": Count("pk", filter=_root_q(plan)) for plan in below})
        if below
        else {}
    )
    return [plan for plan in candidates if plan not in below or roots[f"plan_{plan.pk}"]]
