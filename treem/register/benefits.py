"""Monthly social assistance for children, from the rules kept as data (data/benefits/social-assistance.yaml,
its shape in data/benefits/schema.json).

The amount a child is owed on a day is the base in force that day (Decree 20/2021/NĐ-CP: 360.000 đồng;
Decree 76/2024/NĐ-CP: 500.000 đồng from 01/7/2024) times the highest coefficient among the rules the child
meets that day: a child meeting several rules receives one benefit, at the highest level (Decree
20/2021, art. 6(1) and art. 20). A child is eligible only while under `max_age` (16: the Law on Children),
with a known date of birth.

This module is the Python side (a child's page, the tests' reference); treem.register.eligibility builds
the same rules into SQL for lists and counts at scale. The file is read and checked once per process
(`benefit_rules`); a bad file raises InputErrors naming the file, line and field, in Vietnamese.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from treem.core.errors import InputErrors
from treem.core.formatting import format_count
from treem.core.schema_messages import schema_errors
from treem.core.yamlfile import format_path, line_of, read_mapping_file

from .reference import reference

RULES_FILE = Path("benefits") / "social-assistance.yaml"
SCHEMA_FILE = Path("benefits") / "schema.json"
DEFAULT_MAX_AGE = 16  # Law on Children 2016, art. 1: a child is a person under 16


@dataclass(frozen=True)
class Base:
    """The base amount (đồng per month) of a decree, in force from `start` to `end` (None: still)."""

    decree: str
    start: datetime.date
    end: datetime.date | None
    amount: Decimal

    def in_force(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Rule:
    """One group of beneficiaries and its coefficient. The child meets it on a day when every condition
    given holds that day: in one of `groups_any` (empty: no condition), a degree of disability among
    `disability` (empty: no condition), and an age in whole years ≥ `age_from` and < `age_below`."""

    code: str
    label: str
    basis: str
    start: datetime.date
    end: datetime.date | None
    coefficient: Decimal
    groups_any: frozenset[str] = frozenset()
    disability: frozenset[str] = frozenset()
    age_from: int | None = None
    age_below: int | None = None

    def in_force(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def holds(self, facts: Facts) -> bool:
        if self.groups_any and not (self.groups_any & facts.groups):
            return False
        if self.disability and facts.disability not in self.disability:
            return False
        if self.age_from is not None and facts.age < self.age_from:
            return False
        return self.age_below is None or facts.age < self.age_below


@dataclass(frozen=True)
class BenefitRules:
    benefit: str  # the support kind (data/register/reference.yaml) that pays it
    title: str
    max_age: int
    bases: tuple[Base, ...]
    rules: tuple[Rule, ...]

    def base_on(self, day: datetime.date) -> Base | None:
        return next((base for base in self.bases if base.in_force(day)), None)

    def rule(self, code: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    def dates(self) -> list[datetime.date]:
        """Every day on which a base or a rule starts, or the day after one ends."""
        found: set[datetime.date] = set()
        spans: list[Base | Rule] = [*self.bases, *self.rules]
        for item in spans:
            found.add(item.start)
            if item.end is not None:
                found.add(item.end + datetime.timedelta(days=1))
        return sorted(found)


@dataclass(frozen=True)
class Facts:
    """What the rules look at, on one day: the child's age in whole years, degree of disability ("" none)
    and the special-circumstance groups it is in that day."""

    age: int
    disability: str
    groups: frozenset[str]


# --- ages ------------------------------------------------------------------------------------------------


def birthday_in(born: datetime.date, year: int) -> datetime.date:
    """The day the child has its birthday in `year`. Someone born on 29 February has it on 1 March in a
    year without one (the day after 28 February: the age is reached once the full year has passed), as
    civil status practice counts it; treem.register.eligibility uses the same rule in SQL."""
    try:
        return born.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`: it goes up on the birthday itself (negative before birth)."""
    return day.year - born.year - (1 if day < birthday_in(born, day.year) else 0)


