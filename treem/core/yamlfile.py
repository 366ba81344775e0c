"""Read a YAML (or JSON) data file keeping the line of every value, for error messages.

Data files are outside input (a coordinator may load a file someone mailed them): the reader caps the
size, refuses YAML aliases (a "billion laughs" file expands them exponentially, and the line walk would
follow each one), and turns nesting too deep for the stack or a number too long to convert into messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .errors import InputErrors
from .uploads import MB, size_text

DATA_FILE_LIMIT = 5 * MB  # the 2023 plan is about 100 KB


class PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so a file's content is what the schema checks."""


class NoAliasLoader(PlainLoader):
    """PlainLoader that refuses anchors and aliases (&a / *a): no data file of treem needs them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "không được dùng bí danh YAML (*tên); hãy viết đầy đủ giá trị", event.start_mark
            )
        return super().compose_node(parent, index)


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse text; return the data and a map from a path (tuple of keys/indexes) to its 1-based line."""
    node = yaml.compose(text, Loader=NoAliasLoader)
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
    return yaml.load(text, Loader=NoAliasLoader), lines


def read_input_text(path: Path, limit: int) -> str:
    """The text of an input file; InputErrors when it cannot be read, is larger than `limit` bytes or is
    not UTF-8 (a file saved in another encoding)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputErrors(
            [_("Không đọc được tệp %(name)s: %(reason)s.") % {"name": path.name, "reason": reason}]
        ) from None
    if len(raw) > limit:
        raise InputErrors(
            [_("Tệp %(name)s lớn hơn %(size)s.") % {"name": path.name, "size": size_text(limit)}]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputErrors(
            [
                _("Tệp %(name)s không phải văn bản UTF-8 (byte thứ %(n)s); hãy lưu lại tệp với mã hóa UTF-8.")
                % {"name": path.name, "n": exc.start + 1}
            ]
        ) from None


def read_mapping_file(path: Path, kind: str) -> tuple[dict, dict[tuple, int]]:
    """A data file (a plan, a procedure) read as a mapping with the line of every value; InputErrors in
    Vietnamese, naming the file and line, when it cannot be read, is not YAML/JSON or is not a mapping.
    `kind` names the file in the message ("kế hoạch", "quy trình")."""
    name = path.name
    text = read_input_text(path, DATA_FILE_LIMIT)
    try:
        data, lines = load_with_lines(text)
    except RecursionError:
        raise InputErrors([_("%(name)s: các mục lồng nhau quá sâu.") % {"name": name}]) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise InputErrors(
            [
                _("%(name)s: có giá trị không đọc được (%(reason)s).")
                % {"name": name, "reason": str(exc)[:200]}
            ]
        ) from None
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
