"""Reading DHIS2 dataValueSets, JSON (here) and CSV (`dhis2_csv`), into the inputs of the one write path
(`datavalues.import_values`). orgUnit is the GSO code; categoryOptionCombo is our combo code (`default`,
`rural`, `urban`…). Writing them is `dhis2`.

A file that is not a dataValueSet at all (not JSON/CSV, XML, nested too deep, too many values, a set-level
key treem does not know) is refused whole (InputErrors). A row treem cannot turn into an input (a missing
field, a bad flag, an unknown value-level key, a non-default attribute option combo) is a conflict of that
row in `ValueSet.conflicts`, with DHIS2's `object`, `errorCode` and `indexes`, for the engine to report with
its own (`import_values(rejected=...)`).

Read and not kept: `storedBy`, `created`, `lastUpdated` (treem records who imported a value and when) and
the set-level `dataSet` (treem has no data sets; DHIS2 exports carry it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.uploads import excerpt, limit, load_json

from . import conflict_codes
from .import_options import PAYLOAD_OPTIONS
from .value_inputs import Message, ValueInput

CODE_CHARS = 100  # a code (element, combo, unit, period) longer than this is not one
FLAGS = {"true": True, "false": False}

# DHIS2's default category option combo / attribute option combo: its code, its UID, or nothing at all.
DEFAULT_COMBOS = frozenset({"", "default", "HllvX50cXC0"})

# The DHIS2 errorCode of each reader conflict (the engine's are in `conflict_codes`).
ERROR_CODES = {
    "dataElement": conflict_codes.ELEMENT_NOT_FOUND,  # not a code (not text, too long)
    "period": conflict_codes.PERIOD_INVALID,
    "orgUnit": conflict_codes.UNIT_NOT_FOUND,
    "categoryOptionCombo": conflict_codes.COMBO_NOT_FOUND,
    # Anything but the default: DHIS2's "not found or not accessible for writing data".
    "attributeOptionCombo": conflict_codes.ATTRIBUTE_COMBO,
    "missing": conflict_codes.VALUE_MISSING,  # a required field absent (after inheriting the set's), a row of the wrong size
    "unknown": conflict_codes.VALUE_MISSING,  # a value-level key DHIS2 does not define: the row cannot be read as meant
    "value": conflict_codes.VALUE_INVALID,  # value, deleted or followup of the wrong type
    "comment": conflict_codes.COMMENT_INVALID,
}
CODE_FIELDS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo")
REQUIRED = ("dataElement", "period", "orgUnit")
VALUE_KEYS = frozenset(
    {
        *CODE_FIELDS,
        "value",
        "comment",
        "followup",
        "deleted",
        # Read and not kept: treem records the importing user and the time itself.
        "storedBy",
        "created",
        "lastUpdated",
    }
)
INHERITED = ("period", "orgUnit", "attributeOptionCombo")
SET_KEYS = frozenset({*INHERITED, "dataValues", "dataSet", "completeDate", *PAYLOAD_OPTIONS})


@dataclass
class ValueSet:
    """What a dataValueSet file holds: the inputs it could read, the set-level import options of a JSON
    payload (raw, for `import_options.import_options(query, payload=options)`) and the rows refused."""

    inputs: list[ValueInput] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)
    conflicts: list[Message] = field(default_factory=list)


def xml_refused() -> InputErrors:
    """XML dataValueSets are DHIS2's third format; treem reads JSON and CSV only, and says so."""
    return InputErrors(
        [_("Không hỗ trợ dataValueSets dạng XML (XML is not supported); hãy gửi JSON hoặc CSV.")]
    )


def too_many(count: int, most: int) -> InputErrors:
    return InputErrors(
        [
            _("Tệp có %(n)d giá trị, nhiều hơn giới hạn %(most)d của một lần nhập.")
            % {"n": count, "most": most}
        ]
    )


