"""The reporting completeness matrix: for each agency supplying a plan's figures and each unit, values
entered for the period / values expected, and the agency's completion marks. A year counts a figure
entered for the year or for both its halves; a unit expects only the combos of its own area."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from treem.core.periods import PeriodType, year_periods
from treem.indicators.models import CategoryOption, Completion, DataElement, DataValue, Period
from treem.plans.metadata import element_codes
from treem.plans.models import Indicator, Plan
from treem.units import areas, geometry
from treem.units.models import AdministrativeUnit, Agency
from treem.units.successions import holders_on

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _CombosCounted(TypedDict):
    n_combos: int
    n_rural: int  # combos restricted to rural units
    n_urban: int


# --- reporting completeness -----------------------------------------------------------------------


@dataclass
class CompletenessCell:
    agency: Agency
    entered: int = 0
    expected: int = 0
    marked: bool = False  # the agency marked this unit (or one above it) complete for the period
    marked_below: int = 0  # units below this one the agency marked complete

    @property
    def css(self) -> str:
        if self.expected and self.entered >= self.expected:
            return "complete-full"
        return "complete-some" if self.entered else "complete-none"


@dataclass
class CompletenessRow:
    unit: AdministrativeUnit
    cells: list[CompletenessCell]  # one per agency, in Completeness.agencies order


@dataclass
class Completeness:
    agencies: list[Agency]
    rows: list[CompletenessRow]

    def totals(self) -> list[CompletenessCell]:
        """One cell per agency summing its column."""
        out = [CompletenessCell(a) for a in self.agencies]
        for row in self.rows:
            for total, cell in zip(out, row.cells, strict=True):
                total.entered += cell.entered
                total.expected += cell.expected
        return out


def _combos_of_area(area: str) -> Count:
    return Count(
        "combos",
        filter=Q(combos__options__category__code=areas.CATEGORY, combos__options__code=area),
        distinct=True,
    )


def plan_elements(indicators: list[Indicator]) -> list[WithAnnotations[DataElement, _CombosCounted]]:
    """The data elements behind the indicators, each with its number of combos (`n_combos`) and of the
    combos restricted to each area (`n_rural`, `n_urban`: see `applicable_combos`)."""
    return list(
        DataElement.objects.filter(code__in=element_codes(indicators))
        .select_related("supplier")
        .annotate(
            n_combos=Count("combos", distinct=True),
            n_rural=_combos_of_area(areas.RURAL),
            n_urban=_combos_of_area(areas.URBAN),
        )
        .order_by("supplier__code", "code")
    )


def applicable_combos(element: WithAnnotations[DataElement, _CombosCounted], unit_type: str) -> int:
    """How many of the element's combos a unit of this type reports: not those of the other area."""
    area = areas.area_of_type(unit_type)
    restricted = {areas.RURAL: element.n_rural, areas.URBAN: element.n_urban}
    return element.n_combos - sum(n for a, n in restricted.items() if area is not None and a != area)


def entered_values(period: Period) -> QuerySet[DataValue]:
    """Values that count as entered for the period: its own; for a year, also a figure entered for both
    halves (counted once, by its second half, when the year itself has none). A value of a combo of the
    other area than the unit's (a rural figure in a ward) does not count."""
    values = DataValue.objects.all()
    if period.period_type == PeriodType.YEARLY:
        first, second, year = year_periods(period.start_date.year)
        same = {"element": OuterRef("element"), "combo": OuterRef("combo"), "unit": OuterRef("unit")}
        has_first = Exists(DataValue.objects.filter(period__code=first, **same))
        has_year = Exists(DataValue.objects.filter(period__code=year, **same))
        values = values.filter(Q(period__code=year) | (Q(period__code=second) & has_first & ~has_year))
    else:
        values = values.filter(period__code=period.code)
    for area in areas.AREAS:
        other_area = CategoryOption.objects.filter(combos=OuterRef("combo"), category__code=areas.CATEGORY)
        values = values.exclude(
            Q(unit__unit_type__in=areas.types_of(area)) & Exists(other_area.exclude(code=area))
        )
    return values


