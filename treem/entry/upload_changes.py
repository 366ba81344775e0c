"""The upload preview's list of changes, in words: unit and element names, values the user's way."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from treem.core.periods import PeriodError, parse_period
from treem.indicators.datavalues import Change
from treem.indicators.models import DEFAULT_COMBO, CategoryOptionCombo, DataElement
from treem.units.models import AdministrativeUnit

from .selectors import display_text


@dataclass
class ChangeRow:
    unit: str
    element: str
    combo: str
    kind: str
    old: str
    new: str
    where: str


def describe_changes(changes: list[Change], limit: int = 1000) -> tuple[list[ChangeRow], int]:
    """The changes that do something (new, changed, deleted) with names, and how many were left out."""
    wanted = [c for c in changes if c.kind != "unchanged"]
    shown = wanted[:limit]
    elements = {e.code: e for e in DataElement.objects.filter(code__in={c.input.element for c in shown})}
    combos = {c.code: c.name for c in CategoryOptionCombo.objects.all()}
    units = _unit_names({(c.input.unit, c.input.period) for c in shown})
    rows = []
    for change in shown:
        element = elements[change.input.element]
        combo_code = change.input.combo or DEFAULT_COMBO
        rows.append(
            ChangeRow(
                unit=f"{units.get((change.input.unit, change.input.period), '')} ({change.input.unit})",
                element=element.name,
                combo="" if combo_code == DEFAULT_COMBO else combos.get(combo_code, combo_code),
                kind=change.kind,
                old=display_text(change.old, element),
                new=display_text(change.new, element),
                where=change.input.where,
            )
        )
    return rows, len(wanted) - len(shown)


def _unit_names(places: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(unit code, period code) → the name of the version of the unit in that period."""
    versions: dict[str, list[AdministrativeUnit]] = {}
    for unit in AdministrativeUnit.objects.filter(code__in={code for code, _p in places}).order_by(
        F("valid_from").desc(nulls_last=True)
    ):
        versions.setdefault(unit.code, []).append(unit)
    names = {}
    for code, period_code in places:
        try:
            _kind, start, end = parse_period(period_code)
        except PeriodError:
            continue
        version = next((u for u in versions.get(code, []) if u.exists_during(start, end)), None)
        if version is not None:
            names[(code, period_code)] = version.name
    return names
