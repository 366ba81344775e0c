"""The browser editor's services: one edit of a draft plan = its exported dict, one field changed, the plan
file's checks, the plan loaded again.

Going through the plan-file shape (exporter → check_plan_data → load_plan_data) keeps one set of rules and
messages for a file loaded with `load_plan` and an edit made in the browser, and keeps the YAML the editor
exports loadable by `load_plan`.

A form carries the version of the plan it was opened on (a hash of the exported dict, so any change made
in between, by another editor or by `load_plan`, is seen); a save against another version is refused
instead of overwriting the other writer's change.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from treem.accounts.models import User
from treem.core.errors import InputErrors
from treem.units.models import Agency, AgencyKind
from treem.units.scope import Scope

from . import selectors
from .exporter import export_plan, plan_yaml
from .models import Plan
from .services import load_plan_data

Edit = Callable[[dict], None]

# The column's limits (Indicator.threshold: 12 digits, 3 of them decimals): a larger number would fail
# in the database instead of being refused with a message.
THRESHOLD_MAX = Decimal("999999999")
THRESHOLD_DECIMALS = 3
# What a threshold may be typed as: ASCII digits only (no Arabic-Indic or mathematical digits, no "1_000"
# that Decimal would read), one decimal mark.
THRESHOLD_PATTERN = re.compile(r"-?[0-9]+(?:[.,](?P<decimals>[0-9]+))?")


class PlanFrozen(Exception):
    """The plan was issued: it is no longer edited."""


class DraftConflict(Exception):
    """Someone saved the plan after the form was opened: saving would overwrite their change."""


def editable_plan(scope: Scope, code: str) -> Plan | None:
    """The plan if the scope manages the plans of its province; None otherwise, as for a missing plan
    (so nobody else learns the editor exists)."""
    if not scope.can_manage_plans:
        return None
    return selectors.plan_in_scope(scope, code)


def plan_version(data: dict) -> str:
    """A short fingerprint of the plan's exported content."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def current_version(plan: Plan) -> str:
    return plan_version(export_plan(plan))


def year_bounds(plan: Plan) -> tuple[datetime.date, datetime.date]:
    return datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)


def bodies_for(plan: Plan) -> QuerySet[Agency]:
    """Bodies a task of the plan can be given to: those existing in the plan's year, of its province or
    national (a group: one with a member in the province)."""
    province = plan.province.path
    in_province = Q(unit__path__startswith=province)
    national = Q(unit__isnull=True) & ~Q(kind=AgencyKind.GROUP)
    group = Q(kind=AgencyKind.GROUP, members__unit__path__startswith=province)
    return (
        Agency.objects.existing_during(*year_bounds(plan))
        .filter(is_active=True)
        .filter(in_province | national | group)
        .distinct()
        .order_by("name")
    )


def threshold_value(text: str) -> Any:
    """The number typed: ASCII digits, a comma or a dot as the decimal mark (a minus only so that a
    negative number gets the range message). The decimals are counted on what was typed, before any
    conversion: a value with more than 3 (1.0000000000000000001) comes back as its exact Decimal, which
    threshold_problem refuses, instead of being rounded silently. Other text is passed on as typed, so the
    plan file's check refuses it with load_plan's message; an out-of-range number in exponent form (1e15)
    comes back as a Decimal, for the range message."""
    cleaned = text.strip().replace(" ", "")
    match = THRESHOLD_PATTERN.fullmatch(cleaned)
    if match is None:
        return _out_of_range(cleaned) or text.strip()
    number = Decimal(cleaned.replace(",", "."))
    if len((match["decimals"] or "").rstrip("0")) > THRESHOLD_DECIMALS or not 0 <= number <= THRESHOLD_MAX:
        return number  # refused by threshold_problem
    # Exact from here: at most 9 integer digits and 3 decimals, which a float holds and prints back.
    return int(number) if number == number.to_integral_value() else float(number.normalize())


def _out_of_range(cleaned: str) -> Decimal | None:
    """An ASCII number in exponent form beyond the column's range (1e15, 1e999999999), else None. Never
    int() or float() of it: 1e999999999 would take the server's memory."""
    if not cleaned.isascii() or "_" in cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if number.is_finite() and not 0 <= number <= THRESHOLD_MAX:
        return number
    return None


