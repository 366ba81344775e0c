"""The SQL behind each derived rule (treem.register.rules): one aggregate per rule, grouped by commune,
for one period's window. No loop over records in Python: each rule is one query whose rows are
(commune, count) or (commune, band, count).

A rule counts either a stock on the as-of day `window.day` (the period's last day, or today while the
period runs) or a flow over the days `window.start` to `window.day`, both in local calendar days
(Asia/Ho_Chi_Minh): instants (a case's reception, its closure) are compared with local midnights
(treem.core.deadlines.on_local_days), so a case received at 23:30 on 31/12 counts in December on both
databases.

These functions read children's records for counting only, never showing one: they are not a selector
of records and write no access event (the figures they give are aggregates, published through the engine
with small counts suppressed where the engine shows them)."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate

from treem.cases.models import Case, Child, StepRecord
from treem.core.deadlines import local_zone, on_local_days
from treem.indicators.models import DEFAULT_COMBO

from .models import Circumstance, CircumstanceKind, Support, active_between

CHILD_AGE_LIMIT = 16  # Law on Children 2016, art. 1: a child is a person under 16

# cases.closure_time: the bands (combo codes of the category `closure_time`) by the most days they hold.
CLOSURE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("within_30_days", 30),
    ("from_31_to_90_days", 90),
    ("over_90_days", None),
)

# commune id → combo code → count
Counts = dict[int, dict[str, int]]
# the communes counted: their ids, or None for every commune (the whole country in one pass)
Communes = list[int] | None


@dataclass(frozen=True)
class Window:
    """The days a period's figure counts: `start` its first day, `day` its last day or today (the as-of
    day of a stock; the last day of a flow)."""

    start: datetime.date
    day: datetime.date


def _under_16(day: datetime.date) -> Q:
    """Children under 16 on `day` (born after the day 16 years before); a child whose birth is unknown
    counts, as the officer registered it as a child (an estimated birth year decides when there is one)."""
    try:
        cutoff = day.replace(year=day.year - CHILD_AGE_LIMIT)
    except ValueError:  # 29/02 of a year whose 16th year before is not a leap year
        cutoff = day.replace(year=day.year - CHILD_AGE_LIMIT, day=28)
    unknown = Q(date_of_birth__isnull=True) & (
        Q(birth_year_estimate__isnull=True) | Q(birth_year_estimate__gt=day.year - CHILD_AGE_LIMIT)
    )
    return Q(date_of_birth__gt=cutoff) | unknown


def _in(communes: Communes) -> Q:
    """Records of these communes (None: of every commune, with no list for the planner to probe)."""
    return Q() if communes is None else Q(commune_id__in=communes)


def _in_special_circumstances(communes: Communes, day: datetime.date) -> QuerySet[Child]:
    """Children of these communes under 16 on `day` with at least one special circumstance active that
    day. One row per child, however many groups it is in: a child in two groups counts once."""
    special = Circumstance.objects.filter(
        active_between(day, day), child=OuterRef("pk"), kind=CircumstanceKind.SPECIAL
    )
    return Child.objects.filter(_under_16(day), Exists(special), _in(communes))


def _per_commune(rows: QuerySet[Any], combo: str = DEFAULT_COMBO) -> Counts:
    counted = rows.order_by().values("commune_id").annotate(n=Count("pk"))
    return {row["commune_id"]: {combo: row["n"]} for row in counted}


def special_circumstances(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    return _per_commune(_in_special_circumstances(communes, window.day))


def special_circumstances_supported(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    supported = Support.objects.filter(active_between(window.start, window.day), child=OuterRef("pk"))
    return _per_commune(_in_special_circumstances(communes, window.day).filter(Exists(supported)))


def eligible_for_assistance(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    from .eligibility import eligible_q  # written beside this module; read when the rule runs

    return _per_commune(_in_special_circumstances(communes, window.day).filter(eligible_q(window.day)))


def eligible_receiving_assistance(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    from .eligibility import eligible_q, receiving_q

    children = _in_special_circumstances(communes, window.day)
    return _per_commune(children.filter(eligible_q(window.day)).filter(receiving_q(window.day)))


def _harms(params: Mapping[str, Any]) -> Q:
    """Cases with at least one of the harms of `params["harms"]` (none given: every case). `harms` is a JSON
    list of codes; its text holds each code in quotes on both databases (treem.cases.lists does the same)."""
    wanted = Q()
    for harm in params.get("harms") or []:
        wanted |= Q(harms__icontains=f'"{harm}"')
    return wanted


def _notified(communes: Communes, window: Window, params: Mapping[str, Any]) -> QuerySet[Case]:
    received = on_local_days("received_at", window.start, window.day)
    return Case.objects.filter(received, _harms(params), _in(communes))


def cases_notified(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    return _per_commune(_notified(communes, window, params))


def cases_first_intervention_timely(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    """Of the cases notified, those whose first cycle's record of `params["step"]` was made in time."""
    on_time = StepRecord.objects.filter(
        case=OuterRef("pk"), step=params.get("step", "initial_assessment"), cycle=1, is_late=False
    )
    return _per_commune(_notified(communes, window, params).filter(Exists(on_time)))


