"""DHIS2 dataValueSets out, JSON and CSV (reading them is `dhis2_read`). orgUnit is the GSO code; categoryOptionCombo is our
combo code (`default`, `rural`, `urban`…).

An export for a user leaves out the derived values that reader may not see (`withheld_values`, the rule of
treem.indicators.disclosure): DHIS2 has no "< 5", and leaving a value out is how DHIS2's own aggregate
suppression works. The operator's command (export_datavalues) exports every value."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Q

from treem.units import geometry

from .disclosure import Reader, withheld
from .disclosure_periods import across_periods, adds_up, year_tree
from .models import DataElement, DataValue, Period

CSV_COLUMNS = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
]


def values_for_export(
    period_codes: Iterable[str] | None = None,
    unit_path: str | None = None,
    element_codes: Iterable[str] | None = None,
):
    rows = DataValue.objects.select_related("element", "combo", "unit", "period", "stored_by").order_by(
        "period__start_date", "period__code", "unit__path", "element__code", "combo__code"
    )
    if period_codes:
        rows = rows.filter(period__code__in=list(period_codes))
    if unit_path:
        rows = rows.filter(unit__path__startswith=unit_path)
    if element_codes:
        rows = rows.filter(element__code__in=list(element_codes))
    return rows


def withheld_values(
    period_codes: Iterable[str], unit: Any, element_codes: Iterable[str] | None, reader: Reader
) -> set[int]:
    """The ids of the values under `unit` that an export for `reader` leaves out: derived values of 1 …
    TREEM_SMALL_COUNT − 1 outside the reader's exact area, and their complements, among the units of one
    parent (a district's total is published), among an element's categories in one unit (its total is)
    and, for an element that adds up over time, among the periods of a year (year = S1 + S2 = Q1 + … + Q4).
    The complements are chosen over whole groups, the requested unit's siblings and every period of the
    requested periods' years included, so asking unit by unit or period by period gives nothing more than
    asking for the parent and the year."""
    elements = list(DataElement.objects.exclude(derived_rule="").filter(derived_since__isnull=False))
    if element_codes:
        wanted = set(element_codes)
        elements = [e for e in elements if e.code in wanted]
    asked = set(period_codes)
    years = {code for asked_code in asked for code in year_tree(asked_code)}
    periods = list(Period.objects.filter(code__in=years | asked))
    pairs = [
        (e, p)
        for e in elements
        for p in periods
        if e.is_derived_for(p.start_date) and (p.code in asked or adds_up(e))
    ]
    if not pairs:
        return set()
    where = Q(unit__path__startswith=unit.path)
    if unit.parent_id is not None:
        where |= Q(unit__parent_id=unit.parent_id)
    which = Q()
    for element, period in pairs:
        which |= Q(element=element, period=period)
    rows = DataValue.objects.filter(which, where).values_list(
        "pk", "unit__path", "unit__parent_id", "element__code", "period__code", "combo__code", "value"
    )
    counts: dict[tuple[str, str, str, str], int] = {}
    ids: dict[tuple[str, str, str, str], int] = {}
    siblings: dict[tuple[Any, ...], list[tuple[str, str, str, str]]] = {}
    categories: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for pk, path, parent_id, element_code, period_code, combo_code, value in rows:
        key = (path, element_code, period_code, combo_code)  # the path first: ties go in unit order
        counts[key], ids[key] = int(value), pk
        siblings.setdefault((parent_id, element_code, period_code, combo_code), []).append(key)
        categories.setdefault((path, element_code, period_code), []).append(key)
    flows = {e.code for e in elements if adds_up(e)}
    in_years = across_periods(
        [key for key in counts if key[1] in flows], lambda key: key[2], lambda key: (key[0], key[1], key[3])
    )
    hidden = withheld(counts, [*siblings.values(), *categories.values(), *in_years])
    return {
        ids[key]
        for key in hidden
        if key[2] in asked and geometry.is_within(key[0], unit.path) and not reader.exact(key[0])
    }


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text


def write_json(rows, withheld: Collection[int] = ()) -> str:
    """`withheld`: ids of values left out (withheld_values)."""
    return json.dumps(
        {
            "dataValues": [
                {
                    "dataElement": dv.element.code,
                    "period": dv.period.code,
                    "orgUnit": dv.unit.code,
                    "categoryOptionCombo": dv.combo.code,
                    "value": _plain(dv.value),
                    "storedBy": dv.stored_by.username if dv.stored_by else "",
                    "lastUpdated": dv.updated_at.isoformat(),
                    "comment": dv.comment,
                }
                for dv in rows.iterator(chunk_size=5000)
                if dv.pk not in withheld
            ]
        },
        ensure_ascii=False,
        indent=1,
    )


def write_csv(rows, withheld: Collection[int] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for dv in rows.iterator(chunk_size=5000):
        if dv.pk in withheld:
            continue
        writer.writerow(
            [
                dv.element.code,
                dv.period.code,
                dv.unit.code,
                dv.combo.code,
                "",
                _plain(dv.value),
                dv.stored_by.username if dv.stored_by else "",
                dv.updated_at.isoformat(),
                dv.comment,
                "false",
                "",
            ]
        )
    return out.getvalue()
