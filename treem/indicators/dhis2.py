"""DHIS2 dataValueSets in and out, JSON and CSV. orgUnit is the GSO code; categoryOptionCombo is our
combo code (`default`, `rural`, `urban`…)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from treem.core.errors import InputErrors

from .datavalues import ValueInput
from .models import DataValue

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


def read_json(text: str) -> list[ValueInput]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputErrors([f"Tệp JSON không hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {exc.msg}."]) from exc
    rows = data.get("dataValues") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputErrors(['Tệp JSON phải có dạng {"dataValues": [...]} (DHIS2 dataValueSets).'])
    inputs, errors = [], []
    for i, row in enumerate(rows):
        where = f"dataValues[{i}]"
        if not isinstance(row, dict):
            errors.append(f"{where}: phải là một đối tượng.")
            continue
        element, period, unit = row.get("dataElement"), row.get("period"), row.get("orgUnit")
        if not (element and period and unit):
            missing = [f for f in JSON_FIELDS if not row.get(f)]
            errors.append(f"{where}: thiếu trường {', '.join(missing)}.")
            continue
        value = None if row.get("deleted") is True else row.get("value")
        inputs.append(
            ValueInput(
                str(element),
                str(row.get("categoryOptionCombo") or "default"),
                str(unit),
                str(period),
                value,
                str(row.get("comment") or ""),
                where,
            )
        )
    if errors:
        raise InputErrors(errors)
    return inputs


def read_csv(text: str) -> list[ValueInput]:
    """DHIS2 CSV: dataelement, period, orgunit, categoryoptioncombo, attributeoptioncombo, value, …
    with or without the header row."""
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not lines:
        return []
    header = [h.strip().lower() for h in lines[0]]
    start = 1 if "dataelement" in header else 0
    columns = header if start else CSV_COLUMNS
    index = {name: columns.index(name) for name in CSV_COLUMNS if name in columns}
    missing = [c for c in ("dataelement", "period", "orgunit", "value") if c not in index]
    if missing:
        raise InputErrors([f"Tệp CSV thiếu cột: {', '.join(missing)}."])
    inputs, errors = [], []
    for number, row in enumerate(lines[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue

        cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
        cell = lambda name, cells=cells: cells.get(name, "")  # noqa: E731

        where = f"Dòng {number}"
        missing_cells = [c for c in ("dataelement", "period", "orgunit") if not cell(c)]
        if missing_cells:
            errors.append(f"{where}: thiếu giá trị ở cột {', '.join(missing_cells)}.")
            continue
        value = None if cell("deleted").lower() == "true" else cell("value")
        inputs.append(
            ValueInput(
                cell("dataelement"),
                cell("categoryoptioncombo") or "default",
                cell("orgunit"),
                cell("period"),
                value,
                cell("comment"),
                where,
            )
        )
    if errors:
        raise InputErrors(errors)
    return inputs


def read_file(name: str, text: str) -> list[ValueInput]:
    return read_csv(text) if name.lower().endswith(".csv") else read_json(text)


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


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text


def write_json(rows) -> str:
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
            ]
        },
        ensure_ascii=False,
        indent=1,
    )


def write_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for dv in rows.iterator(chunk_size=5000):
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
