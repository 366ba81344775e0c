"""Writes for indicator metadata. Data value writes live in `datavalues.py`."""

from __future__ import annotations

import datetime
import itertools

from django.db import transaction

from treem.accounts.models import User
from treem.core import audit
from treem.core.models import AuditAction
from treem.units.models import AdministrativeUnit, Agency
from treem.units.successions import holder_on

from .models import DEFAULT_COMBO, Category, CategoryOptionCombo, Completion, DataElement, ValidationRule
from .periods import get_period


def existing_element_codes() -> set[str]:
    return set(DataElement.objects.values_list("code", flat=True))


def category_codes() -> set[str]:
    return set(Category.objects.values_list("code", flat=True))


def combo_codes() -> set[str]:
    """Every combo an expression may name: the stored ones and each single category option."""
    codes = set(CategoryOptionCombo.objects.values_list("code", flat=True)) | {DEFAULT_COMBO}
    for category in Category.objects.prefetch_related("options"):
        codes |= {o.code for o in category.options.all()}
    return codes


def combos_for(categories: list[Category]) -> list[CategoryOptionCombo]:
    """The combos an element split by these categories is collected by (created when first needed)."""
    if not categories:
        combo, _ = CategoryOptionCombo.objects.get_or_create(code=DEFAULT_COMBO, defaults={"name": "Tổng"})
        return [combo]
    combos = []
    for options in itertools.product(*[list(c.options.all()) for c in categories]):
        combo, created = CategoryOptionCombo.objects.get_or_create(
            code=".".join(o.code for o in options), defaults={"name": ", ".join(o.name for o in options)}
        )
        if created:
            combo.options.set(options)
        combos.append(combo)
    return combos


@transaction.atomic
def load_data_elements(
    rows: list[dict], agencies: dict[str, Agency], *, on: datetime.date | None = None
) -> list[DataElement]:
    """Create or update data elements from a plan file's `data_elements` (already validated).

    Elements are shared by every plan, and an element's supplier is the body that supplies it now: a plan
    of a later year names the body that took the duty over (the Department of Health for the Department of
    Labour's figures in 2026) and becomes the supplier. An earlier plan loaded again names the body that
    held the duty in its year (`on`): the stored, later holder stays, and the exporter writes the earlier
    holder back for that plan (units.successions.holder_on), so each plan keeps its own supplier."""
    categories = {c.code: c for c in Category.objects.prefetch_related("options")}
    stored = {e.code: e.supplier for e in DataElement.objects.select_related("supplier")}
    elements = []
    for row in rows:
        code = row["supplier"]["code"] if isinstance(row["supplier"], dict) else row["supplier"]
        supplier = agencies[code]
        previous = stored.get(row["code"])
        if on is not None and previous is not None and previous != supplier:
            if holder_on(previous, on) == supplier:
                supplier = previous
        element, _ = DataElement.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "value_type": row.get("value_type", "integer"),
                "aggregation": row.get("aggregation", "sum"),
                "collection_level": row.get("collection_level", "commune"),
                "supplier": supplier,
                "derived_rule": (row.get("derived") or {}).get("rule", ""),
                "derived_params": (row.get("derived") or {}).get("params") or {},
                "derived_since": (row.get("derived") or {}).get("since"),
            },
        )
        element_categories = [categories[c] for c in row.get("categories") or []]
        element.categories.set(element_categories)
        element.combos.set(combos_for(element_categories))
        elements.append(element)
    return elements


def load_validation_rules(rows: list[dict]) -> None:
    """Create or update the rules a plan file lists (rules are shared; a rule is never silently dropped)."""
    for row in rows:
        ValidationRule.objects.update_or_create(
            code=row["code"],
            defaults={
                "left": row["left"],
                "operator": row["operator"],
                "right": row["right"],
                "message": row["message"],
            },
        )


@transaction.atomic
def mark_complete(user: User, agency: Agency, unit: AdministrativeUnit, period_code: str) -> Completion:
    """The reporting entity's figures for the unit and period are complete (kept if already marked)."""
    completion, created = Completion.objects.get_or_create(
        agency=agency, unit=unit, period=get_period(period_code), defaults={"completed_by": user}
    )
    if created:
        _record_completion(AuditAction.COMPLETION_MARK, user, completion, "Xác nhận hoàn thành số liệu")
    return completion


@transaction.atomic
def unmark_complete(
    agency: Agency, unit: AdministrativeUnit, period_code: str, *, user: User | None = None
) -> None:
    """Take the mark back; its history keeps who had marked it and when. `user` is who takes it back."""
    for completion in Completion.objects.filter(agency=agency, unit=unit, period__code=period_code):
        _record_completion(AuditAction.COMPLETION_UNMARK, user, completion, "Bỏ xác nhận hoàn thành số liệu")
        completion.delete()


def _record_completion(action: str, user: User | None, completion: Completion, text: str) -> None:
    """The audit event of a mark or unmark, in the caller's transaction."""
    where = f"{completion.agency.code}/{completion.unit.code}/{completion.period.code}"
    marked = {
        "completed_by": completion.completed_by.get_username() if completion.completed_by else None,
        "completed_at": completion.completed_at,
    }
    audit.record_event(
        action,
        actor=user,
        object_kind="completion",
        object_id=where,
        province_code=audit.province_of(completion.unit.path),
        old=None if action == AuditAction.COMPLETION_MARK else marked,
        new=marked if action == AuditAction.COMPLETION_MARK else None,
        summary=f"{text} {where}",
    )
