"""DHIS2 dataValueSets in and out, JSON and CSV. orgUnit is the GSO code; categoryOptionCombo is our
combo code (`default`, `rural`, `urban`…).

An export for a user leaves out the derived values that reader may not see (`withheld_values`, the rule of
treem.indicators.disclosure): DHIS2 has no "< 5", and leaving a value out is how DHIS2's own aggregate
suppression works. The operator's command (export_datavalues) exports every value."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.uploads import csv_records, excerpt, limit, load_json
from treem.units import geometry

from .datavalues import ValueInput
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
JSON_FIELDS = ("dataElement", "period", "orgUnit")
CODE_FIELDS = ("dataelement", "period", "orgunit", "categoryoptioncombo")


CODE_CHARS = 100  # a code (element, combo, unit, period) longer than this is not one
MAX_MESSAGES = 1000  # a refused file names its first problems, then counts the rest
FLAGS = {"true": True, "false": False, "": False}


def _refuse(errors: list[str]) -> InputErrors:
    if len(errors) > MAX_MESSAGES:
        more = len(errors) - MAX_MESSAGES
        errors = [*errors[:MAX_MESSAGES], _("… và %(n)d lỗi khác.") % {"n": more}]
    return InputErrors(errors)


def _too_many(count: int, most: int) -> InputErrors:
    return InputErrors(
        [
            _("Tệp có %(n)d giá trị, nhiều hơn giới hạn %(most)d của một lần nhập.")
            % {"n": count, "most": most}
        ]
    )


def _code(row: dict[str, Any], name: str, where: str, errors: list[str]) -> str:
    """A code field as text ("" when absent); a problem is added to `errors` when it is not a short text."""
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, Decimal)):
        errors.append(f"{where}: {name} phải là chuỗi ký tự.")
        return ""
    text = str(value).strip()
    if len(text) > CODE_CHARS:
        errors.append(f"{where}: {name} '{excerpt(text)}' dài {len(text)} ký tự, tối đa {CODE_CHARS}.")
        return ""
    return text


def _json_flag(value: object) -> bool | None:
    """A true/false flag (DHIS2 sends JSON booleans; "true"/"false" text is accepted), None if neither."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return FLAGS.get(value.strip().lower())
    return None


def read_json(text: str, *, max_values: int | None = None) -> list[ValueInput]:
    """DHIS2 dataValueSets JSON. The whole file is refused (InputErrors, every problem named) when it is
    not valid JSON, nests too deep, holds an over-long number or a field that is not a short text."""
    data = load_json(text)
    rows = data.get("dataValues") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputErrors(['Tệp JSON phải có dạng {"dataValues": [...]} (DHIS2 dataValueSets).'])
    most = max_values or limit("TREEM_MAX_IMPORT_VALUES")
    if len(rows) > most:
        raise _too_many(len(rows), most)
    inputs: list[ValueInput] = []
    errors: list[str] = []
    for i, row in enumerate(rows):
        where = f"dataValues[{i}]"
        if not isinstance(row, dict):
            errors.append(f"{where}: phải là một đối tượng.")
            continue
        before = len(errors)
        element, period, unit = (_code(row, name, where, errors) for name in JSON_FIELDS)
        combo = _code(row, "categoryOptionCombo", where, errors)
        comment = row.get("comment")
        if comment is not None and not isinstance(comment, str):
            errors.append(f"{where}: comment phải là chuỗi ký tự.")
        value = row.get("value")
        if isinstance(value, (list, dict)):
            errors.append(f"{where}: value phải là một số hoặc chuỗi ký tự.")
        deleted = _json_flag(row.get("deleted"))
        if deleted is None:
            errors.append(
                f"{where}: deleted phải là true hoặc false, không phải '{excerpt(row.get('deleted'))}'."
            )
        if len(errors) > before:
            continue
        if not (element and period and unit):
            missing = [
                name for name, got in zip(JSON_FIELDS, (element, period, unit), strict=True) if not got
            ]
            errors.append(f"{where}: thiếu trường {', '.join(missing)}.")
            continue
        inputs.append(
            ValueInput(
                element,
                combo or "default",
                unit,
                period,
                None if deleted else value,
                comment,  # absent (None): keep the stored comment
                where,
            )
        )
    if errors:
        raise _refuse(errors)
    return inputs


def read_csv(text: str, *, max_values: int | None = None) -> list[ValueInput]:
    """DHIS2 CSV: dataelement, period, orgunit, categoryoptioncombo, attributeoptioncombo, value, …
    with or without the header row. A row with fewer or more columns than the header (or, without a
    header, fewer than up to `value`), an unterminated quote, an over-long field or an unknown `deleted`
    flag refuses the whole file, the row named by its line."""
    records = csv_records(text.lstrip("\ufeff"))
    first = next(records, None)
    if first is None:
        return []
    line, header_row = first
    if isinstance(header_row, str):
        raise InputErrors([f"Dòng {line}: {header_row}."])
    header = [h.strip().lower() for h in header_row]
    has_header = "dataelement" in header
    columns = header if has_header else CSV_COLUMNS
    index = {name: columns.index(name) for name in CSV_COLUMNS if name in columns}
    missing = [c for c in ("dataelement", "period", "orgunit", "value") if c not in index]
    if missing:
        raise InputErrors([f"Tệp CSV thiếu cột: {', '.join(missing)}."])
    fewest = len(header) if has_header else index["value"] + 1
    most_columns = len(header) if has_header else len(CSV_COLUMNS)
    most = max_values or limit("TREEM_MAX_IMPORT_VALUES")
    inputs: list[ValueInput] = []
    errors: list[str] = []
    for number, row in itertools.chain([] if has_header else [first], records):
        where = f"Dòng {number}"
        if isinstance(row, str):
            errors.append(f"{where}: {row}.")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if not fewest <= len(row) <= most_columns:
            errors.append(
                f"{where}: có {len(row)} cột, "
                + (
                    f"tiêu đề có {len(header)} cột."
                    if has_header
                    else f"cần từ {fewest} đến {most_columns} cột."
                )
            )
            continue
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
        missing_cells = [c for c in ("dataelement", "period", "orgunit") if not cells.get(c)]
        long_codes = [c for c in CODE_FIELDS if len(cells.get(c, "")) > CODE_CHARS]
        deleted = FLAGS.get(cells.get("deleted", "").lower())
        if missing_cells:
            errors.append(f"{where}: thiếu giá trị ở cột {', '.join(missing_cells)}.")
        if long_codes:
            errors.append(f"{where}: cột {', '.join(long_codes)} dài quá {CODE_CHARS} ký tự.")
        if deleted is None:
            errors.append(
                f"{where}: cột deleted phải là true hoặc false, không phải '{excerpt(cells['deleted'])}'."
            )
        if missing_cells or long_codes or deleted is None:
            continue
        if len(inputs) >= most:
            raise _too_many(len(inputs) + 1, most)
        inputs.append(
            ValueInput(
                cells["dataelement"],
                cells.get("categoryoptioncombo") or "default",
                cells["orgunit"],
                cells["period"],
                None if deleted else cells["value"],
                cells.get("comment"),  # no comment column: keep the stored comment
                where,
            )
        )
    if errors:
        raise _refuse(errors)
    return inputs


def read_file(name: str, text: str, *, max_values: int | None = None) -> list[ValueInput]:
    if name.lower().endswith(".csv"):
        return read_csv(text, max_values=max_values)
    return read_json(text, max_values=max_values)


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
