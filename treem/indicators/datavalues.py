"""Writing data values: the one path every entry route takes (grid cell, Excel, DHIS2 file, API).

`import_values` checks everything first and writes nothing if any value is wrong; it reports, like
DHIS2's import summary, how many values were imported (new), updated, left unchanged (ignored) and
deleted, with every conflict named by where it came from (row, column, field) in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from treem.accounts import policy
from treem.units.models import AdministrativeUnit

from . import validation
from .models import DEFAULT_COMBO, CategoryOptionCombo, DataElement, DataValue, Period
from .periods import PeriodError, get_period, parse_period


@dataclass
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


class Catalogue:
    """Metadata looked up once per import."""

    def __init__(self) -> None:
        self.elements = {e.code: e for e in DataElement.objects.select_related("supplier")}
        self.element_combos = {code: set(combos) for code, combos in _element_combo_codes().items()}
        self.combos = {c.code: c for c in CategoryOptionCombo.objects.all()}
        self.periods: dict[str, Period] = {}

    def unit_map(self, codes: set[str]) -> dict[str, AdministrativeUnit]:
        found: dict[str, AdministrativeUnit] = {}
        codes_list = list(codes)
        for i in range(0, len(codes_list), 900):  # SQLite limits bound parameters
            found.update(
                {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes_list[i : i + 900])}
            )
        return found


def _element_combo_codes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for element_code, combo_code in DataElement.combos.through.objects.values_list(
        "dataelement__code", "categoryoptioncombo__code"
    ):
        out.setdefault(element_code, []).append(combo_code)
    return out


def import_values(
    inputs: list[ValueInput],
    *,
    user,
    dry_run: bool = False,
    check_outliers: bool = True,
    scope: policy.EntryScope | None = None,
) -> ImportSummary:
    """Check then write `inputs` atomically. With conflicts, or with dry_run, nothing is written.

    `scope` defaults to the user's entry scope; the command line passes a full one."""
    summary = ImportSummary(dry_run=dry_run)
    catalogue = Catalogue()
    scope = scope or policy.entry_scope(user)
    units = catalogue.unit_map({i.unit for i in inputs})
    resolved = []  # (input, element, combo, unit, period, value|None)
    seen: dict[tuple, str] = {}
    for item in inputs:
        combo_code = item.combo or DEFAULT_COMBO
        errors_before = len(summary.conflicts)
        element = catalogue.elements.get(item.element)
        if element is None:
            summary.conflicts.append(
                Message(item.where, "dataElement", f"không có chỉ số dữ liệu mã '{item.element}'")
            )
        elif combo_code not in catalogue.element_combos.get(element.code, set()):
            allowed = ", ".join(sorted(catalogue.element_combos.get(element.code, [])))
            summary.conflicts.append(
                Message(
                    item.where,
                    "categoryOptionCombo",
                    f"'{combo_code}' không thuộc phân tổ của {element.code} ({allowed})",
                )
            )
        unit = units.get(item.unit)
        if unit is None:
            summary.conflicts.append(
                Message(item.where, "orgUnit", f"không có đơn vị hành chính mã '{item.unit}'")
            )
        period = catalogue.periods.get(item.period)
        if period is None:
            try:
                parse_period(item.period)
                period = catalogue.periods[item.period] = get_period(item.period)
            except PeriodError as exc:
                summary.conflicts.append(Message(item.where, "period", str(exc)))
        if (
            unit is not None
            and period is not None
            and not unit.is_valid_on(period.start_date)
            and not unit.is_valid_on(period.end_date)
        ):
            summary.conflicts.append(
                Message(
                    item.where, "orgUnit", f"đơn vị '{unit.code}' không còn hiệu lực trong kỳ {period.code}"
                )
            )
        if element is not None and unit is not None and not scope.allows(element, unit):
            summary.conflicts.append(
                Message(
                    item.where,
                    "orgUnit",
                    f"bạn không được nhập {element.code} cho đơn vị '{unit.code}' ({unit.name})",
                )
            )
        value = None
        if item.value not in (None, ""):
            if element is not None:
                try:
                    value = validation.check_value(element, item.value)
                except ValueError as exc:
                    summary.conflicts.append(Message(item.where, "value", str(exc)))
        key = (item.element, combo_code, item.unit, item.period)
        if key in seen:
            summary.conflicts.append(Message(item.where, "value", f"giá trị bị lặp (đã có ở {seen[key]})"))
        seen[key] = item.where or "dòng trước"
        if len(summary.conflicts) == errors_before:
            resolved.append((item, element, catalogue.combos[combo_code], unit, period, value))
    if summary.conflicts:
        return summary

    existing = _existing_values(resolved)
    _check_rules(resolved, summary)
    if summary.conflicts:
        return summary
    to_create, to_update, to_delete = [], [], []
    for item, element, combo, unit, period, value in resolved:
        current = existing.get((element.pk, combo.pk, unit.pk, period.pk))
        if value is None:
            if current is None:
                summary.ignored += 1
                summary.changes.append(Change(item, "unchanged", None, None))
            else:
                summary.deleted += 1
                summary.changes.append(Change(item, "deleted", current.value, None))
                to_delete.append(current)
            continue
        if check_outliers:
            warning = validation.outlier_warning(
                element.pk, combo.pk, unit.pk, period.period_type, period.start_date, value
            )
            if warning:
                summary.warnings.append(Message(item.where, "value", warning))
        if current is None:
            summary.imported += 1
            summary.changes.append(Change(item, "new", None, value))
            to_create.append(
                DataValue(
                    element=element,
                    combo=combo,
                    unit=unit,
                    period=period,
                    value=value,
                    comment=item.comment,
                    stored_by=user if user and user.pk else None,
                )
            )
        elif current.value != value or current.comment != item.comment:
            summary.updated += 1
            summary.changes.append(Change(item, "changed", current.value, value))
            current.value, current.comment = value, item.comment
            current.stored_by = user if user and user.pk else None
            current.updated_at = timezone.now()
            to_update.append(current)
        else:
            summary.ignored += 1
            summary.changes.append(Change(item, "unchanged", value, value))
    if not dry_run:
        _write(to_create, to_update, to_delete)
    return summary


