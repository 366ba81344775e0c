"""Writing data values: the one path every entry route takes (grid cell, Excel, DHIS2 file, API).

`import_values` checks everything first and writes nothing if any value is wrong; it reports, like
DHIS2's import summary, how many values were imported (new), updated, left unchanged (ignored) and
deleted, with every conflict named by where it came from (row, column, field) in Vietnamese.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from treem.accounts import policy
from treem.core import audit, comparisons
from treem.core.models import AuditAction
from treem.core.periods import PeriodError, parse_period
from treem.units.models import AdministrativeUnit

from . import bulk, validation
from .models import DEFAULT_COMBO, DataElement, DataValue, Period
from .periods import get_period


@dataclass(slots=True)
class ValueInput:
    element: str
    combo: str
    unit: str
    period: str
    value: object  # raw: str, number or None/"" (= delete)
    comment: str = ""
    where: str = ""  # where the value came from, e.g. "Trang tính 'Số liệu', dòng 7, cột E"


@dataclass
class Message:
    where: str
    field: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}{', ' if self.where else ''}{self.field}: {self.text}"


@dataclass
class Change:
    input: ValueInput
    kind: str  # new | changed | unchanged | deleted
    old: Decimal | None
    new: Decimal | None


@dataclass
class ImportSummary:
    dry_run: bool
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ERROR" if self.conflicts else ("WARNING" if self.warnings else "SUCCESS")

    def as_dict(self) -> dict:
        """The shape of DHIS2's importSummary."""
        return {
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": [{"object": c.where, "property": c.field, "value": c.text} for c in self.conflicts],
            "warnings": [{"object": w.where, "property": w.field, "value": w.text} for w in self.warnings],
        }


class ElementInfo(NamedTuple):
    element: DataElement
    combo_ids: dict[str, int]  # the combos the element is collected by, by code


class Catalogue:
    """Metadata looked up once per import, by code."""

    def __init__(self) -> None:
        by_element: dict[int, dict[str, int]] = defaultdict(dict)
        for element_id, combo_id, combo_code in DataElement.combos.through.objects.values_list(
            "dataelement_id", "categoryoptioncombo_id", "categoryoptioncombo__code"
        ):
            by_element[element_id][combo_code] = combo_id
        self.elements = {
            e.code: ElementInfo(e, by_element[e.pk]) for e in DataElement.objects.select_related("supplier")
        }
        self.periods: dict[str, Period] = {}

    def unit_map(self, codes: set[str]) -> dict[str, AdministrativeUnit]:
        found: dict[str, AdministrativeUnit] = {}
        codes_list = [c for c in codes if "\x00" not in c]  # PostgreSQL cannot compare text holding NUL
        for i in range(0, len(codes_list), 900):  # SQLite limits bound parameters
            found.update(
                {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes_list[i : i + 900])}
            )
        return found


def import_values(
    inputs: list[ValueInput],
    *,
    user,
    dry_run: bool = False,
    check_outliers: bool = True,
    scope: policy.EntryScope | None = None,
    keep_changes: bool = True,
) -> ImportSummary:
    """Check then write `inputs` atomically. With conflicts, or with dry_run, nothing is written (not even
    the Period rows the check looked up).

    `scope` defaults to the user's entry scope; the command line passes a full one. `keep_changes=False`
    leaves `summary.changes` empty (a preview needs them; a national file's counts do not)."""
    with transaction.atomic():
        summary = _check_and_write(inputs, user, dry_run, check_outliers, scope, keep_changes)
        if summary.dry_run or summary.conflicts:
            transaction.set_rollback(True)
    return summary


