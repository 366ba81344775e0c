"""Reads for the data entry pages: who may enter for which agency, period and unit, and the entry grid.

Everything starts from the request's Scope: the agencies offered, the units offered and the cells that are
editable come from `scope.entry` and `scope.units()`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import formats

from treem.core.periods import offered_periods, parse_period, period_label
from treem.indicators.disclosure import Reader, small_count_label
from treem.indicators.models import (
    DEFAULT_COMBO,
    CategoryOptionCombo,
    Completion,
    DataElement,
    DataValue,
    Period,
    ValueType,
)
from treem.plans.models import Milestone
from treem.plans.selectors import active_plans
from treem.units import geometry
from treem.units.models import AdministrativeUnit, Agency, UnitLevel
from treem.units.scope import Scope, unit_in_scope

from .disclosure import withhold_small_counts

PUBLIC = Reader.public()  # the default reader: outside case management, small derived counts hidden
MAX_ROWS_PER_PAGE = 250  # a province of ~600 communes is split by district over a few pages


# --- choices on the index page ---------------------------------------------------------------------


def supplier_agencies() -> QuerySet[Agency]:
    """Agencies that supply at least one data element."""
    return Agency.objects.filter(data_elements__isnull=False).distinct().order_by("code")


def entry_agencies(scope: Scope) -> QuerySet[Agency]:
    """The reporting entities the scope may enter figures for: an agency reporter its own agency (and the
    groups it belongs to, when they supply figures); everyone else with entry rights every supplier of
    its province."""
    agencies = supplier_agencies().filter(pk__in=scope.province_agencies().values("pk"))
    if not scope.entry.allowed:
        return agencies.none()
    if scope.entry.supplier_ids is not None:
        agencies = agencies.filter(pk__in=scope.entry.supplier_ids)
    return agencies


def entry_periods(scope: Scope) -> list[tuple[str, str]]:
    """(DHIS2 id, label) of the six-monthly and yearly periods of the scope's plans' years and the year
    before (the baseline), plus any period a plan's milestones name."""
    plans = active_plans(scope)
    years = {y for year in plans.values_list("year", flat=True) for y in (year - 1, year)}
    named = Milestone.objects.filter(is_active=True, plan__in=plans).exclude(period="")
    codes = offered_periods(years, named.values_list("period", flat=True))
    return [(code, period_label(code)) for code in codes]


def default_period(periods: list[tuple[str, str]], today: datetime.date | None = None) -> str | None:
    """The latest offered six-monthly period that has started (else the first offered period)."""
    today = today or datetime.date.today()
    started = [code for code, _ in periods if "S" in code and parse_period(code)[1] <= today]
    return started[-1] if started else (periods[0][0] if periods else None)


def entry_units(scope: Scope, periods: list[tuple[str, str]] | None = None) -> QuerySet[AdministrativeUnit]:
    """Units offered on the index page: provinces and districts the scope sees, and communes too when
    the scope is a district or a commune (a province-wide list of communes would be too long), that
    existed in one of the offered periods (without periods: today): the 2023 districts for the 2023
    plan, the 2025 communes for the next one; the form checks the chosen pair (`EntryChoiceForm`)."""
    if periods:
        spans = [parse_period(code)[1:] for code, _label in periods]
        units = scope.units().existing_during(min(s for s, _e in spans), max(e for _s, e in spans))
    else:
        units = scope.units().valid_on(datetime.date.today())
    if scope.is_province_wide:
        units = units.exclude(level=UnitLevel.COMMUNE)
    return units.order_by("path")


def default_unit(scope: Scope) -> AdministrativeUnit | None:
    if scope.unit_path is not None:
        return scope.units().filter(path=scope.unit_path).first()
    plan = active_plans(scope).first()
    return plan.province if plan else entry_units(scope).first()


def unit_for_period(code: str, period: Period, scope: Scope | None = None) -> AdministrativeUnit | None:
    """The version of the unit with this code that existed in the period (the later one when two did, a
    2025 annual period), within the scope if given: a code in a URL or a template names a unit only
    together with its period."""
    during = (period.start_date, period.end_date)
    if scope is not None:
        return unit_in_scope(scope, code, during=during)
    if not isinstance(code, str) or not code or "\x00" in code:
        return None
    return AdministrativeUnit.objects.version_of(code, during=during)


# --- the entry grid --------------------------------------------------------------------------------


