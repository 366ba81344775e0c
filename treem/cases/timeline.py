"""The timeline of one case, as its page shows it: every step recorded, in every plan cycle, oldest first,
with the procedure file's labels, the form's values written for people (dates dd/mm/yyyy, times HH:MM in
Asia/Ho_Chi_Minh, choices by their labels, confidential values decrypted), who recorded each and when, its
deadline and whether it was late; the moves between communes; and the steps the procedure allows now,
each with its deadline.

Sealed access: these helpers take a case that the caller opened through treem.cases.selectors.case_in_scope
(which checked the scope and wrote the access event for the page); they read that case's own records and
history and nothing else, and write nothing.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from treem.core.deadlines import local_zone
from treem.core.formatting import format_count, format_date
from treem.units.models import AdministrativeUnit

from .models import Case, replay
from .procedure import Field, Procedure, Step, as_datetime, default_procedure

Done = dict[str, Mapping[str, Any]]
MOVE = "move"


def format_moment(moment: datetime.datetime | None) -> str:
    """An instant as dd/mm/yyyy HH:MM, local time (Asia/Ho_Chi_Minh); None → '—'."""
    if moment is None:
        return "—"
    return date_format(timezone.localtime(moment, local_zone()), "d/m/Y H:i")


def format_due(due: datetime.datetime | None) -> str:
    """A deadline for people: one at local midnight (a limit in working days ends with its last day) is
    "hết ngày 06/05/2024"; another "25/04/2024 21:00"; None → ''."""
    if due is None:
        return ""
    local = timezone.localtime(due, local_zone())
    if local.time() == datetime.time(0):
        day = local.date() - datetime.timedelta(days=1)
        return _("hết ngày %(day)s") % {"day": format_date(day)}
    return format_moment(due)


def format_value(field: Field, value: Any) -> str:
    """One form value (its JSON form, as stored) written for people."""
    if value is None or value == "" or value == []:
        return "—"
    if field.type == "datetime":
        return format_moment(as_datetime(value))
    if field.type == "date":
        try:
            return format_date(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field.type == "boolean":
        return _("Có") if value else _("Không")
    if field.type == "choice":
        return field.choice_label(value)
    if field.type == "multichoice":
        items = value if isinstance(value, list | tuple) else [value]
        return "; ".join(field.choice_label(item) for item in items)
    if field.type == "integer":
        return format_count(value) if isinstance(value, int) else str(value)
    return str(value)


def _words() -> dict[str, str]:
    """The countdown's phrases with {placeholders}, in the active language (countdown.js takes them)."""
    return {
        "left": _("còn %(span)s") % {"span": "{span}"},
        "late": _("quá hạn %(span)s") % {"span": "{span}"},
        "dh": _("%(d)s ngày %(h)s giờ") % {"d": "{d}", "h": "{h}"},
        "hm": _("%(h)s giờ %(m)s phút") % {"h": "{h}", "m": "{m}"},
    }


def countdown_words() -> str:
    """`_words()` as the JSON of a countdown's data-words attribute."""
    return json.dumps(_words(), ensure_ascii=False)