def _check_and_write(
    inputs: list[ValueInput],
    user,
    dry_run: bool,
    check_outliers: bool,
    scope: policy.EntryScope | None,
    keep_changes: bool,
) -> ImportSummary:
    summary = ImportSummary(dry_run=dry_run)
    resolver = _Resolver(Catalogue(), scope or policy.scope_for(user).entry, {i.unit for i in inputs})
    resolved: list[Resolved] = []
    seen: dict[tuple, str] = {}
    for item in inputs:
        row = resolver.resolve(item)
        key = (item.element, item.combo or DEFAULT_COMBO, item.unit, item.period)
        if key in seen:
            problems = row if isinstance(row, list) else []
            problems.append(Message(item.where, "value", f"giá trị bị lặp (đã có ở {seen[key]})"))
            row = problems
        seen[key] = item.where or "dòng trước"
        if isinstance(row, list):
            summary.conflicts.extend(row)
        else:
            resolved.append(row)
    # Rules between elements are checked over the rows that are valid on their own, so one pass names
    # every problem of the file.
    _check_rules(resolved, summary)
    if summary.conflicts:
        return summary
    existing = _existing_values(resolved)
    to_create: list[bulk.NewValue] = []
    to_update: dict[int, tuple[Decimal, str]] = {}
    to_delete: list[int] = []
    user_id = user.pk if user is not None and user.pk else None
    outliers = validation.outlier_warnings(resolved) if check_outliers else {}
    note = summary.changes.append if keep_changes else (lambda change: None)
    for item, element_id, combo_id, unit_id, period, value in resolved:
        key = (element_id, combo_id, unit_id, period.id)
        current = existing.get(key)
        if value is None:
            if current is None:
                summary.ignored += 1
                note(Change(item, "unchanged", None, None))
            else:
                summary.deleted += 1
                note(Change(item, "deleted", current.value, None))
                to_delete.append(current.id)
            continue
        warning = outliers.get(key)
        if warning:
            summary.warnings.append(Message(item.where, "value", warning))
        if current is None:
            summary.imported += 1
            note(Change(item, "new", None, value))
            to_create.append((element_id, combo_id, unit_id, period.id, value, item.comment, user_id))
        elif current.value != value or current.comment != item.comment:
            summary.updated += 1
            note(Change(item, "changed", current.value, value))
            to_update[current.id] = (value, item.comment)
        else:
            summary.ignored += 1
            note(Change(item, "unchanged", value, value))
    if not dry_run:
        try:
            _write(to_create, to_update, to_delete, user_id)
        except IntegrityError:  # another writer stored one of these values since they were read
            summary.conflicts.append(Message("", "value", CONCURRENT_WRITE))
        else:
            _record_import(summary, resolver.units, resolved, existing, to_create, to_update, to_delete, user)
    return summary


def _record_import(summary, units, resolved, existing, to_create, to_update, to_delete, user) -> None:
    """One audit event per province the import wrote to, inside the import's transaction (a rolled-back
    import leaves none). `new` holds that province's counts and the periods of the file."""
    if not (summary.imported + summary.updated + summary.deleted):
        return
    province_of_unit = {u.id: audit.province_of(u.path) for u in units.values()}
    counts: dict[str, Counter] = defaultdict(Counter)
    if len(set(province_of_unit.values())) == 1:
        counts[next(iter(province_of_unit.values()))].update(
            imported=summary.imported,
            updated=summary.updated,
            deleted=summary.deleted,
            ignored=summary.ignored,
        )
    else:  # a file over several provinces: count each province's share
        unit_of_value = {stored.id: key[2] for key, stored in existing.items()}
        for kind, unit_ids in (
            ("imported", (row[2] for row in to_create)),
            ("updated", (unit_of_value[pk] for pk in to_update)),
            ("deleted", (unit_of_value[pk] for pk in to_delete)),
        ):
            for unit_id in unit_ids:
                counts[province_of_unit[unit_id]][kind] += 1
        for unit_id, rows in Counter(r.unit_id for r in resolved).items():
            counts[province_of_unit[unit_id]]["ignored"] += rows
        for tally in counts.values():
            tally["ignored"] -= tally["imported"] + tally["updated"] + tally["deleted"]
    periods = sorted({r.period.code for r in resolved})
    for province, tally in sorted(counts.items()):
        if not (tally["imported"] + tally["updated"] + tally["deleted"]):
            continue
        new = {kind: tally[kind] for kind in ("imported", "updated", "deleted", "ignored")}
        audit.record_event(
            AuditAction.VALUE_IMPORT,
            actor=user,
            object_kind="dataValueSet",
            object_id=", ".join(periods),
            province_code=province,
            new={**new, "periods": periods},
            summary=f"Ghi số liệu: {new['imported']} mới, {new['updated']} cập nhật, {new['deleted']} xóa",
        )


COMMENT_MAX_LENGTH = DataValue._meta.get_field("comment").max_length
LEVEL_NAMES = {"province": "tỉnh", "district": "huyện", "commune": "xã"}
CONCURRENT_WRITE = "số liệu vừa được người khác ghi cùng lúc; không có gì được ghi, vui lòng thử lại"


class Resolved(NamedTuple):
    """An input that passed its own checks, as database ids."""

    input: ValueInput
    element_id: int
    combo_id: int
    unit_id: int
    period: Period
    value: Decimal | None


