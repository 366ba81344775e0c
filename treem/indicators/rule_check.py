"""The checks of a write against what is stored: rules between elements over the stored values overlaid with
the new ones, and values that changed since the user saw them (a confirmed preview).

Messages name the figures in words (the data elements' names and disaggregations), write numbers the
user's way (`core.formatting`) and operators in words (`core.comparisons`): never `#{CODE}` formulas.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.formatting import format_number
from treem.core.periods import period_label
from treem.units.models import AdministrativeUnit

from . import validation
from .expressions import Term
from .models import DEFAULT_COMBO, CategoryOptionCombo, DataElement
from .value_inputs import CellIds, ImportSummary, Message, Resolved, Stored


def check_rules(resolved: list[Resolved], rules: list[validation.Rule], summary: ImportSummary) -> None:
    """Add a conflict for every rule (`validation.all_rules()`) the stored values, overlaid with `resolved`,
    would break."""
    # Cells by unit id: one code is two units after the 2025 reform (see validation.stored_values).
    cells = {(r.unit_id, r.input.period) for r in resolved}
    values = validation.stored_values(cells)
    origin: dict[validation.Cell, dict[str, str]] = defaultdict(dict)
    for row in resolved:
        item = row.input
        cell = values[(row.unit_id, item.period)]
        combo = item.combo or DEFAULT_COMBO
        if row.value is None:
            cell[item.element].pop(combo, None)
        else:
            cell[item.element][combo] = row.value
        origin[(row.unit_id, item.period)][item.element] = item.where
    broken = validation.rule_violations({c: values[c] for c in cells}, rules)
    if not broken:
        return
    names = _Names(broken)
    for (unit_id, period_code), problems in broken.items():
        place = names.place(unit_id, period_code)
        for rule, left, right in problems:
            sources = origin[(unit_id, period_code)]
            where = next((sources[e] for e in sorted(rule.elements) if sources.get(e)), "")
            text = _(
                "%(rule)s: %(left)s là %(left_value)s, phải %(operator)s %(right)s là %(right_value)s "
                "(%(place)s)"
            ) % {
                "rule": rule.message,
                "left": names.side(rule.terms[0]),
                "left_value": format_number(left),
                "operator": comparisons.words(rule.operator),
                "right": names.side(rule.terms[1]),
                "right_value": format_number(right),
                "place": place,
            }
            summary.conflicts.append(Message(where or place, "value", text))


class _Names:
    """The names of the elements, combos and units a list of broken rules mentions (looked up only when a
    rule is broken)."""

    def __init__(self, broken: dict[validation.Cell, list[tuple[validation.Rule, Decimal, Decimal]]]) -> None:
        rules = [rule for problems in broken.values() for rule, _left, _right in problems]
        terms = [t for rule in rules for t in rule.terms[0] + rule.terms[1]]
        self.elements = dict(
            DataElement.objects.filter(code__in={t.element for t in terms}).values_list("code", "name")
        )
        self.combos = dict(
            CategoryOptionCombo.objects.filter(code__in={t.combo for t in terms if t.combo}).values_list(
                "code", "name"
            )
        )
        self.units = {
            pk: (code, name)
            for pk, code, name in AdministrativeUnit.objects.filter(
                pk__in={u for u, _p in broken}
            ).values_list("pk", "code", "name")
        }

    def term(self, term: Term) -> str:
        name = self.elements.get(term.element, term.element)
        return f"{name} ({self.combos.get(term.combo, term.combo)})" if term.combo else name

    def side(self, terms: list[Term]) -> str:
        return " + ".join(self.term(t) for t in terms)

    def place(self, unit_id: int, period_code: str) -> str:
        unit = self.units.get(unit_id)
        return f"{unit[1]} ({unit[0]}), {period_label(period_code)}" if unit else period_label(period_code)


def check_seen(resolved: list[Resolved], existing: dict[CellIds, Stored], summary: ImportSummary) -> None:
    """Add a conflict for every input whose stored value is no longer the one the user saw (a preview
    confirmed after someone else changed the figure): it would be overwritten without a word."""
    for row in resolved:
        seen = row.input.seen
        if seen is None:
            continue
        current = existing.get((row.element_id, row.combo_id, row.unit_id, row.period.id))
        now = None if current is None else current.value
        if now != seen.value:
            text = _(
                "giá trị đã thay đổi sau khi xem trước: lúc xem trước là %(seen)s, nay là %(now)s; tệp ghi "
                "%(new)s. Hãy tải tệp lên lại để xem và xác nhận lại."
            ) % {
                "seen": format_number(seen.value),
                "now": format_number(now),
                "new": format_number(row.value),
            }
            summary.conflicts.append(Message(row.input.where, "value", text))
