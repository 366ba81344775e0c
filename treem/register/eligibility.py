"""Monthly social assistance in SQL: who is eligible, who receives it and who is owed it, for lists and
counts over millions of children. Built from the same rules file as treem.register.benefits (the Python
side, one child at a time); the tests check that both agree child by child, birthdays included.

- `eligible_q(day)`: a Q on cases.Child, "eligible on `day`": born, under `max_age` and meeting at least
  one rule in force, while a base is in force. A rule's `groups_any` is an EXISTS over the child's
  circumstances active that day; `disability` an IN; ages compare `date_of_birth` with `day` moved back N
  years (benefits.latest_birth_for_age: age ≥ N ⟺ born on or before it, 29 February included).
- `receiving_q(day)`: a Q on Child, "has a support of the benefit's kind active on `day`".
- `unserved_children(scope, commune, day, …)`: a page of a commune's children eligible on `day` who get
  nothing, or get less than they are owed (a recorded monthly amount below base × coefficient: e.g. a
  support recorded at 900.000 đ before 01/7/2024 and not raised since); each with the rule met and the
  amount owed. Only for a commune under the scope's `case_path`; one access event per child listed.
- `unserved_counts(scope, area_path, day)`: the same children counted per unit one level below the area
  (province → districts, district → communes) in one GROUP BY, only in units that existed on `day`, for any scope that sees the area; outside
  case management small counts are "< 5" and a second count is hidden with a lone hidden one
  (treem.indicators.disclosure.complemented).

The Q objects use OuterRef("pk"): filter a Child queryset with them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from treem.cases.access import record_child_accesses
from treem.cases.models import AccessAction, Child
from treem.cases.selectors import units_in
from treem.indicators.disclosure import SUPPRESSED, complemented, small_count_threshold
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .benefits import Rule, benefit_rules, latest_birth_for_age
from .models import Circumstance, Support, active_between

PER_PAGE = 50
# A support recorded without an amount counts as paid in full: nobody is listed on a guess.
UNKNOWN_AMOUNT_IS_FULL = Decimal(10) ** 13
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=0)


def _rules_in_force(day: datetime.date) -> list[Rule]:
    """The rules that can pay on `day` (none without a base in force), the highest coefficient first; ties
    in the file's order, as benefits.applicable_rules sorts them."""
    rules = benefit_rules()
    if rules.base_on(day) is None:
        return []
    return sorted((r for r in rules.rules if r.in_force(day)), key=lambda r: -r.coefficient)


def _rule_q(rule: Rule, day: datetime.date) -> Q:
    met = Q()
    if rule.groups_any:
        groups = Circumstance.objects.filter(
            active_between(day, day), child=OuterRef("pk"), group__in=sorted(rule.groups_any)
        )
        met &= Q(Exists(groups))
    if rule.disability:
        met &= Q(disability__in=sorted(rule.disability))
    if rule.age_from is not None:
        met &= Q(date_of_birth__lte=latest_birth_for_age(day, rule.age_from))
    if rule.age_below is not None:
        met &= Q(date_of_birth__gt=latest_birth_for_age(day, rule.age_below))
    return met


def _child_q(day: datetime.date) -> Q:
    """Born by `day` and under `max_age` that day (a child without a known date of birth is never
    eligible: its age, which the law's conditions need, is unknown)."""
    return Q(date_of_birth__lte=day, date_of_birth__gt=latest_birth_for_age(day, benefit_rules().max_age))


def eligible_q(day: datetime.date) -> Q:
    """Children eligible on `day` (see the module's docstring)."""
    rules = _rules_in_force(day)
    if not rules:
        return Q(pk__in=[])
    any_rule = Q()
    for rule in rules:
        any_rule |= _rule_q(rule, day)
    return _child_q(day) & any_rule


def _supports_on(day: datetime.date) -> QuerySet[Support]:
    return Support.objects.filter(
        active_between(day, day), child=OuterRef("pk"), kind=benefit_rules().benefit
    )


def receiving_q(day: datetime.date) -> Q:
    """Children with a support of the benefit's kind active on `day` (whatever its amount)."""
    return Q(Exists(_supports_on(day)))


def _owed(day: datetime.date) -> Case:
    """The amount owed on `day`: base × the coefficient of the first rule met, highest first (NULL: none)."""
    base = benefit_rules().base_on(day)
    whens = []
    for rule in _rules_in_force(day):  # none without a base
        assert base is not None
        amount = (base.amount * rule.coefficient).quantize(Decimal(1))
        whens.append(When(_rule_q(rule, day), then=Value(amount)))
    return Case(*whens, default=Value(None), output_field=MONEY)


def _rule_met(day: datetime.date) -> Case:
    whens = [When(_rule_q(rule, day), then=Value(rule.code)) for rule in _rules_in_force(day)]
    return Case(*whens, default=Value(""), output_field=CharField())


