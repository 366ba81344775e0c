"""Django forms built from the procedure's steps (treem.cases.procedure): one form per Step, its fields
in the file's order with the file's Vietnamese labels.

- `step_form(step, data=None, initial=None, *, prefix=None)` builds the form. Each procedure field type
  has one form field and one phone-friendly widget (classes "field-input" and "field-<type>"): text →
  text input (tel for phone numbers), longtext → textarea, date → `<input type=date>`, datetime →
  `<input type=datetime-local>` (local time, Asia/Ho_Chi_Minh), integer → number input, boolean → two
  radio buttons "Có"/"Không" (a required boolean may be answered "no", which a checkbox cannot tell
  from "not answered"), choice → radio buttons (up to RADIO_MOST options) or a select, multichoice →
  check boxes. Confidential fields carry `data-confidential` (and autocomplete off).
- Checking delegates to `Field.validate`, the very check the services make (services._form), so a form
  the page accepts is never refused by the service and both give the same Vietnamese messages. The
  form fields only turn the posted text into Python values; lengths, bounds, patterns and choices are
  judged by `Field.validate`.
- `split_values(step, cleaned_data)` (also `form.split()`) gives (values, secret_values) by
  Field.confidential, the two mappings the services take, without empty answers.

Render a form's fields with `{% include "cases/_fields.html" with form=form %}` (labels, help and each
field's errors next to it, the form's own errors on top).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treem.core.deadlines import local_zone

from .procedure import Field, Step

RADIO_MOST = 4
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATE_FORMAT = "%Y-%m-%d"
BOOLEAN_CHOICES = (("true", _("Có")), ("false", _("Không")))
INVALID_SAMPLE = {"date": "x", "datetime": "x", "integer": "x", "boolean": "x"}


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _boolean(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class LongTextField(forms.CharField):
    """Text from a textarea: browsers send each line break as CR LF, kept as one LF (as the browser's
    own maxlength counts it)."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