class _Resolver:
    """Turns raw inputs into database ids, with every problem named. A national file repeats the same
    elements, units and periods millions of times, so each is looked up and checked once."""

    def __init__(self, catalogue: Catalogue, scope: policy.EntryScope, unit_codes: set[str]) -> None:
        self.catalogue = catalogue
        self.scope = scope
        self.units = catalogue.unit_map(unit_codes)
        self.placement: dict[tuple[str, str], str | None] = {}
        self.allowed: dict[tuple[str, str], bool] = {}  # (element, unit) pairs that passed scope and level
        # Inputs whose element, combo, unit, period and permission were already found good, by their codes.
        self.good_elements: dict[tuple[str, str], tuple[DataElement, int]] = {}
        self.good_places: dict[tuple[str, str], tuple[int, Period]] = {}

    def resolve(self, item: ValueInput) -> Resolved | list[Message]:
        """The fast path for an input made of codes seen good before; otherwise the full check."""
        element = self.good_elements.get((item.element, item.combo))
        place = self.good_places.get((item.unit, item.period))
        if element is None or place is None or not self.allowed.get((item.element, item.unit)):
            return self.check(item)
        if item.comment and (len(item.comment) > COMMENT_MAX_LENGTH or "\x00" in item.comment):
            return self.check(item)
        raw = item.value
        if raw is None or raw == "":
            return Resolved(item, element[0].id, element[1], place[0], place[1], None)
        try:
            value = validation.check_value(element[0], raw)
        except ValueError as exc:
            return [Message(item.where, "value", str(exc))]
        return Resolved(item, element[0].id, element[1], place[0], place[1], value)

    def period(self, code: str) -> Period | str:
        """The period, or the Vietnamese reason it is not one."""
        period = self.catalogue.periods.get(code)
        if period is None:
            try:
                parse_period(code)
            except PeriodError as exc:
                return str(exc)
            period = self.catalogue.periods[code] = get_period(code)
        return period

    def check(self, item: ValueInput) -> Resolved | list[Message]:
        """Every check of one input, each problem named; remembers what was found good."""
        problems: list[Message] = []
        texts = (item.element, item.combo, item.unit, item.period, item.comment, str(item.value or ""))
        if any("\x00" in text for text in texts):
            return [Message(item.where, "value", "có ký tự không hợp lệ (NUL)")]
        combo_code = item.combo or DEFAULT_COMBO
        info = self.catalogue.elements.get(item.element)
        combo_id = None
        if info is None:
            problems.append(
                Message(item.where, "dataElement", f"không có chỉ số dữ liệu mã '{item.element}'")
            )
        else:
            combo_id = info.combo_ids.get(combo_code)
            if combo_id is None:
                allowed = ", ".join(sorted(info.combo_ids))
                problems.append(
                    Message(
                        item.where,
                        "categoryOptionCombo",
                        f"'{combo_code}' không thuộc phân tổ của {item.element} ({allowed})",
                    )
                )
        unit = self.units.get(item.unit)
        if unit is None:
            problems.append(Message(item.where, "orgUnit", f"không có đơn vị hành chính mã '{item.unit}'"))
        period = self.catalogue.periods.get(item.period) or self.period(item.period)
        if isinstance(period, str):
            problems.append(Message(item.where, "period", period))
            period = None
        if unit is not None and period is not None:
            key = (item.unit, item.period)
            if key not in self.placement:
                valid = unit.exists_during(period.start_date, period.end_date)
                self.placement[key] = (
                    None if valid else f"đơn vị '{unit.code}' không còn hiệu lực trong kỳ {period.code}"
                )
            if self.placement[key]:
                problems.append(Message(item.where, "orgUnit", self.placement[key]))
        if info is not None and unit is not None:
            if not self.scope.allows(info.element, unit):
                problems.append(
                    Message(
                        item.where,
                        "orgUnit",
                        f"bạn không được nhập {item.element} cho đơn vị '{unit.code}' ({unit.name})",
                    )
                )
        if info is not None and unit is not None and info.element.collection_level != unit.level:
            problems.append(
                Message(
                    item.where,
                    "orgUnit",
                    f"{item.element} được nhập cho đơn vị cấp {LEVEL_NAMES[info.element.collection_level]}, "
                    f"không nhập cho '{unit.code}' ({unit.name})",
                )
            )
        if len(item.comment) > COMMENT_MAX_LENGTH:
            problems.append(
                Message(
                    item.where,
                    "comment",
                    f"ghi chú dài {len(item.comment)} ký tự, tối đa {COMMENT_MAX_LENGTH}",
                )
            )
        value = None
        if info is not None and item.value is not None and item.value != "":
            try:
                value = validation.check_value(info.element, item.value)
            except ValueError as exc:
                problems.append(Message(item.where, "value", str(exc)))
        if problems:
            return problems
        self.good_elements[(item.element, item.combo)] = (info.element, combo_id)
        self.good_places[(item.unit, item.period)] = (unit.id, period)
        self.allowed[(item.element, item.unit)] = True  # the checks that depend on both passed
        return Resolved(item, info.element.id, combo_id, unit.id, period, value)


