"""Read a YAML (or JSON) data file keeping the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputErrors


class PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so a file's content is what the schema checks."""


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse text; return the data and a map from a path (tuple of keys/indexes) to its 1-based line."""
    node = yaml.compose(text, Loader=PlainLoader)
    lines: dict[tuple, int] = {}

    def walk(n: yaml.Node, path: tuple) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                walk(value, path + (key.value,))
                lines.setdefault(path + (key.value,), key.start_mark.line + 1)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, path + (i,))

    if node is not None:
        walk(node, ())
    return yaml.load(text, Loader=PlainLoader), lines


def read_mapping_file(path: Path, kind: str) -> tuple[dict, dict[tuple, int]]:
    """A data file (a plan, a procedure) read as a mapping with the line of every value; InputErrors in
    Vietnamese, naming the file and line, when it cannot be read, is not YAML/JSON or is not a mapping.
    `kind` names the file in the message ("kế hoạch", "quy trình")."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputErrors([f"Không đọc được tệp {name}: {exc}"]) from exc
    try:
        data, lines = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", dòng {mark.line + 1}" if mark else ""
        raise InputErrors(
            [f"{name}{where}: không phải YAML/JSON hợp lệ ({getattr(exc, 'problem', exc)})."]
        ) from exc
    if not isinstance(data, dict):
        raise InputErrors([f"{name}: tệp {kind} phải là một bảng khóa–giá trị."])
    return data, lines


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc tệp)"


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of the path, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)
