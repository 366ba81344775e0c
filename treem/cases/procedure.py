"""The case procedure as data (docs/procedure-file.md): its steps, their forms' fields and their clocks.

`read_procedure(path)` checks a procedure file and builds a `Procedure`, or raises InputErrors with every
problem; `default_procedure()` is the shipped one (data/procedures/nd-56-2017.yaml). The helpers answer
what a case's state machine asks, from `done`: the latest record of each step done in the current cycle,
by step code (the form's values by field name)."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.schema_messages import schema_errors
from treem.core.workdays import add_hours, add_working_days
from treem.core.yamlfile import read_mapping_file

from .procedure_schema import PROCEDURE_SCHEMA, TOP_LISTS, content_errors

DEFAULT_FILE = "nd-56-2017.yaml"
DEFAULT_MAX_LENGTH = {"text": 255, "longtext": 10000}
Done = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    provider: str | None = None  # services: the kind of body that usually provides it


@dataclass(frozen=True)
class LegalBasis:
    number: str
    title: str
    issuer: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class Condition:
    """Holds when field `field` of step `step` has one of `values` (for a multichoice: includes one)."""

    step: str
    field: str
    values: tuple[str | bool, ...]

    def holds(self, done: Done) -> bool | None:
        """True or False once the step is done; None while it is not."""
        if self.step not in done:
            return None
        value = done[self.step].get(self.field)
        if isinstance(value, list | tuple):
            return any(v in self.values for v in value)
        return value in self.values


@dataclass(frozen=True)
class Limit:
    """A step is due `hours` or `working_days` after the datetime field `field` of step `step`."""

    step: str
    field: str
    hours: int | None = None
    working_days: int | None = None

    def due(self, start: datetime.datetime, days_off: Collection[datetime.date] = ()) -> datetime.datetime:
        """The first instant the step is late (treem/core/workdays.py: working days skip weekends and
        Vietnamese public holidays, and the office's own `days_off`, and end at local midnight)."""
        if self.hours is not None:
            return add_hours(start, self.hours)
        return add_working_days(start, self.working_days or 0, days_off=days_off)

    @property
    def text(self) -> str:
        if self.hours is not None:
            return _("%(n)d giờ") % {"n": self.hours}
        return _("%(n)d ngày làm việc") % {"n": self.working_days}


@dataclass(frozen=True)
class NextCycle:
    """When `when` holds after the step, a new cycle starts again from step `restart`."""

    when: Condition
    restart: str


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    required: bool = False
    confidential: bool = False
    officer: bool = False  # names the officer who did the step: a new form starts with the user's name
    choices: str | None = None  # the list's name
    options: tuple[Choice, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    help: str = ""

    def choice_label(self, code: object) -> str:
        return next((c.label for c in self.options if c.code == code), str(code))

    def validate(self, value: object) -> str | None:
        """What is wrong with one form value, or None. Takes the cleaned value or its JSON form
        (dates and datetimes as ISO text, a multichoice as a list of codes)."""
        label = {"label": self.label}
        if value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == ():
            return _("Cần nhập “%(label)s”.") % label if self.required else None
        check = getattr(self, f"_check_{self.type}")
        problem: str | None = check(value)
        return _("“%(label)s”: %(problem)s") % {**label, "problem": problem} if problem else None

    def _check_text(self, value: object, multiline: bool = False) -> str | None:
        if not isinstance(value, str):
            return _("cần là văn bản.")
        if "\x00" in value or (not multiline and ("\n" in value or "\r" in value)):
            return _("có ký tự không được phép.")
        most = self.max_length or DEFAULT_MAX_LENGTH["longtext" if multiline else "text"]
        if len(value) > most:
            return _("dài %(n)d ký tự, tối đa %(most)d.") % {"n": len(value), "most": most}
        if self.pattern and not re.fullmatch(self.pattern, value):
            return _("không đúng định dạng.")
        return None

    def _check_longtext(self, value: object) -> str | None:
        return self._check_text(value, multiline=True)

    def _check_date(self, value: object) -> str | None:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                datetime.date.fromisoformat(value)
                return None
            except ValueError:
                pass
        return _("không phải ngày hợp lệ.")

    def _check_datetime(self, value: object) -> str | None:
        moment = as_datetime(value)
        if moment is None:
            return _("không phải thời điểm hợp lệ.")
        if moment.tzinfo is None:
            return _("thiếu múi giờ.")
        return None

    def _check_integer(self, value: object) -> str | None:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return _("cần là số nguyên.")
        if self.minimum is not None and value < self.minimum:
            return _("không được nhỏ hơn %(n)s.") % {"n": self.minimum}
        if self.maximum is not None and value > self.maximum:
            return _("không được lớn hơn %(n)s.") % {"n": self.maximum}
        return None

    def _check_boolean(self, value: object) -> str | None:
        return None if isinstance(value, bool) else _("cần là có hoặc không.")

    def _check_choice(self, value: object) -> str | None:
        if isinstance(value, str) and any(c.code == value for c in self.options):
            return None
        return _("giá trị “%(value)s” không có trong danh sách.") % {"value": value}

    def _check_multichoice(self, value: object) -> str | None:
        if not isinstance(value, list | tuple):
            return _("cần là một danh sách lựa chọn.")
        for item in value:
            if problem := self._check_choice(item):
                return problem
        if len(set(value)) != len(value):
            return _("có lựa chọn bị lặp.")
        return None


def as_datetime(value: object) -> datetime.datetime | None:
    """A datetime from a datetime or ISO text, or None."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and len(value) >= 16:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    after: tuple[str, ...]
    fields: tuple[Field, ...]
    form: str | None = None
    when: Condition | None = None
    limit: Limit | None = None
    repeatable: bool = False
    final: bool = False
    next_cycle: NextCycle | None = None

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def validate(self, values: Mapping[str, object]) -> dict[str, str]:
        """The problems of a whole form, by field name (unknown names under their own name)."""
        names = {f.name for f in self.fields}
        problems = {
            name: _("Trường “%(name)s” không có trong mẫu.") % {"name": name}
            for name in values
            if name not in names
        }
        for item in self.fields:
            if problem := item.validate(values.get(item.name)):
                problems[item.name] = problem
        return problems


@dataclass(frozen=True)
class Procedure:
    code: str
    title: str
    legal_bases: tuple[LegalBasis, ...]
    steps: tuple[Step, ...]
    lists: Mapping[str, tuple[Choice, ...]] = field(hash=False, compare=False)

    def step(self, code: str) -> Step:
        for item in self.steps:
            if item.code == code:
                return item
        raise KeyError(code)

    def choices(self, name: str) -> tuple[Choice, ...]:
        return self.lists[name]

    def available_steps(self, done: Done) -> list[Step]:
        """The steps that may be recorded now, in the file's order."""
        finished = any(s.final and s.code in done for s in self.steps)
        return [s for s in self.steps if not finished and self._allows(s, done)]

    def allows(self, step_code: str, done: Done) -> bool:
        """Whether the step may be recorded now: `refusal` is None, without building its message."""
        try:
            step = self.step(step_code)
        except KeyError:
            return False
        return not any(s.final and s.code in done for s in self.steps) and self._allows(step, done)

    @staticmethod
    def _allows(step: Step, done: Done) -> bool:
        """The checks of `refusal` after "the case is closed", in the same order, without the messages."""
        if step.code in done and not step.repeatable:
            return False
        if any(code not in done for code in step.after):
            return False
        return step.when is None or bool(step.when.holds(done))

    def refusal(self, step_code: str, done: Done) -> str | None:
        """Why the step may not be recorded now (Vietnamese), or None when it may."""
        try:
            step = self.step(step_code)
        except KeyError:
            return _("Không có bước “%(code)s” trong quy trình.") % {"code": step_code}
        if any(s.final and s.code in done for s in self.steps):
            return _("Trường hợp đã kết thúc; không thể thực hiện thêm bước nào.")
        if step.code in done and not step.repeatable:
            return _("Bước “%(step)s” đã được thực hiện.") % {"step": step.label}
        missing = [self.step(code).label for code in step.after if code not in done]
        if missing:
            return _("Chưa thể thực hiện bước “%(step)s”: cần hoàn thành trước %(missing)s.") % {
                "step": step.label,
                "missing": ", ".join(f"“{label}”" for label in missing),
            }
        if step.when is not None and not step.when.holds(done):
            return _("Bước “%(step)s” chỉ thực hiện khi %(condition)s.") % {
                "step": step.label,
                "condition": self.describe(step.when, done),
            }
        return None

    def describe(self, condition: Condition, done: Done | None = None) -> str:
        """A condition in words, with the value it has now when `done` is given."""
        source = self.step(condition.step)
        field_ = source.field(condition.field)
        wanted = _(" hoặc ").join(f"“{self._value_label(field_, v)}”" for v in condition.values)
        text = _("“%(field)s” của bước “%(step)s” là %(wanted)s") % {
            "field": field_.label,
            "step": source.label,
            "wanted": wanted,
        }
        if done and condition.step in done:
            now = done[condition.step].get(condition.field)
            values = now if isinstance(now, list | tuple) else [now]
            shown = ", ".join(f"“{self._value_label(field_, v)}”" for v in values) or "—"
            text += _(" (hiện là %(now)s)") % {"now": shown}
        return text

    @staticmethod
    def _value_label(field_: Field, value: object) -> str:
        if isinstance(value, bool):
            return _("có") if value else _("không")
        return field_.choice_label(value)

    def due(
        self, step_code: str, done: Done, days_off: Collection[datetime.date] = ()
    ) -> datetime.datetime | None:
        """When the step falls due, or None (no limit, or its starting point not recorded yet)."""
        limit = self.step(step_code).limit
        if limit is None or limit.step not in done:
            return None
        start = as_datetime(done[limit.step].get(limit.field))
        return limit.due(start, days_off) if start is not None and start.tzinfo is not None else None

    def reopened(self, step_code: str) -> list[str]:
        """The step and every step that comes after it, directly or through others: what a new cycle
        from it records again."""
        found = {step_code}
        while grown := {s.code for s in self.steps if s.code not in found and found & set(s.after)}:
            found |= grown
        return [s.code for s in self.steps if s.code in found]

    def new_cycle(self, done: Done, step_code: str) -> dict[str, Mapping[str, Any]] | None:
        """After recording `step_code` (in `done`): the records that stay current in the new cycle it
        starts, or None when it starts none."""
        cycle = self.step(step_code).next_cycle
        if cycle is None or not cycle.when.holds(done):
            return None
        again = set(self.reopened(cycle.restart))
        return {code: values for code, values in done.items() if code not in again}


def read_procedure(path: Path) -> Procedure:
    """Check a procedure file and build it; raise InputErrors with every problem, building nothing."""
    name = path.name
    data, lines = read_mapping_file(path, "quy trình")
    errors = schema_errors(data, PROCEDURE_SCHEMA, lines, name) or content_errors(data, lines, name)
    if errors:
        raise InputErrors(errors)
    return _build(data)


def _condition(raw: dict) -> Condition:
    values = [raw["equals"]] if "equals" in raw else raw["in"]
    return Condition(step=raw["step"], field=raw["field"], values=tuple(values))


def _build(data: dict) -> Procedure:
    """The objects of a checked file (every key the schema allows is an attribute of its class)."""
    lists = {name: data[name] for name in TOP_LISTS} | (data.get("lists") or {})
    choices = {key: tuple(Choice(**item) for item in items) for key, items in lists.items()}
    steps = []
    for raw in data["steps"]:
        limit, cycle = raw.get("limit"), raw.get("next_cycle")
        values: dict[str, Any] = {
            "after": tuple(raw["after"]),
            "when": _condition(raw["when"]) if raw.get("when") else None,
            "next_cycle": NextCycle(_condition(cycle["when"]), cycle["restart"]) if cycle else None,
            "fields": tuple(
                Field(**f, options=choices.get(f.get("choices") or "", ())) for f in raw["fields"]
            ),
            "limit": None,
        }
        if limit:
            step, name = limit["from"].split(".")
            values["limit"] = Limit(step, name, limit.get("hours"), limit.get("working_days"))
        steps.append(Step(**(raw | values)))
    bases = tuple(
        LegalBasis(**(b | {"date": datetime.date.fromisoformat(b["date"]) if b.get("date") else None}))
        for b in data["legal_bases"]
    )
    return Procedure(data["code"], data["title"], bases, tuple(steps), choices)


@functools.cache
def default_procedure() -> Procedure:
    """The shipped procedure (Decree 56/2017/NĐ-CP), read once per process."""
    return read_procedure(Path(settings.DATA_DIR) / "procedures" / DEFAULT_FILE)