def cases_open(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    """Cases received by the as-of day and not closed by then."""
    received = on_local_days("received_at", None, window.day)
    still_open = Q(closed_at__isnull=True) | ~on_local_days("closed_at", None, window.day)
    return _per_commune(Case.objects.filter(received, still_open, _in(communes)))


def cases_closure_time(communes: Communes, window: Window, params: Mapping[str, Any]) -> Counts:
    """Cases closed in the window, by local calendar days from reception to closure (CLOSURE_BANDS)."""
    zone = local_zone()
    days = ExpressionWrapper(
        TruncDate("closed_at", tzinfo=zone, output_field=DateField())
        - TruncDate("received_at", tzinfo=zone, output_field=DateField()),
        output_field=DurationField(),
    )
    closed = Case.objects.filter(on_local_days("closed_at", window.start, window.day), _in(communes))
    bands: dict[str, Any] = {}
    lower: int | None = None
    for code, most in CLOSURE_BANDS:
        band = Q()
        if lower is not None:
            band &= Q(days__gt=datetime.timedelta(days=lower))
        if most is not None:
            band &= Q(days__lte=datetime.timedelta(days=most))
        bands[code] = Count("pk", filter=band)
        lower = most
    rows = closed.annotate(days=days).order_by().values("commune_id").annotate(**bands)
    return {row["commune_id"]: {code: row[code] for code, _most in CLOSURE_BANDS} for row in rows}


Rule = Callable[[Communes, Window, Mapping[str, Any]], Counts]

# rule name → (its aggregate, whether it reads the period's first day; a stock read on the as-of day only
# is the same for every period ending that day, so the service counts it once for them)
AGGREGATES: dict[str, tuple[Rule, bool]] = {
    "register.special_circumstances": (special_circumstances, False),
    "register.special_circumstances_supported": (special_circumstances_supported, True),
    "register.eligible_for_assistance": (eligible_for_assistance, False),
    "register.eligible_receiving_assistance": (eligible_receiving_assistance, False),
    "cases.notified": (cases_notified, True),
    "cases.first_intervention_timely": (cases_first_intervention_timely, True),
    "cases.open": (cases_open, False),
    "cases.closure_time": (cases_closure_time, True),
}


# --- several rules in one query ----------------------------------------------------------------------------
# The service asks for every (rule, params, window) a run needs at once (`count_needs`). Rules reading the
# same rows are then counted together, each a COUNT(…) FILTER (WHERE …) of one GROUP BY commune (a CASE
# inside COUNT on SQLite): the four register rules of an as-of day read the same children in special
# circumstances (one query per day instead of four or more, the supported flow once per window start), and
# the notified and timely flows of a window read the same cases. The per-rule functions above stay the
# definition; the tests check both give the same counts.


@dataclass(frozen=True)
class Need:
    """One count the service needs: a rule, its params (JSON, keys sorted), the window's first day (None
    for a rule reading the as-of day only: the same count serves every period ending that day)."""

    rule: str
    params: str
    start: datetime.date | None
    day: datetime.date

    def window(self) -> Window:
        return Window(self.start or self.day, self.day)


SPECIAL = "register.special_circumstances"
SUPPORTED = "register.special_circumstances_supported"
ELIGIBLE = "register.eligible_for_assistance"
RECEIVING = "register.eligible_receiving_assistance"
NOTIFIED = "cases.notified"
TIMELY = "cases.first_intervention_timely"


def _rows(rows: QuerySet[Any], columns: Mapping[Need, str]) -> dict[Need, Counts]:
    found: dict[Need, Counts] = {need: {} for need in columns}
    for row in rows:
        for need, column in columns.items():
            found[need][row["commune_id"]] = {DEFAULT_COMBO: row[column]}
    return found


def _register_of_day(communes: Communes, day: datetime.date, needs: list[Need]) -> dict[Need, Counts]:
    """The register rules of one as-of day: one query, whatever periods end that day."""
    from .eligibility import eligible_q, receiving_q

    eligible = eligible_q(day)
    if eligible == Q(pk__in=[]):  # no rule in force: nobody eligible (an empty IN cannot be a FILTER)
        eligible = Q(pk__isnull=True)
    columns: dict[Need, str] = {}
    counts: dict[str, Any] = {}
    for number, need in enumerate(needs):
        column = f"n{number}"
        columns[need] = column
        if need.rule == SPECIAL:
            counts[column] = Count("pk")
        elif need.rule == ELIGIBLE:
            counts[column] = Count("pk", filter=eligible)
        elif need.rule == RECEIVING:
            # receiving first: the few receiving are then checked for eligibility, not every child
            counts[column] = Count("pk", filter=receiving_q(day) & eligible)
        else:  # SUPPORTED
            window = need.window()
            supported = Support.objects.filter(active_between(window.start, window.day), child=OuterRef("pk"))
            counts[column] = Count("pk", filter=Q(Exists(supported)))
    rows = _in_special_circumstances(communes, day).order_by().values("commune_id").annotate(**counts)
    return _rows(rows, columns)


def _case_flows(communes: Communes, needs: list[Need]) -> dict[Need, Counts]:
    """The notified and timely flows of one window and one set of harms: one query over the cases."""
    window = needs[0].window()
    columns: dict[Need, str] = {}
    counts: dict[str, Any] = {}
    for number, need in enumerate(needs):
        column = f"n{number}"
        columns[need] = column
        if need.rule == NOTIFIED:
            counts[column] = Count("pk")
        else:  # TIMELY
            params = json.loads(need.params)
            on_time = StepRecord.objects.filter(
                case=OuterRef("pk"), step=params.get("step", "initial_assessment"), cycle=1, is_late=False
            )
            counts[column] = Count("pk", filter=Q(Exists(on_time)))
    notified = _notified(communes, window, json.loads(needs[0].params))
    return _rows(notified.order_by().values("commune_id").annotate(**counts), columns)


def count_needs(communes: Communes, needs: Iterable[Need]) -> dict[Need, Counts]:
    """Every need counted over these communes, rules reading the same rows in one query each."""
    found: dict[Need, Counts] = {}
    register: dict[datetime.date, list[Need]] = defaultdict(list)
    flows: dict[tuple[datetime.date | None, datetime.date, str], list[Need]] = defaultdict(list)
    for need in sorted(set(needs), key=lambda n: (n.rule, n.params, n.start or n.day, n.day)):
        if need.rule in (SPECIAL, SUPPORTED, ELIGIBLE, RECEIVING):
            register[need.day].append(need)
        elif need.rule in (NOTIFIED, TIMELY):
            harms = json.dumps(json.loads(need.params).get("harms") or [], sort_keys=True)
            flows[(need.start, need.day, harms)].append(need)
        else:
            aggregate, _reads_start = AGGREGATES[need.rule]
            found[need] = aggregate(communes, need.window(), json.loads(need.params))
    for day, of_day in register.items():
        found.update(_register_of_day(communes, day, of_day))
    for of_window in flows.values():
        found.update(_case_flows(communes, of_window))
    return found
