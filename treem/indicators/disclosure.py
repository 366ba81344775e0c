"""Which figures counted from children's records leave the server exactly, for whom: the one home of the
small-count rule for every output of figures (dashboard, evaluations API, consolidated reports, DHIS2 export).

- **Derived.** A data element with a `derived_rule` is counted from the child register and the case records
  for periods starting on or after its `derived_since` (`DataElement.is_derived_for`); before that day its
  figures were typed. Typed figures are never hidden, whatever their size.
- **Exact for whom.** A reader sees derived counts exactly for a unit inside the scope's `case_path` once
  its session has passed the second factor (or through an API token made after it, as
  accounts.otp.CaseFactorVerified accepts): the case roles see those children's records anyway. Everyone
  else (leaders, coordinators, agency reporters, the national role, a case role without the factor or
  outside its area), and every document that leaves the application (a consolidated report), is
  "outside case management".
- **Small counts hidden.** Outside case management a derived count from 1 to TREEM_SMALL_COUNT − 1 is
  hidden ("< 5" where a page shows counts, left out of a DHIS2 export); 0 stays 0. A rate computed from a
  hidden count is hidden too (rate × denominator / factor gives the count back). Among rows that split a
  shown total (the communes of a district, the categories of an element), a lone hidden row gets the
  smallest other non-zero one hidden with it (`complemented`), so a subtraction does not give it back.
- **Over the periods of a year.** A derived element that adds up over time (aggregation `sum`: a flow such
  as CASES_NOTIFIED) is written for the year, its halves and its quarters, so year = S1 + S2 = Q1 + … + Q4:
  for it the periods of a year are groups too (`period_groups`), joined with the units and categories and
  iterated to stability (`withheld`) over the whole year, whichever period a request names, so that asking
  one period at a time gives nothing more. A stock (aggregation `last`) does not add up: no period groups.
  The periods' groups are in `disclosure_periods`; `shown_among` applies them to indicators.

Nothing here changes a stored number: these functions only decide which numbers an output carries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from treem.accounts.otp import is_verified, token_after_factor
from treem.accounts.policy import scope_of
from treem.core.formatting import format_date
from treem.core.periods import period_dates
from treem.units import geometry
from treem.units.scope import Scope

from .disclosure_periods import across_periods, adds_up, year_tree
from .expressions import parse
from .models import DataElement

DEFAULT_SMALL_COUNT = 5
SUPPRESSED = None  # a hidden count in a mapping of counts (as treem.cases.selectors has it)

K = TypeVar("K")  # keys of counts: comparable (ints, unit paths, tuples of them)


def small_count_threshold() -> int:
    """Counts below this are hidden outside case management (settings.TREEM_SMALL_COUNT, default 5)."""
    return int(getattr(settings, "TREEM_SMALL_COUNT", DEFAULT_SMALL_COUNT))


def small_count_label() -> str:
    return f"< {small_count_threshold()}"


def is_small(count: Decimal | int | None) -> bool:
    """1 … TREEM_SMALL_COUNT − 1: a count that could single out a child (0 and None are not)."""
    return count is not None and 0 < count < small_count_threshold()


def complemented(shown: Mapping[K, int | None]) -> dict[K, int | None]:
    """Counts that split a known whole, with exactly one of them hidden (SUPPRESSED): the smallest other
    non-zero count is hidden too, so that no subtraction gives the hidden one back. Between equal counts the
    smallest key goes (keys in unit path order), so every output picks the same unit."""
    hidden = [key for key, n in shown.items() if n is SUPPRESSED]
    visible = [(n, key) for key, n in shown.items() if n]
    if len(hidden) != 1 or not visible:
        return dict(shown)
    return {**shown, min(visible)[1]: SUPPRESSED}


def withheld(counts: Mapping[K, int], groups: Iterable[Iterable[K]]) -> set[K]:
    """The keys of `counts` hidden outside case management: the small ones, then, in each group of keys
    that splits a shown whole, the complement of a lone hidden one; repeated until no group changes
    (hiding in one group can leave a lone hidden key in another)."""
    hidden = {key for key, n in counts.items() if is_small(n)}
    members = [[key for key in group if key in counts] for group in groups]
    changed = bool(hidden)
    while changed:
        changed = False
        for group in members:
            shown = {key: (SUPPRESSED if key in hidden else counts[key]) for key in group}
            for key, n in complemented(shown).items():
                if n is SUPPRESSED and key not in hidden:
                    hidden.add(key)
                    changed = True
    return hidden


# --- the reader -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who the figures are for: exact derived counts under `case_path` when `verified`, else hidden.
    `Reader.public()` is everyone outside case management (and every document sent out)."""

    case_path: str | None = None
    verified: bool = False

    @classmethod
    def public(cls) -> Reader:
        return cls()

    @classmethod
    def of(cls, scope: Scope, user: Any) -> Reader:
        """A page's reader: the scope's case area, verified when the session passed the second factor."""
        return cls(scope.case_path, is_verified(user))

    @classmethod
    def of_request(cls, request: Any) -> Reader:
        """An API request's reader: a session verified by the second factor, or a token made after it was
        set up (the rule of accounts.otp.CaseFactorVerified)."""
        scope = scope_of(request)
        if scope.case_path is None:
            return cls()
        auth = getattr(request, "auth", None)
        if isinstance(auth, Token):
            return cls(scope.case_path, token_after_factor(auth))
        return cls(scope.case_path, is_verified(getattr(request, "user", None)))

    def exact(self, unit_path: str) -> bool:
        """Whether derived counts of the unit at `unit_path` reach this reader exactly."""
        return self.verified and self.case_path is not None and geometry.is_within(unit_path, self.case_path)