class Stored(NamedTuple):
    id: int
    value: Decimal
    comment: str


def _existing_values(resolved) -> dict[tuple, Stored]:
    """The stored values the inputs may replace, by (element, combo, unit, period) ids, as plain tuples."""
    if not resolved:
        return {}
    period_ids = {r.period.id for r in resolved}
    element_ids = {r.element_id for r in resolved}
    unit_ids = list({r.unit_id for r in resolved})
    values = DataValue.objects.filter(period_id__in=period_ids, element_id__in=element_ids)
    if len(unit_ids) <= validation.MAX_FILTERED_UNITS:
        values = values.filter(unit_id__in=unit_ids)
    else:
        unit_ids = set(unit_ids)  # a whole-country file: read the period, keep the file's units
    found = {}
    # Plain fetch, not .iterator(): PostgreSQL plans a server-side cursor for the first rows, badly here.
    for element_id, combo_id, unit_id, period_id, pk, value, comment in values.values_list(
        "element_id", "combo_id", "unit_id", "period_id", "id", "value", "comment"
    ):
        if unit_id in unit_ids:
            found[(element_id, combo_id, unit_id, period_id)] = Stored(pk, value, comment)
    return found


def _check_rules(resolved: list[Resolved], summary: ImportSummary) -> None:
    cells = {(r.input.unit, r.input.period) for r in resolved}
    values = validation.stored_values(cells)
    origin: dict[tuple, dict[str, str]] = defaultdict(dict)
    for row in resolved:
        item = row.input
        cell = values[(item.unit, item.period)]
        combo = item.combo or DEFAULT_COMBO
        if row.value is None:
            cell[item.element].pop(combo, None)
        else:
            cell[item.element][combo] = row.value
        origin[(item.unit, item.period)][item.element] = item.where
    broken = validation.rule_violations({c: values[c] for c in cells}, validation.all_rules())
    for (unit_code, period_code), problems in broken.items():
        for rule, left, right in problems:
            sources = origin[(unit_code, period_code)]
            where = next((sources[e] for e in sorted(rule.elements) if sources.get(e)), "")
            summary.conflicts.append(
                Message(
                    where or f"đơn vị {unit_code}, kỳ {period_code}",
                    "value",
                    f"{rule.message}: {rule.left} = {left.normalize():f} {comparisons.symbol(rule.operator)} "
                    f"{rule.right} = {right.normalize():f} không thỏa (đơn vị {unit_code}, kỳ {period_code})",
                )
            )


@transaction.atomic
def _write(
    to_create: list[bulk.NewValue],
    to_update: dict[int, tuple[Decimal, str]],
    to_delete: list[int],
    user_id: int | None,
) -> None:
    """New values in bulk (with their history rows); updates and deletions through simple_history, so each
    keeps who changed it, when, and the value before."""
    from simple_history.utils import bulk_update_with_history

    now = timezone.now()
    bulk.insert_new_values(to_create, now)
    changed = []
    for dv in DataValue.objects.filter(pk__in=list(to_update)).iterator(chunk_size=2000):
        dv.value, dv.comment = to_update[dv.pk]
        dv.stored_by_id, dv.updated_at = user_id, now
        changed.append(dv)
    if changed:
        bulk_update_with_history(
            changed, DataValue, ["value", "comment", "stored_by", "updated_at"], batch_size=2000
        )
    for dv in DataValue.objects.filter(pk__in=to_delete):
        dv.delete()  # simple_history records the deletion with the old value


def save_cell(
    user, element: str, combo: str, unit: str, period: str, raw: object, comment: str = ""
) -> ImportSummary:
    """One grid cell typed by a user."""
    return import_values([ValueInput(element, combo, unit, period, raw, comment)], user=user)
