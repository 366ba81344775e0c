"""Reads of the register, always through the request's Scope (treem.accounts.policy).

Sealed like the cases (treem.cases.selectors): the children read are those of communes under the scope's
`case_path` (`children_for`); a child outside and a missing one are the same None, and nothing is logged
for them. `child_record` (one child with its circumstances, supports and cases) writes one READ access
event; the list (`register_children`) writes none itself: the view logs one event per child shown
(treem.cases.access.record_child_accesses), as the case list does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from treem.cases.access import record_child_access
from treem.cases.duplicates import child_in_scope
from treem.cases.duplicates import children_for as _children_for
from treem.cases.models import NAME_INDEX_PURPOSE, AccessAction, Case, Child
from treem.cases.selectors import cases_for
from treem.core.crypto import blind_index
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .models import Circumstance, Support, active_between
from .reference import reference

PER_PAGE = 25


def children_for(scope: Scope) -> QuerySet[Child]:
    """The children whose register records the scope reads (none without a `case_path`)."""
    return _children_for(scope)


def communes_for(scope: Scope, day: datetime.date | None = None) -> list[AdministrativeUnit]:
    """The communes under the scope's case path existing on `day` (today), with their districts, in order:
    where a child may be registered, and what the list filters by."""
    if scope.case_path is None:
        return []
    day = day or timezone.localdate()
    units = AdministrativeUnit.objects.existing_during(day, day).filter(
        level="commune", path__startswith=scope.case_path
    )
    return list(units.select_related("parent").order_by("path"))


def register_children(
    scope: Scope,
    *,
    query: str = "",
    commune_code: str = "",
    group: str = "",
    page: Any = 1,
    day: datetime.date | None = None,
) -> Page:
    """One page (PER_PAGE) of the scope's children, newest first, filtered by name (its blind index: the
    whole name, case and diacritics aside), commune and a group the child is in on `day` (today). Each child
    carries `active` (its circumstances active that day) and `supported` (some support active that day)."""
    day = day or timezone.localdate()
    children = children_for(scope)
    if query.strip():
        children = children.filter(name_index=blind_index(query, purpose=NAME_INDEX_PURPOSE))
    if commune_code:
        # The commune of that code on `day` (the list offers those): after the 2025 reform a 2023 commune
        # may have had the same code.
        children = children.filter(commune__code=commune_code).filter(
            geometry.existing_during_q(day, day, prefix="commune__")
        )
    if group:
        children = children.filter(
            Exists(Circumstance.objects.filter(active_between(day, day), child=OuterRef("pk"), group=group))
        )
    supported = Exists(Support.objects.filter(active_between(day, day), child=OuterRef("pk")))
    active = Prefetch(
        "circumstances", Circumstance.objects.filter(active_between(day, day)), to_attr="active"
    )
    listed = (
        children.annotate(supported=supported)
        .select_related("commune")
        .prefetch_related(active)
        .order_by("-created_at", "-id")
    )
    return Paginator(listed, PER_PAGE).get_page(page)


@dataclass
class ChildRecord:
    """A child's register record as its page shows it."""

    child: Child
    circumstances: list[Circumstance] = field(default_factory=list)
    supports: list[Support] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)

    def group_label(self, circumstance: Circumstance) -> str:
        return reference().group_label(circumstance.group)


def _opened(scope: Scope, pk: Any) -> Child | None:
    found = child_in_scope(scope, pk)
    return (
        None if found is None else Child.objects.select_related("commune", "commune__parent").get(pk=found.pk)
    )


def child_record(scope: Scope, pk: Any, *, user: Any, what: str) -> ChildRecord | None:
    """The child `pk` with its circumstances, supports and the cases of it the scope reads, and one READ
    access event (`what` was shown); None, and no event, when it is missing or outside the scope."""
    child = _opened(scope, pk)
    if child is None:
        return None
    record_child_access(user, AccessAction.READ, child, what)
    cases = cases_for(scope).filter(child=child).select_related("commune").order_by("-received_at", "-id")
    return ChildRecord(
        child=child,
        circumstances=list(child.circumstances.order_by("started_on", "id")),
        supports=list(child.supports.order_by("started_on", "id")),
        cases=list(cases),
    )


def _item_id(item: Any) -> int | None:
    try:
        number = int(str(item))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 2**63 - 1 else None


def circumstance_record(
    scope: Scope, pk: Any, item: Any, *, user: Any, what: str
) -> tuple[Child, Circumstance] | None:
    """The child `pk` and its circumstance `item`, with one READ event; None (no event) when either is
    missing, the child is outside the scope or the circumstance is another child's."""
    child, number = _opened(scope, pk), _item_id(item)
    row = None if child is None or number is None else child.circumstances.filter(pk=number).first()
    if child is None or row is None:
        return None
    record_child_access(user, AccessAction.READ, child, what)
    return child, row


def support_record(scope: Scope, pk: Any, item: Any, *, user: Any, what: str) -> tuple[Child, Support] | None:
    """As `circumstance_record`, for a support."""
    child, number = _opened(scope, pk), _item_id(item)
    row = None if child is None or number is None else child.supports.filter(pk=number).first()
    if child is None or row is None:
        return None
    record_child_access(user, AccessAction.READ, child, what)
    return child, row
