"""JSON Schema of a procedure file (docs/procedure-file.md), and the checks the schema cannot express:
references between steps, fields and lists, the order of steps (no cycles), conditions and clocks.
Both run before anything is built; every error names the file, line and path, in Vietnamese."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from treem.core.yamlfile import format_path, line_of

CODE = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
TEXT = {"type": "string", "minLength": 1}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
FIELD_TYPES = ["text", "longtext", "date", "datetime", "choice", "multichoice", "integer", "boolean"]
# The lists named at the top level; `lists` holds any other.
TOP_LISTS = ["harms", "sources", "risk_levels", "providers", "services", "closure_reasons"]

CHOICE_LIST = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "label"],
        "additionalProperties": False,
        "properties": {"code": CODE, "label": TEXT, "provider": CODE},
    },
}
CONDITION = {
    "type": "object",
    "required": ["step", "field"],
    "additionalProperties": False,
    "properties": {
        "step": CODE,
        "field": CODE,
        "equals": {"type": ["string", "boolean"]},
        "in": {"type": "array", "minItems": 1, "items": {"type": ["string", "boolean"]}},
    },
}
LIMIT = {
    "type": "object",
    "required": ["from"],
    "additionalProperties": False,
    "properties": {
        "hours": {"type": "integer", "minimum": 1},
        "working_days": {"type": "integer", "minimum": 1},
        "from": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"},
    },
}
FIELD = {
    "type": "object",
    "required": ["name", "label", "type"],
    "additionalProperties": False,
    "properties": {
        "name": CODE,
        "label": TEXT,
        "type": {"enum": FIELD_TYPES},
        "required": {"type": "boolean"},
        "choices": CODE,
        "confidential": {"type": "boolean"},
        "officer": {"type": "boolean"},
        "max_length": {"type": "integer", "minimum": 1},
        "minimum": {"type": "integer"},
        "maximum": {"type": "integer"},
        "pattern": TEXT,
        "help": {"type": "string"},
    },
}
STEP = {
    "type": "object",
    "required": ["code", "label", "after", "fields"],
    "additionalProperties": False,
    "properties": {
        "code": CODE,
        "form": {"type": "string", "pattern": r"^\d{2}[a-z]?$"},
        "label": TEXT,
        "after": {"type": "array", "items": CODE},
        "when": {"oneOf": [{"type": "null"}, CONDITION]},
        "limit": {"oneOf": [{"type": "null"}, LIMIT]},
        "repeatable": {"type": "boolean"},
        "final": {"type": "boolean"},
        "next_cycle": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["when", "restart"],
                    "additionalProperties": False,
                    "properties": {"when": CONDITION, "restart": CODE},
                },
            ]
        },
        "fields": {"type": "array", "minItems": 1, "items": FIELD},
    },
}

PROCEDURE_SCHEMA = {
    "type": "object",
    "required": ["code", "title", "legal_bases", "steps", *TOP_LISTS],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9\-]*$"},
        "title": TEXT,
        "legal_bases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "title"],
                "additionalProperties": False,
                "properties": {"number": TEXT, "date": DATE, "issuer": {"type": "string"}, "title": TEXT},
            },
        },
        **{name: CHOICE_LIST for name in TOP_LISTS},
        "lists": {"type": "object", "additionalProperties": CHOICE_LIST},
        "steps": {"type": "array", "minItems": 1, "items": STEP},
    },
}


def content_errors(data: dict, lines: dict[tuple, int], name: str) -> list[str]:
    """Every reference, order, condition and clock error of a file that passed the schema."""
    errors: list[tuple[int, str]] = []

    def err(path: tuple, message: str) -> None:
        line = line_of(lines, path) or 0
        errors.append((line, f"{name}, dòng {line}, {format_path(path)}: {message}."))

    lists = _check_lists(data, err)
    steps = data["steps"]
    index: dict[str, int] = {}
    for i, step in enumerate(steps):
        if step["code"] in index:
            err(("steps", i, "code"), f"mã bước '{step['code']}' đã dùng ở steps[{index[step['code']]}]")
        index.setdefault(step["code"], i)
        _check_fields(step, ("steps", i), lists, err)
    for i, step in enumerate(steps):
        for j, before in enumerate(step["after"]):
            if before not in index:
                err(("steps", i, "after", j), f"không có bước '{before}'")
            elif before == step["code"]:
                err(("steps", i, "after", j), "một bước không thể đứng sau chính nó")
    cyclic = _check_cycles(steps, index, err)
    if cyclic:
        return [message for _, message in sorted(errors)]
    for i, step in enumerate(steps):
        path = ("steps", i)
        earlier = _ancestors(step["code"], steps, index)
        if step.get("when"):
            _check_condition(step["when"], path + ("when",), earlier, steps, index, lists, err)
        if step.get("limit"):
            _check_limit(step["limit"], path + ("limit",), earlier, steps, index, err)
        if step.get("next_cycle"):
            cycle = step["next_cycle"]
            _check_condition(
                cycle["when"],
                path + ("next_cycle", "when"),
                earlier | {step["code"]},
                steps,
                index,
                lists,
                err,
            )
            if cycle["restart"] not in earlier:
                err(
                    path + ("next_cycle", "restart"),
                    f"bước '{cycle['restart']}' phải là một bước đứng trước '{step['code']}'",
                )
    return [message for _, message in sorted(errors)]


def _check_lists(data: dict, err: Callable[[tuple, str], None]) -> dict[str, set[str]]:
    lists: dict[str, set[str]] = {}
    named: list[tuple[tuple, str, list[dict]]] = [((name,), name, data[name]) for name in TOP_LISTS]
    named += [(("lists", key), key, items) for key, items in (data.get("lists") or {}).items()]
    for path, key, items in named:
        if key in lists:
            err(path, f"danh sách '{key}' đã có ở cấp trên cùng")
        _check_unique(items, "code", path, "mã", err)
        lists[key] = {item["code"] for item in items}
    for path, _key, items in named:
        for i, item in enumerate(items):
            if "provider" in item and item["provider"] not in lists["providers"]:
                err(path + (i, "provider"), f"không có loại cơ quan '{item['provider']}' trong providers")
    for i, item in enumerate(data["services"]):
        if "provider" not in item:
            err(("services", i), "dịch vụ cần khai báo provider (loại cơ quan cung cấp)")
    return lists


def _check_unique(
    items: list[dict], key: str, path: tuple, what: str, err: Callable[[tuple, str], None]
) -> None:
    """Report each repeat of a code at the repeat, naming where it was first used."""
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item[key] in first:
            err(path + (i, key), f"{what} '{item[key]}' đã dùng ở mục {first[item[key]]}")
        first.setdefault(item[key], i)


def _check_fields(
    step: dict, path: tuple, lists: dict[str, set[str]], err: Callable[[tuple, str], None]
) -> None:
    _check_unique(step["fields"], "name", path + ("fields",), "tên trường", err)
    for j, field in enumerate(step["fields"]):
        here = path + ("fields", j)
        kind = field["type"]
        if kind in ("choice", "multichoice"):
            if "choices" not in field:
                err(here, f"trường kiểu {kind} cần khai báo choices (tên một danh sách)")
            elif field["choices"] not in lists:
                err(here + ("choices",), f"không có danh sách '{field['choices']}'")
        elif "choices" in field:
            err(here + ("choices",), "choices chỉ dùng cho trường kiểu choice hoặc multichoice")
        for key, kinds in (
            ("max_length", ("text", "longtext")),
            ("pattern", ("text",)),
            ("minimum", ("integer",)),
            ("maximum", ("integer",)),
        ):
            if key in field and kind not in kinds:
                err(here + (key,), f"{key} không dùng được cho trường kiểu {kind}")
        if "pattern" in field:
            try:
                re.compile(field["pattern"])
            except re.error as exc:
                err(here + ("pattern",), f"biểu thức chính quy không hợp lệ ({exc})")
        if "minimum" in field and "maximum" in field and field["minimum"] > field["maximum"]:
            err(here + ("maximum",), "maximum nhỏ hơn minimum")


def _check_cycles(steps: list[dict], index: dict[str, int], err: Callable[[tuple, str], None]) -> bool:
    """Report each cycle in the order of steps once, at the `after` of its first step."""
    state: dict[str, str] = {}
    found = False

    def visit(code: str, trail: list[str]) -> None:
        nonlocal found
        state[code] = "open"
        for before in steps[index[code]]["after"]:
            if before not in index or before == code:
                continue
            if state.get(before) == "open":
                cycle = trail[trail.index(before) :] + [before]
                first = index[cycle[0]]
                err(("steps", first, "after"), f"thứ tự các bước bị vòng lặp: {' → '.join(cycle)}")
                found = True
            elif before not in state:
                visit(before, trail + [before])
        state[code] = "closed"

    for step in steps:
        if step["code"] not in state:
            visit(step["code"], [step["code"]])
    return found


def _ancestors(code: str, steps: list[dict], index: dict[str, int]) -> set[str]:
    """The steps that must come before `code`, directly or through others."""
    seen: set[str] = set()
    todo = list(steps[index[code]]["after"])
    while todo:
        before = todo.pop()
        if before in index and before not in seen:
            seen.add(before)
            todo.extend(steps[index[before]]["after"])
    return seen


def _field(steps: list[dict], index: dict[str, int], step: str, name: str) -> dict | None:
    return next((f for f in steps[index[step]]["fields"] if f["name"] == name), None)


def _check_condition(
    cond: dict,
    path: tuple,
    earlier: set[str],
    steps: list[dict],
    index: dict[str, int],
    lists: dict[str, set[str]],
    err: Callable[[tuple, str], None],
) -> None:
    if ("equals" in cond) == ("in" in cond):
        err(path, "điều kiện cần đúng một trong hai khóa: equals hoặc in")
        return
    if cond["step"] not in index:
        err(path + ("step",), f"không có bước '{cond['step']}'")
        return
    if cond["step"] not in earlier:
        err(path + ("step",), f"điều kiện phải dựa vào một bước đứng trước (bước '{cond['step']}' thì không)")
        return
    field = _field(steps, index, cond["step"], cond["field"])
    if field is None:
        err(path + ("field",), f"bước '{cond['step']}' không có trường '{cond['field']}'")
        return
    values: list[Any] = [cond["equals"]] if "equals" in cond else cond["in"]
    key = "equals" if "equals" in cond else "in"
    if field["type"] == "boolean":
        if not all(isinstance(v, bool) for v in values):
            err(path + (key,), f"trường '{cond['field']}' là có/không: so sánh với true hoặc false")
    elif field["type"] in ("choice", "multichoice"):
        known = lists.get(field.get("choices", ""), set())
        for value in values:
            if value not in known:
                err(path + (key,), f"'{value}' không có trong danh sách '{field.get('choices')}'")
    else:
        err(path + ("field",), "điều kiện chỉ dùng được với trường lựa chọn hoặc có/không")


def _check_limit(
    limit: dict,
    path: tuple,
    earlier: set[str],
    steps: list[dict],
    index: dict[str, int],
    err: Callable[[tuple, str], None],
) -> None:
    if ("hours" in limit) == ("working_days" in limit):
        err(path, "thời hạn cần đúng một trong hai khóa: hours hoặc working_days")
    step, name = limit["from"].split(".")
    if step not in index:
        err(path + ("from",), f"không có bước '{step}'")
    elif step not in earlier:
        err(path + ("from",), f"thời hạn phải tính từ một bước đứng trước (bước '{step}' thì không)")
    else:
        field = _field(steps, index, step, name)
        if field is None:
            err(path + ("from",), f"bước '{step}' không có trường '{name}'")
        elif field["type"] != "datetime":
            err(path + ("from",), f"trường '{limit['from']}' không phải kiểu datetime")
        elif not field.get("required"):
            err(path + ("from",), f"trường '{limit['from']}' phải là trường bắt buộc")