def agency_elements(agency: Agency) -> list[DataElement]:
    """In the order the plan file lists them (births before deaths…), which is the order they were made."""
    return list(agency.data_elements.prefetch_related("combos").order_by("pk"))


@dataclass(frozen=True)
class Column:
    element: DataElement
    combo: CategoryOptionCombo
    index: int

    @property
    def label(self) -> str:
        if self.combo.code == DEFAULT_COMBO:
            return self.element.name
        return f"{self.element.name} — {self.combo.name}"


@dataclass(frozen=True)
class ElementHeader:
    element: DataElement
    combos: list[CategoryOptionCombo]

    @property
    def split(self) -> bool:
        """Whether the element has a second header row with its combo names."""
        return not (len(self.combos) == 1 and self.combos[0].code == DEFAULT_COMBO)


@dataclass
class Cell:
    column: Column
    unit: AdministrativeUnit
    value: Decimal | None
    applicable: bool  # the element is collected at this unit's level
    editable: bool
    raw: str | None = None  # what the user typed, shown back when it was refused
    error: str = ""
    warning: str = ""
    saved: bool = False
    hidden: bool = False  # a small derived count (or its complement) this reader may not see exactly

    @property
    def text(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.hidden else input_text(self.value, self.column.element)

    @property
    def display(self) -> str:
        return small_count_label() if self.hidden else display_text(self.value, self.column.element)

    @property
    def dom_id(self) -> str:
        return f"o-{self.unit.code}-{self.column.element.code}-{self.column.combo.code}"


@dataclass
class Row:
    unit: AdministrativeUnit
    group: AdministrativeUnit | None  # the district a commune row is listed under on a province page
    cells: list[Cell]


@dataclass
class Grid:
    agency: Agency
    period: Period
    unit: AdministrativeUnit
    headers: list[ElementHeader]
    columns: list[Column]
    rows: list[Row]
    pages: list[list[Row]] = field(default_factory=list)

    @property
    def has_split_headers(self) -> bool:
        return any(h.split for h in self.headers)

    @property
    def editable_count(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.editable)


def input_text(value: Decimal | None, element: DataElement) -> str:
    """A value as it goes into an input box, in the Vietnamese form `parse_typed_number` reads back
    whatever the interface language: decimal comma; thousands dots only for counts (for a decimal,
    "1.234" would read as one point two three four)."""
    if value is None:
        return ""
    if element.value_type == ValueType.INTEGER:
        return f"{int(value):,}".replace(",", ".")
    return f"{value.normalize():f}".replace(".", ",")


def display_text(value: Decimal | None, element: DataElement) -> str:
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else None
    return formats.number_format(value.normalize(), places, use_l10n=True, force_grouping=True)


def row_units(unit: AdministrativeUnit, levels: set[str], period: Period) -> list[AdministrativeUnit]:
    """The units at the given collection levels in `unit`'s subtree (itself included) that exist in the
    period, in tree order. When a newer tree starts within the period (the 2025 annual period: 2023
    communes until 30/06, the 2025 ones from 01/07), the rows are the tree at the period's end, as a code
    given with that period names the later version (`version_of`)."""
    start, end = period.start_date, period.end_date
    units = list(
        AdministrativeUnit.objects.filter(path__startswith=unit.path, level__in=levels)
        .existing_during(start, end)
        .order_by("path")
    )
    if any(u.valid_from is not None and u.valid_from > start for u in units):
        units = [u for u in units if u.valid_to is None or u.valid_to > end]
    return units


def entry_grid(
    scope: Scope,
    agency: Agency,
    period: Period,
    unit: AdministrativeUnit,
    *,
    reader: Reader = PUBLIC,
) -> Grid:
    """Rows = units at the elements' collection levels under `unit`; columns = the agency's elements ×
    their combos; each cell with its stored value and whether this scope may edit it. Derived counts are
    hidden as `withhold_small_counts` decides for `reader` (everything small hidden by default)."""
    elements = agency_elements(agency)
    headers: list[ElementHeader] = []
    columns: list[Column] = []
    for element in elements:
        combos = sorted(element.combos.all(), key=lambda c: (c.code != DEFAULT_COMBO, c.code))
        headers.append(ElementHeader(element, combos))
        for combo in combos:
            columns.append(Column(element, combo, len(columns)))
    units = row_units(unit, {e.collection_level for e in elements}, period)
    values = stored_values(unit, period, elements)
    groups = _group_units(unit, units)
    rows = [
        Row(
            row_unit,
            groups.get(row_unit.pk),
            [
                _cell(
                    scope,
                    column,
                    row_unit,
                    values.get((row_unit.pk, column.element.pk, column.combo.pk)),
                    period,
                )
                for column in columns
            ],
        )
        for row_unit in units
    ]
    withhold_small_counts(reader, [cell for row in rows for cell in row.cells], period)
    grid = Grid(agency, period, unit, headers, columns, rows)
    grid.pages = paginate(rows)
    return grid


def stored_values(unit: AdministrativeUnit, period: Period, elements: list[DataElement]) -> dict:
    """(unit id, element id, combo id) → value, for the subtree of `unit` in one period."""
    if period.pk is None:
        return {}
    rows = DataValue.objects.filter(
        period=period, element__in=elements, unit__path__startswith=unit.path
    ).values_list("unit_id", "element_id", "combo_id", "value")
    return {(u, e, c): v for u, e, c, v in rows}


def _group_units(page_unit: AdministrativeUnit, units: list[AdministrativeUnit]) -> dict:
    """unit id → the child of `page_unit` it lies under, for units two or more levels below the page unit
    (communes on a province page are listed by district)."""
    depth = page_unit.depth
    below = [u for u in units if u.depth > depth + 1]
    child_paths = {geometry.ancestor_paths(u.path)[depth + 1] for u in below}
    children = {c.path: c for c in AdministrativeUnit.objects.filter(path__in=child_paths)}
    return {u.pk: children.get(geometry.ancestor_paths(u.path)[depth + 1]) for u in below}


def paginate(rows: list[Row], max_rows: int = MAX_ROWS_PER_PAGE) -> list[list[Row]]:
    """Pages of at most `max_rows` rows that keep a district's communes together where they fit."""
    pages: list[list[Row]] = [[]]
    block: list[Row] = []

    def flush() -> None:
        if pages[-1] and len(pages[-1]) + len(block) > max_rows:
            pages.append([])
        for row in block:
            if len(pages[-1]) >= max_rows:
                pages.append([])
            pages[-1].append(row)
        block.clear()

    for row in rows:
        if block and (row.group is None or row.group != block[-1].group):
            flush()
        block.append(row)
    flush()
    return pages


def cell_after_save(
    scope: Scope,
    page: Any,
    element_code: str,
    combo_code: str,
    unit_code: str,
    *,
    reader: Reader = PUBLIC,
) -> Cell | None:
    """The cell as stored now, or None when it is not a cell of this page: an element the page's agency
    does not supply, a combo the element is not collected by, or a unit outside the page's unit (so a
    crafted URL cannot read figures beyond the page the user may open). A derived count is hidden as in
    the grid (`withhold_small_counts`)."""
    element = next((e for e in agency_elements(page.agency) if e.code == element_code), None)
    unit = unit_for_period(unit_code, page.period, scope)
    if element is None or unit is None or not geometry.is_within(unit.path, page.unit.path):
        return None
    combo = element.combos.filter(code=combo_code).first()
    if combo is None:
        return None
    value = (
        DataValue.objects.filter(element=element, combo=combo, unit=unit, period__code=page.period.code)
        .values_list("value", flat=True)
        .first()
    )
    cell = _cell(scope, Column(element, combo, 0), unit, value, page.period)
    withhold_small_counts(reader, [cell], page.period)
    return cell


def _cell(
    scope: Scope, column: Column, unit: AdministrativeUnit, value: Decimal | None, period: Period
) -> Cell:
    """Editable when collected at the unit's level, the scope may enter it and it is not derived."""
    applicable = column.element.collection_level == unit.level
    editable = (
        applicable
        and scope.entry.allows(column.element, unit)
        and not column.element.is_derived_for(period.start_date)
    )
    return Cell(column, unit, value, applicable, editable)


def completion(agency: Agency, unit: AdministrativeUnit, period: Period) -> Completion | None:
    return (
        Completion.objects.filter(agency=agency, unit=unit, period__code=period.code)
        .select_related("completed_by")
        .first()
    )


def may_complete(scope: Scope, agency: Agency, unit: AdministrativeUnit) -> bool:
    """Marking complete is for those who may enter at least one of the agency's figures for the unit."""
    return any(scope.entry.allows(element, unit) for element in agency.data_elements.all())
