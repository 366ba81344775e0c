"""A new notification about a child already known: the children of the scope that look like the same child.

`similar_children(scope, name=…, date_of_birth=…, birth_year=…, sex=…, commune=…)` reads (sealed, like
treem.cases.selectors) the Child records under `scope.case_path` that match the notification's child:

- the same name (its blind index: case, diacritics and spacing do not count, so "Nguyễn Văn An" and
  "Nguyen Van An" are one name) in the same commune;
- the same name and the same date of birth anywhere the scope reads;
- when the name is unknown: the same date of birth and sex in the same commune.

A birth year (estimated from an age) narrows a name match: a child whose known date of birth or estimate
lies more than YEAR_SLACK years away is not offered. Nothing outside the scope is ever returned, so a
scope without `case_path` gets nothing. `child_in_scope(scope, child_id)` is the one child a notification
may be linked to (None: missing or outside, the same answer).

`duplicate_cases(scope, children)` lists the matched children's cases for the officer's panel; the view
logs one access event per case shown (treem.cases.access.record_accesses).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from treem.core.crypto import blind_index
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .models import NAME_INDEX_PURPOSE, Case, Child

YEAR_SLACK = 1
MOST_SHOWN = 10


def children_for(scope: Scope) -> QuerySet[Child]:
    """The children whose records the scope reads: those of communes under its `case_path`."""
    if scope.case_path is None:
        return Child.objects.none()
    return Child.objects.filter(commune__path__startswith=scope.case_path)


def child_in_scope(scope: Scope, child_id: Any) -> Child | None:
    """The child with this id if the scope reads it; None when it is missing, outside, or the id is not a
    number (a crafted id learns nothing)."""
    try:
        number = int(str(child_id))
    except (TypeError, ValueError):
        return None
    if number <= 0 or number > 2**63 - 1:
        return None
    return children_for(scope).filter(pk=number).first()


def _year_fits(birth_year: int | None) -> Q:
    if birth_year is None:
        return Q()
    near = (birth_year - YEAR_SLACK, birth_year + YEAR_SLACK)
    return (
        Q(date_of_birth__isnull=True, birth_year_estimate__isnull=True)
        | Q(date_of_birth__year__range=near)
        | Q(birth_year_estimate__range=near)
    )


def similar_children(
    scope: Scope,
    *,
    name: str = "",
    date_of_birth: datetime.date | None = None,
    birth_year: int | None = None,
    commune: AdministrativeUnit | None = None,
    sex: str = "",
) -> QuerySet[Child]:
    """The children the scope reads that may be the notification's child (see the module's docstring),
    newest first; empty when nothing is known to compare."""
    index = blind_index(name or "", purpose=NAME_INDEX_PURPOSE)
    wanted = Q(pk__in=[])
    if index and commune is not None:
        wanted |= Q(name_index=index, commune=commune) & _year_fits(birth_year)
    if index and date_of_birth is not None:
        wanted |= Q(name_index=index, date_of_birth=date_of_birth)
    if not index and date_of_birth is not None and sex and commune is not None:
        wanted |= Q(date_of_birth=date_of_birth, sex=sex, commune=commune)
    return children_for(scope).filter(wanted).select_related("commune").order_by("-created_at", "-id")


def duplicate_cases(scope: Scope, children: QuerySet[Child]) -> list[Case]:
    """The cases of these children that the scope reads, newest first (at most MOST_SHOWN)."""
    if scope.case_path is None:
        return []
    cases = Case.objects.filter(commune__path__startswith=scope.case_path, child__in=children)
    return list(cases.select_related("commune", "child").order_by("-received_at", "-id")[:MOST_SHOWN])
