"""Which of a consolidated report's values are not published (treem.indicators.disclosure).

A report leaves the application, so it is written for readers outside case management, whoever builds it:
a value computed from a derived count of 1 … TREEM_SMALL_COUNT − 1 children is "Không công bố" in the
results, the sentences and the annex; among the districts of the annex a lone hidden value gets a second
one hidden with it, since the province's value is published (as the dashboard's drill-down does), and a
count that adds up over time is hidden with the periods of its year too (as the dashboard hides it).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treem.indicators.disclosure import (
    Derivations,
    DerivedMark,
    Shown,
    shown,
    shown_among,
    shown_rows,
    small_count_threshold,
)
from treem.plans.evaluation import Evaluation, evaluate
from treem.plans.models import Indicator
from treem.units.models import AdministrativeUnit

HIDDEN = gettext_lazy("Không công bố")

Hidden = tuple[bool, bool]  # (this period's value, the same period a year before)
NOT_HIDDEN: Hidden = (False, False)


class Withheld:
    """The report's derived elements, read once, for the period and the year before. A count that adds up
    over time (year = S1 + S2 = Q1 + … + Q4) is also hidden when the other periods of its year would give
    it back (indicators.disclosure.shown_among): the province alone, and the districts of the annex, are
    then evaluated in each period of the year (seven evaluate() calls more, once per report)."""

    def __init__(self, indicators: list[Indicator], period: str, previous: str) -> None:
        self.derivations = Derivations(indicators)
        self.marks: dict[int, DerivedMark] = self.derivations.marks(period)
        self.previous_marks: dict[int, DerivedMark] = self.derivations.marks(previous)
        self.indicators = indicators
        self.period, self.previous = period, previous
        self._over_year: dict[tuple[str, tuple[int, ...]], dict[Any, dict[str, Shown]]] = {}

    def of(self, ev: Evaluation, before: Evaluation | None) -> Hidden:
        pk = ev.indicator.pk
        return (
            shown(ev, self.marks.get(pk), exact=False).value_hidden
            or self._hidden_over_year(self.period, [ev.unit], ev),
            before is not None
            and (
                shown(before, self.previous_marks.get(pk), exact=False).value_hidden
                or self._hidden_over_year(self.previous, [before.unit], before)
            ),
        )

    def in_annex(self, indicators: list[Indicator], results: list[Evaluation]) -> set[tuple[int, int]]:
        """(unit pk, indicator pk) of the districts' hidden values, complementary hiding included."""
        hidden = set()
        units = list({ev.unit.pk: ev.unit for ev in results}.values())
        for ind in indicators:
            column = [ev for ev in results if ev.indicator.pk == ind.pk]
            for ev, figures in zip(
                column, shown_rows(column, self.marks.get(ind.pk), exact=False), strict=True
            ):
                if figures.value_hidden or self._hidden_over_year(self.period, units, ev):
                    hidden.add((ev.unit.pk, ind.pk))
        return hidden

    def _hidden_over_year(self, period: str, units: list[AdministrativeUnit], ev: Evaluation) -> bool:
        """Whether `ev` (one of `units`, one parent's or the province alone) is hidden by the periods of
        its year; one set of evaluations per period and units, for every indicator that adds up."""
        marks = self.marks if period == self.period else self.previous_marks
        if ev.indicator.pk not in marks or not any(self.derivations.sums(ev.indicator.pk)):
            return False
        key = (period, tuple(unit.pk for unit in units))
        if key not in self._over_year:
            flows = [ind for ind in self.indicators if ind.pk in marks and any(self.derivations.sums(ind.pk))]
            plan = ev.indicator.plan
            self._over_year[key] = shown_among(
                period, flows, self.derivations, partial(evaluate, plan, units=units, indicators=flows)
            )
        figures = self._over_year[key].get(ev.indicator.pk, {}).get(ev.unit.path)
        return figures is not None and figures.value_hidden


def hidden_sentence(words: dict[str, str]) -> str:
    """The sentence of an indicator whose value is not published: why, and the verdict alone."""
    words = {**words, "small": str(small_count_threshold())}
    return (
        _(
            "%(what)s %(when)s: không công bố vì tính từ số đếm nhỏ (dưới %(small)s) trong hồ sơ trẻ em; "
            "%(verdict)s (%(plan)s)."
        )
        % words
    )


def not_compared(when: str) -> str:
    return _("không so sánh với %(when)s (số liệu kỳ đó không công bố)") % {"when": when}