def latest_birth_for_age(day: datetime.date, years: int) -> datetime.date:
    """The latest date of birth of a child aged at least `years` on `day`: age_on(b, day) ≥ years ⟺
    b ≤ this date. It is `day` moved back `years` years; a 29 February moved into a year without one
    becomes 28 February (a child born on 1 March that year is still a year short on 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 2, 28)


# --- reading the file ------------------------------------------------------------------------------------


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _content_errors(data: dict[str, Any], lines: dict[tuple, int], name: str) -> list[str]:
    """What the schema cannot say: dates in order, bases not overlapping, known codes, sane ages."""
    errors: list[str] = []

    def error(path: tuple, text: str) -> None:
        errors.append(f"{name}, dòng {line_of(lines, path) or 0}, {format_path(path)}: {text}.")

    ref = reference()
    kinds = ref.labels("support_kinds")
    if data["benefit"] not in kinds:
        error(("benefit",), f"hình thức '{data['benefit']}' không có trong danh mục support_kinds")
    known_groups = ref.labels("special_circumstances") | ref.labels("at_risk")
    for key in ("bases", "rules"):
        for i, item in enumerate(data[key]):
            if "to" in item and _day(item["to"]) < _day(item["from"]):
                error((key, i, "to"), "ngày kết thúc trước ngày bắt đầu")
    spans = sorted(
        (_day(b["from"]), _day(b["to"]) if "to" in b else datetime.date.max, i)
        for i, b in enumerate(data["bases"])
    )
    for (_, end, _i), (start, _end, j) in zip(spans, spans[1:], strict=False):
        if start <= end:
            error(("bases", j, "from"), "mức chuẩn trùng thời gian với một mức chuẩn khác")
    seen: set[str] = set()
    for i, rule in enumerate(data["rules"]):
        if rule["code"] in seen:
            error(("rules", i, "code"), f"mã '{rule['code']}' bị trùng")
        seen.add(rule["code"])
        for j, group in enumerate(rule.get("groups_any", [])):
            if group not in known_groups:
                error(("rules", i, "groups_any", j), f"nhóm '{group}' không có trong danh mục")
        if "age_from" in rule and "age_below" in rule and rule["age_from"] >= rule["age_below"]:
            error(("rules", i, "age_below"), "age_below phải lớn hơn age_from")
    return errors


def read_rules(path: Path) -> BenefitRules:
    """Check a benefit rules file and build it; InputErrors with every problem, building nothing."""
    name = path.name
    data, lines = read_mapping_file(path, "chính sách trợ cấp")
    schema = json.loads((Path(settings.DATA_DIR) / SCHEMA_FILE).read_text(encoding="utf-8"))
    errors = schema_errors(data, schema, lines, name) or _content_errors(data, lines, name)
    if errors:
        raise InputErrors(errors)
    bases = tuple(
        Base(b["decree"], _day(b["from"]), _day(b["to"]) if "to" in b else None, Decimal(b["amount"]))
        for b in data["bases"]
    )
    rules = tuple(
        Rule(
            code=r["code"],
            label=r["label"],
            basis=r["basis"],
            start=_day(r["from"]),
            end=_day(r["to"]) if "to" in r else None,
            # str first: 2.5 read as a float becomes Decimal("2.5"), not its binary approximation
            coefficient=Decimal(str(r["coefficient"])),
            groups_any=frozenset(r.get("groups_any", ())),
            disability=frozenset(r.get("disability", ())),
            age_from=r.get("age_from"),
            age_below=r.get("age_below"),
        )
        for r in data["rules"]
    )
    return BenefitRules(
        benefit=data["benefit"],
        title=data["title"],
        max_age=int(data.get("max_age", DEFAULT_MAX_AGE)),
        bases=tuple(sorted(bases, key=lambda b: b.start)),
        rules=rules,
    )


@functools.cache
def benefit_rules() -> BenefitRules:
    """The shipped rules (data/benefits/social-assistance.yaml), read and checked once per process."""
    return read_rules(Path(settings.DATA_DIR) / RULES_FILE)


# --- a child's amount ------------------------------------------------------------------------------------


def base_on(day: datetime.date) -> Decimal | None:
    """The base amount in force on `day` (None before the first decree)."""
    base = benefit_rules().base_on(day)
    return base.amount if base is not None else None


def facts_on(child: Any, circumstances: Iterable[Any], day: datetime.date) -> Facts | None:
    """The child's facts on `day` from its record (date_of_birth, disability) and its Circumstance rows;
    None when no rule can apply: date of birth unknown, not born yet, or `max_age` reached."""
    born = child.date_of_birth
    if born is None or born > day:
        return None
    age = age_on(born, day)
    if age >= benefit_rules().max_age:
        return None
    groups = frozenset(c.group for c in circumstances if c.is_active_on(day))
    return Facts(age=age, disability=child.disability or "", groups=groups)


def applicable_rules(facts: Facts, day: datetime.date) -> list[Rule]:
    """The rules in force on `day` that the facts meet, the highest coefficient first."""
    met = [rule for rule in benefit_rules().rules if rule.in_force(day) and rule.holds(facts)]
    return sorted(met, key=lambda rule: -rule.coefficient)


def entitlement(child: Any, circumstances: Iterable[Any], day: datetime.date) -> tuple[Rule, Decimal] | None:
    """The rule that sets the child's amount on `day` (the highest coefficient) and the amount; None when
    the child is not eligible that day."""
    base = base_on(day)
    facts = facts_on(child, circumstances, day)
    if base is None or facts is None:
        return None
    met = applicable_rules(facts, day)
    if not met:
        return None
    return met[0], (base * met[0].coefficient).quantize(Decimal(1))


def monthly_amount(child: Any, circumstances: Iterable[Any], day: datetime.date) -> Decimal | None:
    """The monthly amount (đồng) the child is owed on `day`; None: not eligible that day."""
    found = entitlement(child, circumstances, day)
    return found[1] if found is not None else None


def _change_days(child: Any, circumstances: list[Any], start: datetime.date, end: datetime.date) -> set:
    """Days in [start, end] on which something the amount depends on may change: a rule or base starts or
    ends, a circumstance starts or ends, a birthday."""
    days: set[datetime.date] = set(benefit_rules().dates())
    for c in circumstances:
        days.add(c.started_on)
        if c.ended_on is not None:
            days.add(c.ended_on + datetime.timedelta(days=1))
    born = child.date_of_birth
    if born is not None:
        days.update(birthday_in(born, year) for year in range(start.year, end.year + 1) if year >= born.year)
    return {day for day in days if start < day <= end}


def amount_changes(
    child: Any, circumstances: Iterable[Any], start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, Decimal | None]]:
    """The child's amount on `start`, then each day in (start, end] on which it changes, with the new
    amount (None: not eligible from that day)."""
    rows = list(circumstances)
    changes = [(start, monthly_amount(child, rows, start))]
    for day in sorted(_change_days(child, rows, start, end)):
        amount = monthly_amount(child, rows, day)
        if amount != changes[-1][1]:
            changes.append((day, amount))
    return changes


def format_money(amount: Decimal | int | None) -> str:
    """1250000 → "1.250.000 đ" (Vietnamese grouping); None → "—"."""
    return "—" if amount is None else f"{format_count(amount)} đ"