def exact_counts(scope: Scope, user: Any, unit: Any) -> bool:
    """Whether the viewer works on this unit's cases in a verified session (then counts are exact), as
    the case dashboard decides (treem.cases.views_dashboard)."""
    return Reader.of(scope, user).exact(unit.path)


# --- derived elements in a period ---------------------------------------------------------------------


def derived_between(element: DataElement, start: datetime.date, end: datetime.date) -> bool | None:
    """True: derived for the whole period; False: for part of it (from a day inside); None: typed."""
    if element.is_derived_for(start):
        return True
    if element.derived_rule and element.derived_since is not None and element.derived_since <= end:
        return False
    return None


@dataclass(frozen=True)
class DerivedMark:
    """Which counts of an indicator are computed from records in a period. `partial`: the elements are
    derived from a day inside the period (a year whose second half is derived): part of it was typed."""

    elements: tuple[DataElement, ...]
    numerator: bool
    denominator: bool
    partial: bool

    @property
    def label(self) -> str:
        return _("Một phần tự động từ hồ sơ") if self.partial else _("Tự động từ hồ sơ")

    @property
    def explanation(self) -> str:
        names = "; ".join(f"{e.code} ({e.name})" for e in self.elements)
        since = format_date(min(e.derived_since for e in self.elements if e.derived_since))
        text = _(
            "%(elements)s: tính từ sổ theo dõi trẻ em và hồ sơ trường hợp, không nhập tay (các kỳ từ ngày "
            "%(since)s)."
        ) % {"elements": names, "since": since}
        if self.partial:
            text += " " + _("Phần của kỳ trước ngày đó là số liệu đã nhập.")
        return text


class Ratio(Protocol):
    """An indicator as the engine sees it (plans.Indicator): a key and two expressions over elements."""

    pk: Any
    numerator: str
    denominator: str


class Derivations:
    """The derived elements that a list of indicators counts, read once (one query), to mark them in any
    number of periods."""

    def __init__(self, indicators: Iterable[Ratio]) -> None:
        self.terms = {
            ind.pk: ({t.element for t in parse(ind.numerator)}, {t.element for t in parse(ind.denominator)})
            for ind in indicators
        }
        codes = {code for num, den in self.terms.values() for code in num | den}
        self.elements = {
            e.code: e for e in DataElement.objects.filter(code__in=codes).exclude(derived_rule="")
        }

    def marks(self, period_code: str) -> dict[Any, DerivedMark]:
        """The mark of each indicator (by pk) that counts a derived element in the period."""
        _kind, start, end = period_dates(period_code)
        derived = {
            code: (e, whole)
            for code, e in self.elements.items()
            if (whole := derived_between(e, start, end)) is not None
        }
        marks = {}
        for pk, (num, den) in self.terms.items():
            found = [derived[code] for code in sorted(num | den) if code in derived]
            if found:
                marks[pk] = DerivedMark(
                    elements=tuple(e for e, _whole in found),
                    numerator=any(code in derived for code in num),
                    denominator=any(code in derived for code in den),
                    partial=not all(whole for _e, whole in found),
                )
        return marks

    def sums(self, pk: Any) -> tuple[bool, bool]:
        """Whether the indicator's numerator, denominator count a derived element that adds up over the
        periods of a year (`adds_up`): then those periods are groups for it too."""
        num, den = self.terms[pk]
        return (
            any(code in self.elements and adds_up(self.elements[code]) for code in num),
            any(code in self.elements and adds_up(self.elements[code]) for code in den),
        )


# --- an indicator's numbers as an output may carry them -------------------------------------------------


class Figures(Protocol):
    """A ratio's numbers (plans.evaluation.Evaluation)."""

    @property
    def numerator(self) -> Decimal | None: ...
    @property
    def denominator(self) -> Decimal | None: ...
    @property
    def value(self) -> Decimal | None: ...


