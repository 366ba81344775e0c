"""Reads of the unit tree, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from . import geometry
from .models import AdministrativeUnit
from .scope import Scope


@dataclass
class UnitNode:
    unit: AdministrativeUnit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(scope: Scope, query: str = "") -> list[UnitNode]:
    """The visible units as a forest (roots first); with a query, matching units and their ancestors."""
    units = scope.units().select_related("parent")
    if query:
        matches = units.filter(Q(name__icontains=query) | Q(code=query))
        ancestor_codes = {code for m in matches for code in geometry.path_codes(m.path)}
        units = units.filter(code__in=ancestor_codes)
    nodes = {u.pk: UnitNode(u) for u in units}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent_id = node.unit.parent_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent.children if parent else roots).append(node)
    return roots
