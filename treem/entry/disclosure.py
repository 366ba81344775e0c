"""Derived counts on the entry grid and in its Excel template, as a reader may see them: the rule of
treem.indicators.disclosure (small counts hidden outside case management, with their complements) applied
to stored values, which the grid shows cell by cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from treem.indicators.disclosure import Reader, withheld
from treem.indicators.disclosure_periods import across_periods, adds_up, year_tree
from treem.indicators.models import DataValue, Period
from treem.units.models import AdministrativeUnit

if TYPE_CHECKING:
    from .selectors import Cell


def withhold_small_counts(reader: Reader, cells: Iterable[Cell], period: Period) -> None:
    """Mark `hidden` the derived cells of the period that `reader` may not see exactly: counts from 1 to
    TREEM_SMALL_COUNT − 1, and the complement of a lone hidden one among the unit's siblings and among the
    element's categories at the unit (indicators.disclosure.withheld). The grid shows no total, but the
    dashboard shows the parent's, so the siblings are all the parent's units of the period, not only the
    rows of this page: the grid hides what the dashboard's drill-down hides. For an element that adds up
    over time the periods of the year are groups too, so the year less the other half gives nothing back."""
    derived = [
        cell
        for cell in cells
        if cell.applicable
        and cell.value is not None
        and cell.column.element.is_derived_for(period.start_date)
        and not reader.exact(cell.unit.path)
    ]
    if not derived or period.pk is None:
        return
    parents = {cell.unit.parent_id for cell in derived}
    siblings = (
        AdministrativeUnit.objects.filter(parent_id__in=parents - {None})
        .existing_during(period.start_date, period.end_date)
        .values_list("pk", "path", "parent_id")
    )
    units: dict[int, tuple[str, int | None]] = {pk: (path, parent) for pk, path, parent in siblings}
    units.update({cell.unit.pk: (cell.unit.path, cell.unit.parent_id) for cell in derived})
    elements = {cell.column.element.pk: cell.column.element for cell in derived}
    # an element that adds up over time: every period of the year, since year = S1 + S2 = Q1 + … + Q4
    # (indicators.disclosure.period_groups); one query for the periods, one for the values
    periods = Period.objects.filter(code__in=set(year_tree(period.code)) | {period.code})
    which = Q(period=period, element_id__in=list(elements))
    for other in periods:
        flows = [pk for pk, e in elements.items() if adds_up(e) and e.is_derived_for(other.start_date)]
        if other.pk != period.pk and flows:
            which |= Q(period=other, element_id__in=flows)
    stored = DataValue.objects.filter(which, unit_id__in=units).values_list(
        "unit_id", "element_id", "combo_id", "period__code", "value"
    )
    counts: dict[tuple[str, int, int, str], int] = {}
    groups: dict[tuple, list[tuple[str, int, int, str]]] = defaultdict(list)
    for unit_id, element_id, combo_id, code, value in stored:
        path, parent = units[unit_id]
        key = (path, element_id, combo_id, code)  # paths first: between equal counts the first unit goes
        counts[key] = int(value)
        groups[("siblings", parent or path, element_id, combo_id, code)].append(key)
        groups[("categories", path, element_id, code)].append(key)
    in_years = across_periods(counts, lambda key: key[3], lambda key: key[:3])
    hidden = withheld(counts, [*(sorted(keys) for keys in groups.values()), *in_years])
    for cell in derived:
        key = (cell.unit.path, cell.column.element.pk, cell.column.combo.pk, period.code)
        cell.hidden = key in hidden