def time_left_text(due: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """What the countdown shows before its script runs (countdown.js then keeps it live): "còn 11 giờ 58
    phút", "còn 3 ngày 4 giờ", "quá hạn 2 giờ 5 phút"; "" without a deadline."""
    if due is None:
        return ""
    seconds = int((due - (now or timezone.now())).total_seconds())
    minutes = abs(seconds) // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    words = _words()
    span = words["dh"].format(d=days, h=hours) if days else words["hm"].format(h=hours, m=mins)
    return words["left" if seconds > 0 else "late"].format(span=span)


@dataclass(frozen=True)
class Shown:
    """One value of a record's form, written for people."""

    name: str
    label: str
    text: str
    confidential: bool
    multiline: bool


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: a step recorded (`kind` the step's code) or a move ("move")."""

    kind: str
    label: str
    at: datetime.datetime
    by: str
    record_id: int | None = None
    form: str | None = None
    cycle: int = 1
    due_at: datetime.datetime | None = None
    is_late: bool = False
    values: tuple[Shown, ...] = ()

    @property
    def due_text(self) -> str:
        return format_due(self.due_at)

    @property
    def at_text(self) -> str:
        return format_moment(self.at)

    @property
    def is_move(self) -> bool:
        return self.kind == MOVE

    @property
    def printable(self) -> bool:
        """Whether the decree has a form for the step (Mẫu số 01–05), so the record prints as one."""
        return self.record_id is not None and bool(self.form)


@dataclass(frozen=True)
class NextStep:
    """A step the procedure allows now, with its deadline (None: no clock)."""

    code: str
    label: str
    form: str | None
    due_at: datetime.datetime | None
    overdue: bool
    limit: str

    @property
    def due_text(self) -> str:
        return format_due(self.due_at)


@dataclass(frozen=True)
class Timeline:
    entries: tuple[Entry, ...]
    available: tuple[NextStep, ...]
    cycle: int
    late_count: int


def _who(user: Any) -> str:
    return str(user) if user is not None else _("(không rõ)")


def _secret(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _shown(step: Step, values: Mapping[str, Any], secret: Mapping[str, Any]) -> tuple[Shown, ...]:
    """The form's values in the file's order; values the record holds that the file no longer names last."""
    shown = []
    for field in step.fields:
        hidden = field.name in secret
        value = secret.get(field.name) if hidden else values.get(field.name)
        if value is None or value == "" or value == []:
            continue
        shown.append(
            Shown(field.name, field.label, format_value(field, value), hidden, field.type == "longtext")
        )
    known = {field.name for field in step.fields}
    for store, hidden in ((values, False), (secret, True)):
        for name, value in store.items():
            if name not in known:
                shown.append(Shown(name, name, str(value), hidden, False))
    return tuple(shown)


def _step_entries(case: Case, procedure: Procedure) -> list[tuple[Entry, Mapping[str, Any]]]:
    """Each record as an entry, with its non-confidential values (what the procedure's replay reads)."""
    entries = []
    for record in case.records.select_related("recorded_by").order_by("recorded_at", "id"):
        try:
            step: Step | None = procedure.step(record.step)
        except KeyError:  # a step the procedure file no longer has: shown under its code
            step = None
        values = record.values or {}
        entry = Entry(
            kind=record.step,
            label=step.label if step else record.step,
            at=record.recorded_at,
            by=_who(record.recorded_by),
            record_id=record.pk,
            form=step.form if step else None,
            cycle=record.cycle,
            due_at=record.due_at,
            is_late=record.is_late,
            values=_shown(step, values, _secret(record.secret)) if step else (),
        )
        entries.append((entry, values))
    return entries


def _move_entries(case: Case) -> list[Entry]:
    """The case's moves between communes, from its history (who and when)."""
    rows = list(case.history.order_by("history_date", "history_id").values(
        "commune_id", "history_date", "history_user"
    ))  # fmt: skip
    changes = [
        (old, new) for old, new in zip(rows, rows[1:], strict=False) if old["commune_id"] != new["commune_id"]
    ]
    if not changes:
        return []
    ids = {row["commune_id"] for pair in changes for row in pair}
    names = dict(AdministrativeUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    users = _users({new["history_user"] for _old, new in changes} - {None})
    return [
        Entry(
            kind=MOVE,
            label=_("Chuyển xã: %(old)s → %(new)s")
            % {"old": names.get(old["commune_id"], "—"), "new": names.get(new["commune_id"], "—")},
            at=new["history_date"],
            by=_who(users.get(new["history_user"])),
        )
        for old, new in changes
    ]


def _users(ids: set[int]) -> dict[int, Any]:
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)} if ids else {}


def replayed(case: Case, procedure: Procedure | None = None) -> tuple[Done, int]:
    """The current cycle's `done` (step → latest values) and the cycle, from the case's records."""
    procedure = procedure or default_procedure()
    known = {step.code for step in procedure.steps}
    history = case.records.filter(step__in=known).order_by("recorded_at", "id").values_list("step", "values")
    return replay(procedure, history)


def available_steps(
    done: Done, procedure: Procedure | None = None, now: datetime.datetime | None = None
) -> tuple[NextStep, ...]:
    """The steps the procedure allows after `done`, in the file's order, each with its deadline."""
    procedure = procedure or default_procedure()
    moment = now or timezone.now()
    found = []
    for step in procedure.available_steps(done):
        due = procedure.due(step.code, done)
        limit = step.limit.text if step.limit else ""
        found.append(
            NextStep(step.code, step.label, step.form, due, due is not None and due <= moment, limit)
        )
    return tuple(found)


def timeline_of(case: Case, *, now: datetime.datetime | None = None) -> Timeline:
    """The whole timeline of a case opened through selectors.case_in_scope, and what may be done now."""
    procedure = default_procedure()
    records = _step_entries(case, procedure)
    known = {step.code for step in procedure.steps}
    done, cycle = replay(procedure, [(e.kind, values) for e, values in records if e.kind in known])
    entries = sorted([entry for entry, _values in records] + _move_entries(case), key=lambda e: e.at)
    available = available_steps(done, procedure, now) if case.is_open else ()
    return Timeline(tuple(entries), available, cycle, sum(entry.is_late for entry in entries))