def _attrs(item: Field, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {"class": f"field-input field-{item.type}", **extra}
    if item.confidential:
        attrs["data-confidential"] = "true"
        attrs["autocomplete"] = "off"
    return attrs


def _messages(item: Field) -> dict[str, str]:
    """Django's own messages replaced by the procedure's: required, and 'not a date/number…'."""
    required = Field(name=item.name, label=item.label, type=item.type, required=True).validate(None)
    messages = {"required": required or ""}
    if item.type in INVALID_SAMPLE:
        messages["invalid"] = item.validate(INVALID_SAMPLE[item.type]) or ""
    label = item.label.replace("%", "%%")
    wrong = _("“%(label)s”: giá trị “%%(value)s” không có trong danh sách.") % {"label": label}
    messages["invalid_choice"] = wrong
    messages["invalid_list"] = wrong
    return messages


def _text_field(item: Field, common: dict[str, Any]) -> forms.Field:
    extra: dict[str, Any] = {}
    if item.max_length:
        extra["maxlength"] = item.max_length
    if item.type == "longtext":
        return LongTextField(**common, widget=forms.Textarea(attrs=_attrs(item, rows=4, **extra)))
    if item.pattern and "phone" in item.name:
        extra |= {"type": "tel", "inputmode": "tel"}
    return forms.CharField(**common, widget=forms.TextInput(attrs=_attrs(item, **extra)))


def form_field(item: Field) -> forms.Field:
    """The Django form field for one procedure field (its `confidential` attribute copied from it)."""
    made = _form_field(item)
    made.confidential = item.confidential  # type: ignore[attr-defined]
    return made


def _form_field(item: Field) -> forms.Field:
    common: dict[str, Any] = {
        "label": item.label,
        "required": item.required,
        "help_text": item.help,
        "error_messages": _messages(item),
    }
    options = [(choice.code, choice.label) for choice in item.options]
    if item.type in ("text", "longtext"):
        return _text_field(item, common)
    if item.type == "date":
        day = forms.DateInput(attrs=_attrs(item, type="date"), format=DATE_FORMAT)
        return forms.DateField(**common, widget=day, input_formats=[DATE_FORMAT])
    if item.type == "datetime":
        moment = forms.DateTimeInput(attrs=_attrs(item, type="datetime-local"), format=DATETIME_FORMAT)
        return forms.DateTimeField(**common, widget=moment)
    if item.type == "integer":
        bounds = {k: v for k, v in (("min", item.minimum), ("max", item.maximum)) if v is not None}
        number = forms.NumberInput(attrs=_attrs(item, inputmode="numeric", **bounds))
        return forms.IntegerField(**common, widget=number)
    if item.type == "boolean":
        radios = forms.RadioSelect(attrs=_attrs(item))
        return forms.TypedChoiceField(
            **common, choices=BOOLEAN_CHOICES, coerce=_boolean, empty_value=None, widget=radios
        )
    if item.type == "choice":
        if len(options) <= RADIO_MOST:
            return forms.ChoiceField(**common, choices=options, widget=forms.RadioSelect(attrs=_attrs(item)))
        listed: list[tuple[str, Any]] = [("", _("— Chọn —")), *options]
        return forms.ChoiceField(**common, choices=listed, widget=forms.Select(attrs=_attrs(item)))
    if item.type == "multichoice":
        boxes = forms.CheckboxSelectMultiple(attrs=_attrs(item))
        return forms.MultipleChoiceField(**common, choices=options, widget=boxes)
    raise ValueError(f"no form field for procedure field type {item.type!r}")


class StepForm(forms.Form):
    """A procedure step's form (build it with `step_form`). `step` is the Step it was built from."""

    step: Step

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.step.fields:
            if item.name not in cleaned:
                continue  # the form field already refused it, with its message
            if problem := item.validate(cleaned[item.name]):
                self.add_error(item.name, problem)
        return cleaned

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values, secret_values) of a valid form, for the services."""
        return split_values(self.step, self.cleaned_data)


def step_form(
    step: Step,
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    *,
    prefix: str | None = None,
) -> StepForm:
    """The form of a procedure step; bound when `data` (request.POST) is given. `initial` takes Python
    values or their JSON form (ISO dates, "true"/"false" or booleans, lists of codes)."""
    form = StepForm(data=data, initial=_initial(step, initial or {}), prefix=prefix)
    form.step = step
    for item in step.fields:
        form.fields[item.name] = form_field(item)
    return form


def _initial(step: Step, initial: Mapping[str, Any]) -> dict[str, Any]:
    known = {item.name: item for item in step.fields}
    shown: dict[str, Any] = {}
    for name, value in initial.items():
        item = known.get(name)
        if item is not None and item.type == "boolean" and isinstance(value, bool):
            value = "true" if value else "false"
        elif item is not None and item.type == "datetime" and isinstance(value, str):
            value = _parsed(value) or value
        shown[name] = value
    return shown


def _parsed(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def split_values(step: Step, cleaned_data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A step form's cleaned data as (values, secret_values) by Field.confidential, without empty answers
    and without names the step does not know."""
    values: dict[str, Any] = {}
    secret_values: dict[str, Any] = {}
    for item in step.fields:
        value = cleaned_data.get(item.name)
        if _is_empty(value):
            continue
        (secret_values if item.confidential else values)[item.name] = value
    return values, secret_values


def prefilled(step: Step, user: Any) -> dict[str, Any]:
    """What a new form of `step` starts with: now (to the minute, local time) in its required date-times and
    the user's name in the fields the procedure file marks `officer`; the rest is left to the officer."""
    now = timezone.localtime(timezone.now(), local_zone()).replace(second=0, microsecond=0)
    initial: dict[str, Any] = {}
    for field in step.fields:
        if field.type == "datetime" and field.required:
            initial[field.name] = now
        elif field.officer:
            initial[field.name] = user.get_full_name() or user.get_username()
    return initial