def _paid(day: datetime.date) -> Subquery:
    """The highest monthly amount recorded on the child's active supports of the kind (NULL: none)."""
    amounts = (
        _supports_on(day)
        .order_by()
        .values("child")
        .annotate(most=Max(Coalesce("amount", Value(UNKNOWN_AMOUNT_IS_FULL), output_field=MONEY)))
        .values("most")
    )
    return Subquery(amounts, output_field=MONEY)


def unserved(children: QuerySet[Child], day: datetime.date) -> QuerySet[Child]:
    """Of `children`, those eligible on `day` who receive nothing of the kind, or less than they are owed.
    Aliases `owed` and `paid` (NULL: nothing) for the filter."""
    return (
        children.filter(eligible_q(day))
        .alias(owed=_owed(day), paid=_paid(day))
        .filter(Q(paid__isnull=True) | Q(paid__lt=F("owed")))
    )


# --- the officer's list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnservedChild:
    """A child owed the benefit: the rule that sets its amount, the amount owed, what it gets (None:
    nothing)."""

    child: Child
    rule: Rule
    owed: Decimal
    paid: Decimal | None


def unserved_children(
    scope: Scope,
    commune: AdministrativeUnit,
    day: datetime.date,
    *,
    user: Any,
    rule: str = "",
    page: Any = 1,
    per_page: int = PER_PAGE,
) -> tuple[Page, list[UnservedChild]]:
    """A page of the children of `commune` owed the benefit on `day` (only those meeting `rule` first,
    when it names one), the youngest first, and its rows; one access event per child listed. An empty page
    for a commune outside the scope's `case_path` (writing nothing)."""
    children = Child.objects.none()
    if scope.case_path is not None and geometry.is_within(commune.path, scope.case_path):
        children = Child.objects.filter(commune_id=commune.pk)
    found = (
        unserved(children, day)
        .annotate(rule_met=_rule_met(day), owed_amount=F("owed"), paid_amount=F("paid"))
        .select_related("commune")
        .order_by("-date_of_birth", "pk")
    )
    if rule:
        found = found.filter(rule_met=rule)
    shown = Paginator(found, per_page).get_page(page)
    listed = list(shown.object_list)
    record_child_accesses(user, AccessAction.READ, listed, "register: unserved benefit list")
    rules = benefit_rules()
    rows = []
    for child in listed:
        met = rules.rule(child.rule_met)
        if met is not None:
            rows.append(UnservedChild(child, met, child.owed_amount, child.paid_amount))
    return shown, rows


# --- counts per unit (the scorecard, a district's or the province's overview) ----------------------------


@dataclass(frozen=True)
class UnitUnserved:
    unit: AdministrativeUnit
    count: int | None  # SUPPRESSED (None) when hidden


@dataclass(frozen=True)
class UnservedCounts:
    """The children owed the benefit in an area (`total`) and per unit one level down (`units`, none for a
    commune); each count an int or SUPPRESSED."""

    total: int | None
    units: list[UnitUnserved]


def _in_case_management(scope: Scope, area: str) -> bool:
    return scope.case_path is not None and geometry.is_within(area, scope.case_path)


def _shown(scope: Scope, area: str, count: int) -> int | None:
    if _in_case_management(scope, area) or not 0 < count < small_count_threshold():
        return count
    return SUPPRESSED


def unserved_counts(scope: Scope, area_path: str, day: datetime.date) -> UnservedCounts:
    """The children owed the benefit on `day` in the area `area_path` and per unit one level down; empty
    when the scope does not see the area. Three queries whatever the area's size: the units, one GROUP BY
    commune, the units listed. No name leaves this function, so it writes no access event."""
    if not scope.sees_path(area_path):
        return UnservedCounts(None, [])
    # No residence history: on a day a child's commune did not exist, the child cannot be placed in that
    # day's tree (a 2025 commune in a 2023 panel), so only units that existed on `day` count or are listed.
    units = units_in(area_path).filter(geometry.existing_during_q(day, day))
    paths = dict(units.values_list("pk", "path"))
    children = Child.objects.filter(commune_id__in=list(paths))
    rows = unserved(children, day).order_by().values("commune_id").annotate(n=Count("pk"))
    total = 0
    found: dict[str, int] = {}
    for row in rows:
        total += row["n"]
        below = geometry.child_toward(area_path, paths[row["commune_id"]])
        if below is not None:
            found[below] = found.get(below, 0) + row["n"]
    shown_total = _shown(scope, area_path, total)
    # One level down is the tree's next level: districts in 2023, communes from 07/2025, none in a commune.
    listed = list(units.filter(geometry.children_q(area_path)).order_by("path"))
    shown = {unit.path: _shown(scope, unit.path, found.get(unit.path, 0)) for unit in listed}
    # The rows add up to the total shown above them: a lone hidden row must not be worked out by subtraction.
    protected = shown if _in_case_management(scope, area_path) else complemented(shown)
    return UnservedCounts(shown_total, [UnitUnserved(unit, protected[unit.path]) for unit in listed])