@dataclass(frozen=True)
class Shown:
    """A ratio's numbers as an output may carry them: a hidden one is None with its flag set."""

    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    numerator_hidden: bool = False
    denominator_hidden: bool = False

    @property
    def value_hidden(self) -> bool:
        return self.numerator_hidden or self.denominator_hidden

    @property
    def hidden_fields(self) -> list[str]:
        """The names of the hidden numbers, in the order an evaluation lists them."""
        flags = (self.numerator_hidden, self.denominator_hidden, self.value_hidden)
        return [
            name for name, hidden in zip(("numerator", "denominator", "value"), flags, strict=True) if hidden
        ]

    def hiding(self, *, numerator: bool = False, denominator: bool = False) -> Shown:
        hide_num = self.numerator_hidden or numerator
        hide_den = self.denominator_hidden or denominator
        return Shown(
            None if hide_num else self.numerator,
            None if hide_den else self.denominator,
            None if hide_num or hide_den else self.value,
            hide_num,
            hide_den,
        )


def shown(figures: Figures, mark: DerivedMark | None, exact: bool) -> Shown:
    """The numbers, small derived counts (and the rate from them) hidden unless `exact`."""
    numbers = Shown(figures.numerator, figures.denominator, figures.value)
    if exact or mark is None:
        return numbers
    return numbers.hiding(
        numerator=mark.numerator and is_small(figures.numerator),
        denominator=mark.denominator and is_small(figures.denominator),
    )


def shown_rows(rows: Sequence[Figures], mark: DerivedMark | None, exact: bool) -> list[Shown]:
    """Rows whose total is shown (a unit's children): each row as `shown`, then in each derived column a
    lone hidden count gets the smallest other non-zero one hidden with it."""
    result = [shown(row, mark, exact) for row in rows]
    if exact or mark is None:
        return result
    for column in ("numerator", "denominator"):
        if not getattr(mark, column):
            continue
        cells: dict[int, int | None] = {
            i: (SUPPRESSED if getattr(numbers, f"{column}_hidden") else _whole(getattr(row, column)))
            for i, (numbers, row) in enumerate(zip(result, rows, strict=True))
        }
        for i, count in complemented(cells).items():
            if count is SUPPRESSED:
                result[i] = result[i].hiding(**{column: True})
    return result


def _whole(count: Decimal | None) -> int:
    return int(count) if count is not None else 0


class Evaluated(Figures, Protocol):
    """A ratio's numbers for a unit (plans.evaluation.Evaluation)."""

    @property
    def unit(self) -> Any: ...
    @property
    def indicator(self) -> Any: ...


def shown_among(
    period_code: str,
    indicators: Sequence[Ratio],
    derivations: Derivations,
    evaluate_in: Callable[[str], Iterable[Evaluated]],
) -> dict[Any, dict[str, Shown]]:
    """The numbers of one parent's units (or of a unit without a parent, alone) in `period_code` as an
    output outside case management shows them, by indicator pk and unit path. `evaluate_in(code)`
    evaluates the indicators for those units in a period: called for the asked period, and for every
    period of its year (`year_tree`) when a column adds up over time, so that the hiding is the same
    whichever period is asked (one evaluation per period of the year: seven)."""
    over_year = any(any(derivations.sums(ind.pk)) for ind in indicators)
    codes = year_tree(period_code) if over_year else [period_code]
    rows: dict[Any, dict[str, dict[str, Figures]]] = defaultdict(lambda: defaultdict(dict))
    for code in codes:
        for ev in evaluate_in(code):
            rows[ev.indicator.pk][code][ev.unit.path] = ev
    marks = {code: derivations.marks(code) for code in codes}
    return {
        ind.pk: shown_over_year(
            period_code,
            rows[ind.pk],
            {code: marks[code].get(ind.pk) for code in codes},
            derivations.sums(ind.pk),
        )
        for ind in indicators
    }


def shown_over_year(
    period_code: str,
    rows: Mapping[str, Mapping[str, Figures]],
    marks: Mapping[str, DerivedMark | None],
    sums: tuple[bool, bool],
) -> dict[str, Shown]:
    """`rows`: period code → unit path → numbers, for one parent's units (whose total is shown). The
    numbers in `period_code` as `shown_rows` shows them, and in a column that adds up over time (`sums`),
    also hiding what the other periods of the year would give back: the counts of every period are keys,
    grouped by period among the units and by unit among the periods (`period_groups`), then `withheld`."""
    current = rows.get(period_code, {})
    result = {path: shown(figures, marks.get(period_code), exact=False) for path, figures in current.items()}
    for column, adds in zip(("numerator", "denominator"), sums, strict=True):
        counts: dict[tuple[str, str], int] = {}
        for code, by_unit in rows.items():
            mark = marks.get(code)
            if mark is None or not getattr(mark, column) or (code != period_code and not adds):
                continue
            for path, figures in by_unit.items():
                counts[(path, code)] = _whole(getattr(figures, column))
        among_units: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in sorted(counts):  # paths first: between equal counts the first unit goes
            among_units[key[1]].append(key)
        groups = list(among_units.values())
        if adds:
            groups += across_periods(counts, lambda key: key[1], lambda key: key[0])
        hidden = withheld(counts, groups)
        for path in result:
            if (path, period_code) in hidden:
                result[path] = result[path].hiding(**{column: True})
    return result
