"""The checks of a write against what is stored: rules between elements over the stored values overlaid with
the new ones, and values that changed since the user saw them (a confirmed preview).

Messages name the figures in words (the data elements' names and disaggregations), write numbers the
user's way (`core.formatting`) and operators in words (`core.comparisons`): never `#{CODE}` formulas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from treem.core import comparisons
from treem.core.formatting import format_number
from treem.core.periods import period_label
from treem.units.models import AdministrativeUnit

from . import conflict_codes as codes
from . import validation
from .expressions import Term
from .models import DEFAULT_COMBO, CategoryOptionCombo, DataElement
from .value_inputs import CellIds, ImportSummary, Message, Resolved, Stored, conflict

# Whether a broken rule must go unsaid for a cell: the writer may not learn the derived counts it compares.
HiddenRule = Callable[[validation.Cell, validation.Rule], bool]

# atomicMode NONE: inputs breaking a rule are left out and the rest checked again, at most this many times
# (leaving some out can break another rule); then every input left in a cell still breaking one is left out.
RULE_ROUNDS = 5


def check_rules(
    resolved: list[Resolved],
    rules: list[validation.Rule],
    summary: ImportSummary,
    *,
    atomic: bool = True,
    hidden: HiddenRule | None = None,
) -> set[int]:
    """Add a conflict for every rule (`validation.all_rules()`) the stored values, overlaid with `resolved`,
    would break; return the positions (in `resolved`) of the inputs left out.

    `atomic`: one pass naming every broken rule (nothing is written anyway). Otherwise the inputs a broken
    rule involves (its elements' inputs in that unit and period) are left out and the rest checked again,
    so what is written breaks no rule that was kept before.

    `hidden`: the (cell, rule) pairs not checked at all, so that neither a message nor a yes/no answer tells
    the writer a figure the small-count rule hides from them (datavalues.hidden_rules)."""
    # Cells by unit id: one code is two units after the 2025 reform (see validation.stored_values).
    by_cell: dict[validation.Cell, list[int]] = defaultdict(list)
    for position, row in enumerate(resolved):
        by_cell[_cell(row)].append(position)
    stored = validation.stored_values(set(by_cell))
    left_out: set[int] = set()
    dirty = set(by_cell)  # the cells to check: at first all, then those where inputs were left out
    for round_ in range(1 if atomic else RULE_ROUNDS + 1):
        kept = [i for cell in dirty for i in by_cell[cell] if i not in left_out]
        broken = _broken(resolved, kept, stored, rules, copy=not atomic, hidden=hidden)
        if not broken:
            break
        last = round_ == RULE_ROUNDS
        dirty = set()
        names = _Names([(cell, rule) for cell, rule, *_rest in broken])
        for cell, rule, left, right, involved in broken:
            if not involved and round_:
                continue  # broken by the stored values alone: named once, in the first pass
            if last:
                involved = [i for i in by_cell[cell] if i not in left_out]
            rows = [resolved[i] for i in involved]
            summary.conflicts.append(_message(rule, left, right, cell, rows, names))
            left_out.update(involved)
            if involved:
                dirty.add(cell)
        if not dirty:
            break
    return left_out


def _cell(row: Resolved) -> validation.Cell:
    return (row.unit_id, row.input.period)


Broken = list[tuple[validation.Cell, validation.Rule, Decimal, Decimal, list[int]]]


def _broken(
    resolved: list[Resolved],
    kept: list[int],
    stored: dict[validation.Cell, validation.CellValues],
    rules: list[validation.Rule],
    *,
    copy: bool,
    hidden: HiddenRule | None = None,
) -> Broken:
    """(cell, rule, left, right, positions of the inputs of the rule's elements in the cell) for every rule
    the stored values overlaid with the kept inputs break. `copy=False` overlays `stored` itself (one pass)."""
    values: dict[validation.Cell, validation.CellValues] = {}
    inputs: dict[validation.Cell, list[int]] = defaultdict(list)
    for i in kept:
        row = resolved[i]
        cell = _cell(row)
        if cell not in values:
            values[cell] = (
                defaultdict(dict, {e: dict(c) for e, c in stored[cell].items()}) if copy else stored[cell]
            )
        combo = row.input.combo or DEFAULT_COMBO
        if row.annotates:
            continue  # a comment on the stored value leaves the figures as they are
        if row.value is None:
            values[cell][row.input.element].pop(combo, None)
        else:
            values[cell][row.input.element][combo] = row.value
        inputs[cell].append(i)
    found: Broken = []
    for cell, problems in validation.rule_violations(values, rules).items():
        for rule, left, right in problems:
            if hidden is not None and hidden(cell, rule):
                continue
            involved = [i for i in inputs[cell] if resolved[i].input.element in rule.elements]
            found.append((cell, rule, left, right, involved))
    return found


def _message(
    rule: validation.Rule,
    left: Decimal,
    right: Decimal,
    cell: validation.Cell,
    rows: list[Resolved],
    names: _Names,
) -> Message:
    place = names.place(*cell)
    # Where the first of the rule's elements (by code) that the write gives came from, as before.
    sources = {row.input.element: row.input.where for row in rows}
    where = next((sources[e] for e in sorted(rule.elements) if sources.get(e)), "")
    text = _(
        "%(rule)s: %(left)s là %(left_value)s, phải %(operator)s %(right)s là %(right_value)s (%(place)s)"
    ) % {
        "rule": rule.message,
        "left": names.side(rule.terms[0]),
        "left_value": format_number(left),
        "operator": comparisons.words(rule.operator),
        "right": names.side(rule.terms[1]),
        "right_value": format_number(right),
        "place": place,
    }
    indexes = sorted({row.input.index for row in rows if row.input.index is not None})
    return Message(where or place, "value", text, rule.code, codes.RULE_BROKEN, indexes)


class _Names:
    """The names of the elements, combos and units a list of broken rules mentions (looked up only when a
    rule is broken)."""

    def __init__(self, broken: list[tuple[validation.Cell, validation.Rule]]) -> None:
        rules = [rule for _cell, rule in broken]
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
                pk__in={unit for (unit, _period), _rule in broken}
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


def check_seen(resolved: list[Resolved], existing: dict[CellIds, Stored], summary: ImportSummary) -> set[int]:
    """Add a conflict for every input whose stored value is no longer the one the user saw (a preview
    confirmed after someone else changed the figure): it would be overwritten without a word. Returns the
    positions (in `resolved`) of those inputs."""
    changed: set[int] = set()
    for position, row in enumerate(resolved):
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
            item = row.input
            summary.conflicts.append(
                conflict(item, "value", text, object=item.element, code=codes.CHANGED_SINCE_PREVIEW)
            )
            changed.add(position)
    return changed
