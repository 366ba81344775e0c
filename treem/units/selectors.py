"""Reads of the unit tree, always through the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from . import geometry
from .models import AdministrativeUnit
from .scope import Scope


@dataclass
class UnitNode:
    unit: AdministrativeUnit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(scope: Scope, query: str = "", on: datetime.date | None = None) -> list[UnitNode]:
    """The visible units that existed on `on` (today) as a forest (roots first); with a query, matching
    units and their ancestors. One day, one tree: the 2023 tree has districts, the 2025 one none, and a
    code may name a unit of each. Each unit bears its name of that day (Tỉnh Thừa Thiên Huế in 2023)."""
    day = on or datetime.date.today()
    units = scope.units().valid_on(day).select_related("parent")
    if query:
        matches = units.filter(Q(name__icontains=query) | Q(code=query))
        wanted = {path for m in matches for path in [*geometry.ancestor_paths(m.path), m.path]}
        units = units.filter(path__in=wanted)
    nodes = {u.pk: UnitNode(u.as_named_on(day)) for u in units}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent_id = node.unit.parent_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent.children if parent else roots).append(node)
    return roots