def _existing_values(resolved) -> dict[tuple, DataValue]:
    if not resolved:
        return {}
    unit_ids = {r[3].pk for r in resolved}
    period_ids = {r[4].pk for r in resolved}
    element_ids = {r[1].pk for r in resolved}
    found = {}
    unit_list = list(unit_ids)
    for i in range(0, len(unit_list), 900):
        rows = DataValue.objects.filter(
            unit_id__in=unit_list[i : i + 900], period_id__in=period_ids, element_id__in=element_ids
        )
        for dv in rows.iterator(chunk_size=5000):
            found[(dv.element_id, dv.combo_id, dv.unit_id, dv.period_id)] = dv
    return found


def _check_rules(resolved, summary: ImportSummary) -> None:
    cells = {(r[3].code, r[4].code) for r in resolved}
    values = validation.stored_values(cells)
    origin: dict[tuple, dict[str, str]] = {}
    for item, element, combo, unit, period, value in resolved:
        cell = values[(unit.code, period.code)]
        if value is None:
            cell.pop((element.code, combo.code), None)
        else:
            cell[(element.code, combo.code)] = value
        origin.setdefault((unit.code, period.code), {})[element.code] = item.where
    broken = validation.rule_violations({c: values[c] for c in cells}, validation.all_rules())
    for (unit_code, period_code), problems in broken.items():
        for rule, left, right in problems:
            names = [t.element for t in validation.parse(rule.left) + validation.parse(rule.right)]
            where = next(
                (origin[(unit_code, period_code)][n] for n in names if n in origin[(unit_code, period_code)]),
                "",
            )
            summary.conflicts.append(
                Message(
                    where or f"đơn vị {unit_code}, kỳ {period_code}",
                    "value",
                    f"{rule.message}: {rule.left} = {left.normalize():f} {validation.SYMBOL[rule.operator]} "
                    f"{rule.right} = {right.normalize():f} không thỏa (đơn vị {unit_code}, kỳ {period_code})",
                )
            )


@transaction.atomic
def _write(to_create: list[DataValue], to_update: list[DataValue], to_delete: list[DataValue]) -> None:
    """Save through the ORM per row where history must be kept; bulk for new rows (history added in bulk)."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    if to_create:
        bulk_create_with_history(to_create, DataValue, batch_size=2000)
    if to_update:
        bulk_update_with_history(
            to_update, DataValue, ["value", "comment", "stored_by", "updated_at"], batch_size=2000
        )
    for dv in to_delete:
        dv.delete()  # simple_history records the deletion with the old value


def save_cell(
    user, element: str, combo: str, unit: str, period: str, raw: object, comment: str = ""
) -> ImportSummary:
    """One grid cell typed by a user."""
    return import_values([ValueInput(element, combo, unit, period, raw, comment)], user=user)