def threshold_problem(value: Any) -> str | None:
    """Why a number cannot be a threshold (the database column's range), or None."""
    if not isinstance(value, int | float | Decimal):
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number < 0 or number > THRESHOLD_MAX:
        return _("Ngưỡng phải từ 0 đến 999.999.999.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > THRESHOLD_DECIMALS:
        return _("Ngưỡng có tối đa 3 chữ số thập phân.")
    return None


def _item(items: list[dict], code: Any, key: str = "code") -> dict:
    for item in items:
        if item.get(key) == code:
            return item
    raise KeyError(code)


def indicator_of(data: dict, code: str) -> dict:
    for target in data["targets"]:
        for indicator in target["indicators"]:
            if indicator["code"] == code:
                return indicator
    raise KeyError(code)


def set_target(code: str, *, text: str) -> Edit:
    def edit(data: dict) -> None:
        _item(data["targets"], code)["text"] = text

    return edit


def set_indicator(code: str, *, text: str, direction: str, threshold: Any) -> Edit:
    def edit(data: dict) -> None:
        indicator = indicator_of(data, code)
        indicator.update(text=text, direction=direction, threshold=threshold)

    return edit


def set_task(code: str, *, text: str, agency: Agency) -> Edit:
    def edit(data: dict) -> None:
        task = _item(data["tasks"], code)
        task["text"] = text
        if (task["agency"] or {}).get("code") != agency.code:
            task["agency"] = {"code": agency.code, "name": agency.name}

    return edit


def set_milestone(code: str, *, date: datetime.date, description: str) -> Edit:
    def edit(data: dict) -> None:
        milestone = _item(data["milestones"], code)
        milestone.update(date=date.isoformat(), description=description)

    return edit


def set_funding_sources(texts: list[str]) -> Edit:
    """The sources' texts in their order; a text beyond the existing ones adds a source."""

    def edit(data: dict) -> None:
        sources = data["funding_sources"]
        for index, text in enumerate(texts):
            if index < len(sources):
                sources[index]["text"] = text
            else:
                number = max((s["number"] for s in sources), default=0) + 1
                sources.append({"number": number, "text": text})

    return edit


@dataclass
class SavedEdit:
    plan: Plan
    version: str


def apply_edit(plan: Plan, version: str, edit: Edit, *, actor: User | None) -> SavedEdit:
    """Apply one edit to a draft and load it; raise PlanFrozen, DraftConflict or InputErrors (the plan
    file's messages), writing nothing then."""
    with transaction.atomic():
        # The row lock makes a second writer wait here, then see the first one's version.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if not locked.is_draft:
            raise PlanFrozen
        data = export_plan(locked)
        if plan_version(data) != version:
            raise DraftConflict
        edit(data)
        # load_plan_data runs the plan file's checks (check_plan_data) first; `only_drafts` refuses too
        # if the plan were issued meanwhile.
        result = load_plan_data(data, actor=actor, only_drafts=True)
    saved = Plan.objects.get(pk=result.plan.pk)
    return SavedEdit(saved, current_version(saved))


def plan_file_text(plan: Plan) -> str:
    """The plan file of the plan, as YAML: what `export_plan --format yaml` writes."""
    return plan_yaml(export_plan(plan))


def yaml_filename(plan: Plan) -> str:
    """A download name made of the plan's code (a slug: letters, digits, dashes) only."""
    safe = "".join(ch for ch in plan.code if ch.isascii() and (ch.isalnum() or ch in "-_")) or "ke-hoach"
    return f"{safe}.yaml"


def item_path(data: dict, kind: str, code: str) -> str:
    """Where an item sits in the plan file, as the checks' messages write it: `targets[3]`,
    `targets[3].indicators[0]`, `tasks[12]`, `milestones[2]`; "" when it is not there."""
    if kind == "indicators":
        for t, target in enumerate(data["targets"]):
            for i, indicator in enumerate(target["indicators"]):
                if indicator["code"] == code:
                    return f"targets[{t}].indicators[{i}]"
        return ""
    for index, item in enumerate(data[kind]):
        if item.get("code") == code:
            return f"{kind}[{index}]"
    return ""


def field_errors(
    error: InputErrors, prefix: str, keys: dict[str, str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Split the plan check's messages into those about one of the form's fields (`keys`: the plan-file
    key under `prefix` → the form field) and the rest. A field's message keeps only what is wrong: the
    plan and the path ("kế hoạch …, targets[3]….threshold:") are the field it is shown next to."""
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for message in error.messages:
        # "name, dòng N, targets[3].indicators[0].threshold: what is wrong." (no line for a dict)
        head, _colon, rest = message.partition(": ")
        path = head.rsplit(", ", 1)[-1]
        field = next((f for key, f in keys.items() if path == (f"{prefix}.{key}" if prefix else key)), None)
        if field is None or not rest:
            other.append(message)
        else:
            by_field.setdefault(field, []).append(rest[:1].upper() + rest[1:])
    return by_field, other
