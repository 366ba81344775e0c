"""Reading DHIS2 dataValueSets, JSON and CSV, into the inputs of the one write path
(`datavalues.import_values`). orgUnit is the GSO code; categoryOptionCombo is our combo code (`default`,
`rural`, `urban`…). Writing them is `dhis2`."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.uploads import csv_records, excerpt, limit, load_json

from .value_inputs import ValueInput

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