def completeness(
    plan: Plan,
    period: Period,
    unit: AdministrativeUnit,
    children: list[AdministrativeUnit],
    indicators: list[Indicator],
) -> Completeness:
    """For each agency supplying the plan's figures and each child unit (the unit itself when it has
    none): values entered for the period (`entered_values`: a year also by its two halves) / values
    expected (elements × the combos each unit reports × units at the element's collection level), and
    the agency's completion marks.

    Four queries whatever the number of cells: elements, then one GROUP BY each for values, units and
    completion marks, all grouped by the column's path prefix."""
    columns = children or [unit]
    column_paths = {c.path for c in columns}
    elements = plan_elements(indicators)
    element_ids = [e.pk for e in elements]
    # An element's supplier is today's holder of the duty; the period's column is the body that held it
    # then (the Department of Labour in 2023 for what the Department of Health supplies now).
    holders = holders_on({e.supplier for e in elements}, period.start_date)

    # The columns may lie at different depths (a period that spans the 2025 reform lists 2023 districts
    # and 2025 communes): group by the longest column path, then give each group to its column.
    length = max(len(c.path) for c in columns)

    def column_of(prefix: str) -> str | None:
        if not children:
            return prefix if prefix == unit.path else None
        return geometry.child_toward(unit.path, prefix)

    entered: dict[tuple[str | None, int], int] = defaultdict(int)
    for r in (
        entered_values(period)
        .filter(
            element_id__in=element_ids,
            unit__path__startswith=unit.path,
            unit__level=F("element__collection_level"),  # a value counts where it is collected
        )
        .annotate(column=Substr("unit__path", 1, length))
        .values("column", "element__supplier_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        entered[(column_of(r["column"]), holders[r["element__supplier_id"]].pk)] += r["n"]

    levels = {e.collection_level for e in elements}
    units_below: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)  # by unit type
    for r in (
        AdministrativeUnit.objects.filter(path__startswith=unit.path, level__in=levels)
        .existing_during(period.start_date, period.end_date)
        .annotate(column=Substr("path", 1, length))
        .values("column", "level", "unit_type")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_type = units_below[(column_of(r["column"]) or "", r["level"])]
        by_type[r["unit_type"]] = by_type.get(r["unit_type"], 0) + r["n"]

    suppliers: dict[int, Agency] = {holder.pk: holder for holder in holders.values()}
    ancestors = geometry.ancestor_paths(unit.path)
    marks = (
        Completion.objects.filter(period__code=period.code, agency_id__in=list(suppliers))
        .filter(Q(unit__path__startswith=unit.path) | Q(unit__path__in=ancestors))
        .annotate(column=Substr("unit__path", 1, length))
        .values("column", "agency_id", "unit__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    marked_all: set[int] = set()  # agencies that marked the unit shown, or a unit above it
    marked: set[tuple[str, int]] = set()
    marked_below: dict[tuple[str, int], int] = defaultdict(int)
    column_level = {c.path: c.level for c in columns}
    for r in marks:
        marked_column = column_of(r["column"])
        if marked_column is None or marked_column not in column_paths:
            marked_all.add(r["agency_id"])  # a path shorter than a column's: the unit or an ancestor
        elif r["unit__level"] == column_level[marked_column]:
            marked.add((marked_column, r["agency_id"]))
        else:
            marked_below[(marked_column, r["agency_id"])] += r["n"]

    agencies = sorted(suppliers.values(), key=lambda a: a.code)
    own = {a.pk: [e for e in elements if holders[e.supplier_id] == a] for a in agencies}
    rows = []
    for column in columns:
        cells = []
        for agency in agencies:
            key = (column.path, agency.pk)
            cells.append(
                CompletenessCell(
                    agency,
                    entered=entered.get(key, 0),
                    expected=sum(
                        applicable_combos(e, unit_type) * n
                        for e in own[agency.pk]
                        for unit_type, n in units_below[(column.path, e.collection_level)].items()
                    ),
                    marked=agency.pk in marked_all or key in marked,
                    marked_below=marked_below.get(key, 0),
                )
            )
        rows.append(CompletenessRow(column, cells))
    return Completeness(agencies, rows)
