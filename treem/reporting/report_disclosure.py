"""Which of a consolidated report's values are not published (treem.indicators.disclosure).

A report leaves the application, so it is written for readers outside case management, whoever builds it:
a value computed from a derived count of 1 … TREEM_SMALL_COUNT − 1 children is "Không công bố" in the
results, the sentences and the annex; among the districts of the annex a lone hidden value gets a second
one hidden with it, since the province's value is published (as the dashboard's drill-down does).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treem.indicators.disclosure import Derivations, DerivedMark, shown, shown_rows, small_count_threshold
from treem.plans.evaluation import Evaluation
from treem.plans.models import Indicator

HIDDEN = gettext_lazy("Không công bố")

Hidden = tuple[bool, bool]  # (this period's value, the same period a year before)
NOT_HIDDEN: Hidden = (False, False)


class Withheld:
    """The report's derived elements, read once, for the period and the year before."""

    def __init__(self, indicators: list[Indicator], period: str, previous: str) -> None:
        derivations = Derivations(indicators)
        self.marks: dict[int, DerivedMark] = derivations.marks(period)
        self.previous_marks: dict[int, DerivedMark] = derivations.marks(previous)

    def of(self, ev: Evaluation, before: Evaluation | None) -> Hidden:
        pk = ev.indicator.pk
        return (
            shown(ev, self.marks.get(pk), exact=False).value_hidden,
            before is not None and shown(before, self.previous_marks.get(pk), exact=False).value_hidden,
        )

    def in_annex(self, indicators: list[Indicator], results: list[Evaluation]) -> set[tuple[int, int]]:
        """(unit pk, indicator pk) of the districts' hidden values, complementary hiding included."""
        hidden = set()
        for ind in indicators:
            column = [ev for ev in results if ev.indicator.pk == ind.pk]
            for ev, figures in zip(
                column, shown_rows(column, self.marks.get(ind.pk), exact=False), strict=True
            ):
                if figures.value_hidden:
                    hidden.add((ev.unit.pk, ind.pk))
        return hidden


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