def _flag(value: object) -> bool | None:
    """A true/false flag: a JSON boolean or the text true/false (any case); None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return FLAGS.get(value.strip().lower())
    return None


def make_input(
    row: Mapping[str, object], index: int, where: str, conflicts: list[Message]
) -> ValueInput | None:
    """The input of one data value (`row` keyed by DHIS2's JSON names, the set's fields already inherited,
    absent keys absent), or None with its problems added to `conflicts`."""

    def conflict(field_name: str, code_key: str, obj: str, text: str) -> None:
        conflicts.append(Message(where, field_name, text, obj, ERROR_CODES[code_key], [index]))

    before = len(conflicts)
    codes: dict[str, str] = {}
    for name in CODE_FIELDS:
        raw = row.get(name)
        if raw is None:
            codes[name] = ""
        elif isinstance(raw, bool) or not isinstance(raw, (str, Decimal)):
            conflict(name, name, excerpt(raw), _("%(field)s phải là chuỗi ký tự.") % {"field": name})
        elif len(text := str(raw).strip()) > CODE_CHARS:
            conflict(
                name,
                name,
                excerpt(text),
                _("%(field)s '%(code)s' dài %(n)d ký tự, tối đa %(most)d.")
                % {"field": name, "code": excerpt(text), "n": len(text), "most": CODE_CHARS},
            )
        else:
            codes[name] = text
    for name in REQUIRED:
        if codes.get(name) == "":
            conflict(name, "missing", name, _("thiếu trường %(field)s.") % {"field": name})
    attribute = codes.get("attributeOptionCombo", "")
    if attribute not in DEFAULT_COMBOS:
        conflict(
            "attributeOptionCombo",
            "attributeOptionCombo",
            attribute,
            _(
                "phương án thuộc tính (attributeOptionCombo) '%(code)s' không có hoặc không được nhập "
                "số liệu: treem chỉ nhận phương án mặc định (để trống, default hoặc HllvX50cXC0)."
            )
            % {"code": excerpt(attribute)},
        )
    element = codes.get("dataElement", "")
    value = row.get("value")
    if isinstance(value, (list, dict)):
        conflict("value", "value", element, _("value phải là một số hoặc chuỗi ký tự."))
    comment = row.get("comment")
    if comment is not None and not isinstance(comment, str):
        conflict("comment", "comment", element, _("comment phải là chuỗi ký tự."))
        comment = None
    flags: dict[str, bool | None] = {}
    for name in ("deleted", "followup"):
        raw = row.get(name)
        flags[name] = None if raw is None else _flag(raw)
        if raw is not None and flags[name] is None:
            conflict(
                name,
                "value",
                element,
                _("%(field)s phải là true hoặc false, không phải '%(value)s'.")
                % {"field": name, "value": excerpt(raw)},
            )
    if len(conflicts) > before:
        return None
    combo = codes["categoryOptionCombo"]
    return ValueInput(
        element,
        "default" if combo in DEFAULT_COMBOS else combo,
        codes["orgUnit"],
        codes["period"],
        None if flags["deleted"] else value,
        # absent (None): keep the stored comment. A deleted value takes its comment with it: a comment on a
        # deleted row is not a note to keep (and would make it a note on the value, see Resolved.annotates).
        None if flags["deleted"] else comment,
        where,
        index=index,
        followup=flags["followup"],
    )


def _set_code(data: Mapping[str, Any], name: str, errors: list[str]) -> object:
    """A set-level code as given (a problem with it concerns every value, so it refuses the file)."""
    raw = data.get(name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, Decimal)):
        errors.append(_("dataValueSet: %(field)s phải là chuỗi ký tự.") % {"field": name})
    elif len(str(raw).strip()) > CODE_CHARS:
        errors.append(
            _("dataValueSet: %(field)s dài quá %(most)d ký tự.") % {"field": name, "most": CODE_CHARS}
        )
    return raw


def _set_level(data: Mapping[str, Any]) -> tuple[dict[str, object], dict[str, object]]:
    """(the fields values inherit, the payload import options); InputErrors for a set-level key treem does
    not know or refuses."""
    errors: list[str] = []
    unknown = sorted(key for key in data if key not in SET_KEYS)
    if unknown:
        errors.append(
            _("dataValueSet có trường không được hỗ trợ: %(keys)s.")
            % {"keys": ", ".join(excerpt(k) for k in unknown[:20])}
        )
    if data.get("completeDate") not in (None, ""):
        errors.append(
            _(
                "completeDate không được nhận: trong treem, việc hoàn thành báo cáo do từng cơ quan "
                "xác nhận trên trang nhập liệu (completeDate is not supported)."
            )
        )
    _set_code(data, "dataSet", errors)
    inherited = {name: _set_code(data, name, errors) for name in INHERITED}
    if errors:
        raise InputErrors(errors)
    options = {key: data[key] for key in PAYLOAD_OPTIONS if key in data}
    return {k: v for k, v in inherited.items() if v is not None}, options


def read_json(text: str, *, max_values: int | None = None) -> ValueSet:
    """DHIS2 dataValueSets JSON. Values take `period`, `orgUnit` and `attributeOptionCombo` from the set
    when they leave them out (their own win). The whole file is refused (InputErrors) when it is XML, not
    valid JSON, nests too deep, holds an over-long number, too many values or a set-level key treem does
    not know; a row that cannot be read is a conflict of that row."""
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        raise xml_refused()
    data = load_json(text.lstrip("\ufeff"))  # a BOM, as editors on Windows save a file
    rows = data.get("dataValues") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputErrors([_('Tệp JSON phải có dạng {"dataValues": [...]} (DHIS2 dataValueSets).')])
    most = max_values or limit("TREEM_MAX_IMPORT_VALUES")
    if len(rows) > most:
        raise too_many(len(rows), most)
    inherited, options = _set_level(data)
    result = ValueSet(options=options)
    for i, row in enumerate(rows):
        where = f"dataValues[{i}]"
        if not isinstance(row, dict):
            result.conflicts.append(
                Message(where, "dataValues", _("phải là một đối tượng."), where, ERROR_CODES["missing"], [i])
            )
            continue
        unknown = sorted(key for key in row if key not in VALUE_KEYS)
        for key in unknown:
            result.conflicts.append(
                Message(
                    where,
                    excerpt(key),
                    _("trường '%(key)s' không có trong dataValue của DHIS2.") % {"key": excerpt(key)},
                    excerpt(key),
                    ERROR_CODES["unknown"],
                    [i],
                )
            )
        item = make_input({**inherited, **row}, i, where, result.conflicts)
        if item is not None and not unknown:
            result.inputs.append(item)
    return result


def read_csv(
    text: str, *, max_values: int | None = None, first_row_is_header: bool | None = None
) -> ValueSet:
    """DHIS2 dataValueSets CSV (`dhis2_csv.read_csv`)."""
    from .dhis2_csv import read_csv as read  # dhis2_csv builds on this module

    return read(text, max_values=max_values, first_row_is_header=first_row_is_header)


def read_file(
    name: str, text: str, *, max_values: int | None = None, first_row_is_header: bool | None = None
) -> ValueSet:
    """A file by its name: .csv is CSV, .xml is refused (XML is not supported), anything else JSON."""
    lower = name.lower()
    if lower.endswith(".xml") or lower.endswith(".adx"):
        raise xml_refused()
    if lower.endswith(".csv"):
        return read_csv(text, max_values=max_values, first_row_is_header=first_row_is_header)
    return read_json(text, max_values=max_values)
