"""Reading DHIS2 dataValueSets CSV (`dhis2_read` reads JSON and holds what both share).

Columns. With a header whose names are DHIS2's (any case, trimmed: dataelement, period, orgunit,
categoryoptioncombo, attributeoptioncombo, value, storedby, lastupdated, comment, followup, deleted, created,
and DHIS2's aliases dataelelement, catoptcombo, attroptcombo, strby, lstupd, cmt, flwup), the columns are
read by name, in any order. With a header none of whose names are known, or no header, they are read in
DHIS2's position order (POSITIONS). A header with some known and some unknown names is refused, the unknown
ones named: a column is never dropped.

The header row. `first_row_is_header` True/False decides; None (DHIS2's `firstRowIsHeader` not given): the
first row is a header when it is not a data row, and it is a data row when its second cell (period, in DHIS2's
position order) is a period id in DHIS2's form (2023, 2023S1, 2023Q2, 202306; any year, so that a year treem
does not accept is reported, not taken for a header), its third cell (orgunit) is a GSO code (digits only) or
its sixth cell (value) is a number (so that a data row with a mistyped period, or with a mistyped period and no
value, is reported as a conflict, not skipped as a header). A header never holds any of them.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.periods import PeriodError, period_dates
from treem.core.uploads import csv_records, excerpt, limit

from .dhis2_read import ERROR_CODES, ValueSet, make_input, too_many, xml_refused
from .value_inputs import Message

POSITIONS = [
    "dataElement",
    "period",
    "orgUnit",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "value",
    "storedBy",
    "lastUpdated",
    "comment",
    "followup",
    "deleted",
]
FEWEST_POSITIONAL = POSITIONS.index("value") + 1
NAMES = {
    "dataelement": "dataElement",
    "dataelelement": "dataElement",  # DHIS2's old misspelling, still read by it
    "period": "period",
    "orgunit": "orgUnit",
    "categoryoptioncombo": "categoryOptionCombo",
    "catoptcombo": "categoryOptionCombo",
    "attributeoptioncombo": "attributeOptionCombo",
    "attroptcombo": "attributeOptionCombo",
    "value": "value",
    "storedby": "storedBy",
    "strby": "storedBy",
    "lastupdated": "lastUpdated",
    "lstupd": "lastUpdated",
    "comment": "comment",
    "cmt": "comment",
    "followup": "followup",
    "flwup": "followup",
    "deleted": "deleted",
    "created": "created",
}
REQUIRED_COLUMNS = ("dataElement", "period", "orgUnit", "value")
NUMBER = re.compile(r"[-+]?[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?")
# A CSV body that is an XML document (a CSV cell may start with "<", a CSV file does not start so).
XML_START = re.compile(r"\s*<(\?xml|datavalueset|adx)", re.IGNORECASE)


def _name(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").strip().lower()


def _is_period(text: str) -> bool:
    try:
        period_dates(text.strip())
    except PeriodError:
        return False
    return True


def _looks_like_data(row: list[str]) -> bool:
    return (
        (len(row) > 1 and _is_period(row[1]))
        or (len(row) > 2 and row[2].strip().isascii() and row[2].strip().isdigit())
        or (len(row) > 5 and NUMBER.fullmatch(row[5].strip()) is not None)
    )


def _columns(header: list[str]) -> list[str] | None:
    """The field each header cell names, or None when it names none (positional reading); InputErrors
    when some are known and some are not, a name repeats, or a required column is missing."""
    names = [_name(cell) for cell in header]
    known = [NAMES.get(n) for n in names]
    if not any(known):
        return None
    unknown = [header[i].strip() or _("(trống)") for i, k in enumerate(known) if k is None]
    if unknown:
        raise InputErrors(
            [
                _(
                    "Tệp CSV có cột không nhận ra: %(columns)s. Tên cột DHIS2: %(names)s "
                    "(hoặc bỏ hẳn dòng tiêu đề để đọc theo thứ tự cột của DHIS2)."
                )
                % {
                    "columns": ", ".join(excerpt(c) for c in unknown[:20]),
                    "names": ", ".join(n.lower() for n in [*POSITIONS, "created"]),
                }
            ]
        )
    fields = [k for k in known if k]
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    missing = [f.lower() for f in REQUIRED_COLUMNS if f not in fields]
    errors = []
    if repeated:
        errors.append(_("Tệp CSV có cột lặp lại: %(columns)s.") % {"columns": ", ".join(repeated)})
    if missing:
        errors.append(_("Tệp CSV thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    if errors:
        raise InputErrors(errors)
    return fields


def read_csv(
    text: str, *, max_values: int | None = None, first_row_is_header: bool | None = None
) -> ValueSet:
    """DHIS2 dataValueSets CSV (see the module). The file is refused (InputErrors) when it is XML, a record
    cannot be read (an unterminated quote, an over-long field), its header cannot be, or it holds too many
    values; a row with the wrong number of cells or a field treem cannot read is a conflict of that row.
    Empty lines are skipped and not counted in the rows' `index`."""
    text = text.lstrip("\ufeff")
    if XML_START.match(text):
        raise xml_refused()
    records = csv_records(text)
    first = next(records, None)
    result = ValueSet()
    if first is None:
        return result
    line, first_row = first
    if isinstance(first_row, str):
        raise InputErrors([_("Dòng %(n)d: %(problem)s.") % {"n": line, "problem": first_row}])
    if first_row_is_header is None:
        is_header = not _looks_like_data(first_row)
    else:
        is_header = first_row_is_header
    columns = _columns(first_row) if is_header else None
    if columns is None:
        fewest, most_cells, columns = FEWEST_POSITIONAL, len(POSITIONS), POSITIONS
    else:
        fewest = most_cells = len(columns)
    rows = records if is_header else iter([first, *records])
    most = max_values or limit("TREEM_MAX_IMPORT_VALUES")
    index = 0
    for number, row in rows:
        where = _("Dòng %(n)d") % {"n": number}
        if isinstance(row, str):
            raise InputErrors([f"{where}: {row}."])
        if not any(cell.strip() for cell in row):
            continue
        if index >= most:
            raise too_many(index + 1, most)
        if not fewest <= len(row) <= most_cells:
            expected = (
                _("tiêu đề có %(n)d cột") % {"n": most_cells}
                if fewest == most_cells
                else _("cần từ %(fewest)d đến %(most)d cột") % {"fewest": fewest, "most": most_cells}
            )
            result.conflicts.append(
                Message(
                    where,
                    "row",
                    _("có %(n)d cột, %(expected)s.") % {"n": len(row), "expected": expected},
                    excerpt(row[0].strip()) or where,  # the element it was meant for, if named
                    ERROR_CODES["missing"],
                    [index],
                )
            )
        else:
            fields = {name: cell for name, cell in zip(columns, row, strict=False)}
            for flag in ("deleted", "followup"):  # an empty flag cell says nothing
                if not fields.get(flag, "x").strip():
                    del fields[flag]
            item = make_input(fields, index, where, result.conflicts)
            if item is not None:
                result.inputs.append(item)
        index += 1
    return result
