"""What a printed form says, as plain data (`FormContent`), filled from a case and one of its records:
the commune, the form's number and title (the procedure file), each field's label and value as people
read them (choices as their labels, dates dd/mm/yyyy, times HH:MM in Asia/Ho_Chi_Minh), confidential
values included (only case roles reach a form), the signature block and the case code.

`printable_record` finds the record to print inside the scope's cases: a missing case, one outside the
scope, a record of another case and a step without a form are the same None."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation

from treem.core.deadlines import local_date, local_zone
from treem.core.formatting import format_date, format_long_date
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from ..models import Case, StepRecord
from ..procedure import Field, Procedure, Step, as_datetime, default_procedure
from ..selectors import CODE_MAX_LENGTH, cases_for
from .forms import FormLayout, default_form_layouts

# Form 01's fields about the child are kept on the Child record (treem.cases.services), not in the values.
CHILD_FIELDS = ("child_name", "child_sex", "child_birth_date", "child_age_estimate")
UNIT_PREFIXES = ("Thị trấn ", "Phường ", "Xã ")
RECORD_ID_MAX = 2**63 - 1


@dataclass
class FormContent:
    number: str  # "01"
    title: str  # the step's label
    body: str  # "Xã Phú Thuận": the commune whose People's Committee issues the form
    case_code: str
    cycle: int
    rows: list[tuple[str, str]]  # (label, value) in the form's order
    place: str  # "Phú Thuận"
    date_text: str  # "ngày 25 tháng 04 năm 2024"
    signer_title: str
    signer_name: str
    fields: list[str] = field(default_factory=list)  # the names of the fields shown (for the access log)


def printable_record(scope: Scope, code: str, record_id: int) -> tuple[Case, StepRecord, Step] | None:
    """The case (in the scope), its record `record_id` and the record's step, when that step has a form;
    None otherwise, with nothing written (the caller logs the print once it is made)."""
    if (
        not isinstance(code, str)
        or not code
        or len(code) > CODE_MAX_LENGTH
        or not 0 < record_id <= RECORD_ID_MAX
    ):
        return None
    case = cases_for(scope).select_related("commune", "child").filter(code=code).first()
    if case is None:
        return None
    record = case.records.filter(pk=record_id).first()
    if record is None:
        return None
    try:
        step = default_procedure().step(record.step)
    except KeyError:  # a step the procedure file no longer has
        return None
    if step.form is None or step.form not in default_form_layouts():
        return None
    return case, record, step


def form_content(
    case: Case, record: StepRecord, step: Step, procedure: Procedure | None = None
) -> FormContent:
    """The form of `record` (a record of `case`, of `step`) with the case's data, in Vietnamese."""
    procedure = procedure or default_procedure()
    layout: FormLayout = default_form_layouts()[step.form or ""]
    values: dict[str, Any] = {**record.values, **_secret(record)}
    commune = commune_at(case, record.recorded_at)
    with translation.override("vi"):
        child = _child_values(case)
        rows: list[tuple[str, str]]
        shown: list[str]
        if any(f.name in CHILD_FIELDS for f in step.fields):
            values |= child
            rows, shown = [], []
        else:
            rows, shown = _child_rows(procedure, child)
        for item in step.fields:
            rows.append((item.label, display(item, values.get(item.name))))
            if values.get(item.name) not in (None, "", []):
                shown.append(item.name)
        moment = as_datetime(values.get(layout.date_field)) or record.recorded_at
        return FormContent(
            number=step.form or "",
            title=step.label,
            body=commune.name,
            case_code=case.code,
            cycle=record.cycle,
            rows=rows,
            place=place_name(commune.name),
            date_text=format_long_date(local_date(moment)),
            signer_title=layout.signer_title,
            signer_name=str(values.get(layout.signer_field) or ""),
            fields=shown,
        )


def commune_at(case: Case, moment: datetime.datetime) -> AdministrativeUnit:
    """The commune responsible for the case at `moment` (from the case's history): a form recorded before
    the child moved is issued by the commune that recorded it."""
    row = (
        case.history.filter(history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("commune_id")
        .first()
    )
    if row is None or row["commune_id"] == case.commune_id:
        return case.commune
    return AdministrativeUnit.objects.filter(pk=row["commune_id"]).first() or case.commune


def display(item: Field, value: Any) -> str:
    """A form value as people read it: labels for choices, dd/mm/yyyy, HH:MM, "Có"/"Không"."""
    if value is None or value == "" or value == []:
        return ""
    if item.type == "datetime":
        moment = as_datetime(value)
        if moment is None or moment.tzinfo is None:
            return str(value)
        local = timezone.localtime(moment, local_zone())
        return f"{local:%H:%M} ngày {format_date(local.date())}"
    if item.type == "date":
        day = value if isinstance(value, datetime.date) else _iso_date(value)
        return format_date(day) if day else str(value)
    if item.type == "boolean":
        return "Có" if value else "Không"
    if item.type == "choice":
        return item.choice_label(value)
    if item.type == "multichoice" and isinstance(value, list | tuple):
        return "; ".join(item.choice_label(code) for code in value)
    return str(value)


def place_name(unit_name: str) -> str:
    """ "Xã Phú Thuận" → "Phú Thuận": the place written before the date of a document."""
    for prefix in UNIT_PREFIXES:
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _secret(record: StepRecord) -> Mapping[str, Any]:
    try:
        data = json.loads(record.secret) if record.secret else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _iso_date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _child_values(case: Case) -> dict[str, Any]:
    """The notification form's child fields, from the Child record (an estimated age from the estimated
    birth year, at the notification's year)."""
    child = case.child
    values: dict[str, Any] = {
        "child_name": child.name,
        "child_sex": child.sex,
        "child_birth_date": child.date_of_birth,
    }
    if child.date_of_birth is None and child.birth_year_estimate is not None:
        values["child_age_estimate"] = local_date(case.received_at).year - child.birth_year_estimate
    return values


def _child_rows(procedure: Procedure, child: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """The child's name, sex and date of birth (or estimated age) at the head of the later forms, labelled
    as on the notification form."""
    first = next((s for s in procedure.steps if any(f.name in CHILD_FIELDS for f in s.fields)), None)
    if first is None:
        return [], []
    rows, shown = [], []
    for item in first.fields:
        if item.name not in CHILD_FIELDS:
            continue
        if item.name == "child_age_estimate" and child.get(item.name) is None:
            continue
        rows.append((item.label, display(item, child.get(item.name))))
        shown.append(item.name)
    return rows, shown
