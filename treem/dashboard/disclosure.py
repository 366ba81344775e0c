"""Figures counted from children's records, as the dashboard shows them.

The rule itself (which counts are derived, who sees them exactly, which are hidden and which hidden with
them) lives in treem.indicators.disclosure, shared with the evaluations API, the consolidated reports and
the DHIS2 export; this module gives the dashboard its names for it:

- **Marked.** An indicator whose numerator or denominator uses a derived element (DataElement.derived_rule,
  for periods from its `derived_since`) is marked "Tự động từ hồ sơ" (`Derivations`, `DerivedMark`).
- **Small counts hidden.** Outside case management (`exact_counts` false) a derived count from 1 to
  TREEM_SMALL_COUNT − 1 is shown as "< 5", the rate from it hidden (`shown`); in a drill-down whose total
  is shown a lone hidden row gets a second one hidden with it (`shown_rows`). Zero stays 0.

Nothing here changes a number: `Shown` only decides which of an evaluation's numbers leave the server.
"""

from __future__ import annotations

from dataclasses import replace

from treem.indicators.disclosure import (
    Derivations,
    DerivedMark,
    Shown,
    exact_counts,
    shown,
    shown_among,
    shown_rows,
    small_count_label,
)
from treem.plans.evaluation import Evaluation

__all__ = [
    "Derivations",
    "DerivedMark",
    "Shown",
    "exact_counts",
    "hidden_evaluation",
    "shown",
    "shown_among",
    "shown_rows",
    "small_count_label",
]


def hidden_evaluation(evaluation: Evaluation, figures: Shown) -> Evaluation:
    """A copy of the evaluation carrying only the shown numbers (for charts, which read evaluations)."""
    return replace(
        evaluation, numerator=figures.numerator, denominator=figures.denominator, value=figures.value
    )
