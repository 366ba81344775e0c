"""The board's reads at national scale (≈1,600 bodies × 5 rounds): rows as tuples, model instances built
only for the bodies and submissions shown, a scope that sees some bodies filtered in SQL, and timeliness
worked out once per round. Used by `selectors.board`; the rules are those of `selectors.sees_body` and
`timeliness.timeliness`, which stay the reference (tests compare them)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from treem.accounts.policy import Scope
from treem.core.sql import Epoch
from treem.plans.models import Milestone
from treem.units import geometry
from treem.units.models import Agency, AgencyKind

from .models import ReportingRound, Submission

AGENCY_FIELDS = tuple(f.attname for f in Agency._meta.concrete_fields)


def visible_bodies(scope: Scope) -> frozenset[int] | None:
    """The bodies whose submissions the scope reads (None: every body: the province-wide and national
    roles); `selectors.sees_body` asks it for one body, the board filters by it in SQL."""
    if not scope.has_access:
        return frozenset()
    return None if scope.agency_ids is None else scope.agency_ids | scope.reports_for


def owing_bodies(
    rounds: list[ReportingRound],
    visible: frozenset[int] | None,
    *,
    during: tuple[datetime.date, datetime.date] | None = None,
) -> tuple[dict[int, Agency], dict[int, set[int]]]:
    """The bodies seen that owe any of the rounds (by id), and the ids owing each milestone: the
    reporters, a group's members each; with `during` (the plan's year), only bodies that existed then
    (a group stands for its members: its own dates do not matter). Two queries: the reporters, the
    groups' members."""
    reporters = Milestone.reporters.through.objects.filter(milestone_id__in={r.milestone_id for r in rounds})
    reporter_rows = list(
        reporters.order_by().values_list("milestone_id", *(f"agency__{name}" for name in AGENCY_FIELDS))
    )
    kind = AGENCY_FIELDS.index("kind") + 1
    groups = {row[1] for row in reporter_rows if row[kind] == AgencyKind.GROUP}
    members_of: dict[int, list[int]] = {pk: [] for pk in groups}
    bodies: dict[int, Agency] = {}
    members = Agency.members.through.objects.filter(from_agency_id__in=groups)
    if visible is not None:
        members = members.filter(to_agency_id__in=visible)
    if during is not None:
        members = members.filter(geometry.existing_during_q(*during, prefix="to_agency__"))
    start, end = AGENCY_FIELDS.index("valid_from"), AGENCY_FIELDS.index("valid_to")
    for group_id, *values in members.order_by().values_list(
        "from_agency_id", *(f"to_agency__{name}" for name in AGENCY_FIELDS)
    ):
        members_of[group_id].append(values[0])
        if values[0] not in bodies:
            bodies[values[0]] = Agency.from_db(members.db, AGENCY_FIELDS, values)
    owed: dict[int, set[int]] = {r.milestone_id: set() for r in rounds}
    for milestone_id, *values in reporter_rows:
        if values[0] in groups:
            owed[milestone_id].update(members_of[values[0]])
        elif (visible is None or values[0] in visible) and (
            during is None or geometry.exists_during(values[start], values[end], *during)
        ):
            owed[milestone_id].add(values[0])
            if values[0] not in bodies:
                bodies[values[0]] = Agency.from_db(reporters.db, AGENCY_FIELDS, values)
    return bodies, owed


@dataclass(frozen=True)
class SubmissionCell:
    """What the board reads of a submission. Plain tuples, not model instances: building thousands of
    instances was most of a national board's time (docs/benchmarks.md)."""

    pk: int
    state: str
    first_epoch: float | None  # the first hand-in, seconds since the epoch (core.sql.Epoch)

    @property
    def id(self) -> int:
        return self.pk

    @property
    def first_submitted_at(self) -> datetime.datetime | None:
        if self.first_epoch is None:
            return None
        return datetime.datetime.fromtimestamp(self.first_epoch, datetime.UTC)


def submissions_at(
    rounds: list[ReportingRound], visible: frozenset[int] | None
) -> dict[tuple[int, int], SubmissionCell]:
    """The submissions of the bodies seen at the rounds, by (round id, agency id): one query."""
    found = Submission.objects.filter(round_id__in=[r.pk for r in rounds]).order_by()
    if visible is not None:
        found = found.filter(agency_id__in=visible)
    return {
        (round_id, agency_id): SubmissionCell(pk, state, first)
        for pk, round_id, agency_id, state, first in found.annotate(
            first_epoch=Epoch("first_submitted_at")
        ).values_list("id", "round_id", "agency_id", "state", "first_epoch")
    }
