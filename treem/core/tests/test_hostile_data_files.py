"""Data files (plans, procedures) are outside input: a hostile file ends in a message, never a traceback
or a long wait."""

from __future__ import annotations

import pytest

from treem.core.errors import InputErrors
from treem.core.yamlfile import DATA_FILE_LIMIT, read_mapping_file

ALIAS_BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(9)]
)


def messages(tmp_path, content: str | bytes) -> list[str]:
    path = tmp_path / "plan.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputErrors) as caught:
        read_mapping_file(path, "kế hoạch")
    return caught.value.messages


def test_an_alias_bomb_is_refused_at_the_first_alias(tmp_path):
    [message] = messages(tmp_path, ALIAS_BOMB)
    assert "bí danh YAML" in message and "dòng 2" in message


def test_nesting_too_deep_for_the_stack_is_a_message(tmp_path):
    [message] = messages(tmp_path, "a: " + "[" * 5000 + "]" * 5000)
    assert "lồng nhau quá sâu" in message


def test_an_integer_too_long_to_convert_is_a_message(tmp_path):
    [message] = messages(tmp_path, "a: " + "9" * 5000)
    assert "không đọc được" in message


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    [message] = messages(tmp_path, b"a: 1\n" + b"#" * DATA_FILE_LIMIT)
    assert "lớn hơn" in message


def test_a_file_in_another_encoding_is_a_message(tmp_path):
    [message] = messages(tmp_path, "a: Huế".encode("cp1258", errors="replace") + b"\xff")
    assert "UTF-8" in message


def test_an_ordinary_file_still_reads_with_its_lines(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("code: x\nitems:\n  - 2023-01-01\n", encoding="utf-8")
    data, lines = read_mapping_file(path, "kế hoạch")
    assert data == {"code": "x", "items": ["2023-01-01"]} and lines[("items", 0)] == 3
