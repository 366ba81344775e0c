"""How each form of a procedure is printed, as data (data/forms/<procedure code>.yaml, docs/case-forms.md):
who signs it, whose name goes under the signature and which field dates it. The form's number, title and
fields come from the procedure file itself (treem.cases.procedure)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from treem.core.errors import InputErrors
from treem.core.yamlfile import line_of, read_mapping_file

from ..procedure import Procedure, default_procedure

KEYS = ("signer_title", "signer_field", "date_field")


@dataclass(frozen=True)
class FormLayout:
    number: str  # "01"
    signer_title: str  # "Người tiếp nhận thông tin"; several lines for "TM. …" signatures
    signer_field: str  # the form's field holding the signer's name
    date_field: str  # the form's datetime field that dates the form


def read_form_layouts(path: Path, procedure: Procedure) -> dict[str, FormLayout]:
    """The layouts of a forms file, by form number, checked against the procedure: every form number of
    the procedure has one and names fields of its step; InputErrors with every problem otherwise."""
    data, lines = read_mapping_file(path, "biểu mẫu")
    name, errors = path.name, []

    def problem(where: tuple, text: str) -> None:
        line = line_of(lines, where)
        errors.append(f"{name}{f', dòng {line}' if line else ''}: {text}")

    if data.get("procedure") != procedure.code:
        problem(("procedure",), f"cần là mã quy trình “{procedure.code}”.")
    forms = data.get("forms")
    if not isinstance(forms, dict):
        raise InputErrors([*errors, f"{name}: thiếu bảng “forms”."])
    layouts: dict[str, FormLayout] = {}
    for step in procedure.steps:
        if step.form is None:
            continue
        raw = forms.get(step.form)
        if not isinstance(raw, dict):
            problem(("forms",), f"thiếu mẫu số {step.form} (bước “{step.label}”).")
            continue
        values = {key: raw.get(key) for key in KEYS}
        missing = [key for key, value in values.items() if not isinstance(value, str) or not value.strip()]
        if missing:
            problem(("forms", step.form), f"mẫu số {step.form} thiếu {', '.join(missing)}.")
            continue
        fields = {field.name for field in step.fields}
        for key in ("signer_field", "date_field"):
            if values[key] not in fields:
                problem(("forms", step.form, key), f"bước “{step.label}” không có trường “{values[key]}”.")
        layouts[step.form] = FormLayout(step.form, **values)  # type: ignore[arg-type]
    unknown = sorted(set(forms) - {step.form for step in procedure.steps if step.form})
    for number in unknown:
        problem(("forms", number), f"quy trình không có mẫu số {number}.")
    if errors:
        raise InputErrors(errors)
    return layouts


@functools.cache
def default_form_layouts() -> dict[str, FormLayout]:
    """The layouts of the shipped procedure's forms (data/forms/<code>.yaml), read once per process."""
    procedure = default_procedure()
    return read_form_layouts(Path(settings.DATA_DIR) / "forms" / f"{procedure.code}.yaml", procedure)
