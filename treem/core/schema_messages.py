"""Vietnamese wording of JSON Schema errors."""

from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from .yamlfile import format_path, line_of


def describe(error: ValidationError) -> str:
    v, value = error.validator, error.instance
    if v == "required":
        missing = [f for f in error.validator_value if f not in (value or {})]
        return f"thiếu trường bắt buộc: {', '.join(missing)}"
    if v == "enum":
        return f"giá trị '{value}' không hợp lệ; chọn một trong: {', '.join(map(str, error.validator_value))}"
    if v == "type":
        return f"sai kiểu dữ liệu (cần {error.validator_value}, có '{value}')"
    if v == "pattern":
        return f"giá trị '{value}' không đúng định dạng"
    if v == "format":
        return f"giá trị '{value}' không phải ngày hợp lệ (YYYY-MM-DD)"
    if v == "minItems":
        return f"cần ít nhất {error.validator_value} mục"
    if v == "minLength":
        return "không được để trống"
    if v in ("minimum", "maximum"):
        return f"giá trị {value} nằm ngoài khoảng cho phép"
    if v == "additionalProperties":
        return f"có trường không được phép: {error.message.split('(')[-1].rstrip(')')}"
    return f"giá trị '{value}' không hợp lệ"


def schema_errors(data: object, schema: dict, lines: dict[tuple, int], filename: str) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    found = []
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        line = line_of(lines, path) or 0
        found.append((line, f"{filename}, dòng {line}, {format_path(path)}: {describe(error)}."))
    return [message for _, message in sorted(found)]
