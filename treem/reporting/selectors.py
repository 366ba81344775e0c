"""Reads of rounds and submissions, already filtered by the request's Scope.

Who sees a submission: the bodies it belongs to (their reporters), and the province-wide roles of the plan's
province (coordinators and administrators review; leaders read); the national role reads every province.
A commune officer sees none. A missing submission and one outside the scope are the same None (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.policy import Scope
from treem.plans.models import Milestone, Plan, Task
from treem.plans.selectors import active_plans, plan_in_scope, plan_tasks, tasks_owed_by
from treem.units.models import Agency
from treem.units.successions import owing_during, year_span

from . import board_reads
from .models import (
    EDITABLE_STATES,
    ProgressStatus,
    ReportingRound,
    Submission,
    SubmissionState,
    TaskProgress,
)
from .timeliness import Kind, RoundClock, Timeliness, timeliness


def owed_bodies(milestone: Milestone) -> list[Agency]:
    """The bodies that each owe a submission at a milestone: its reporters, a group's members each. Only
    bodies that existed in the plan's year owe anything, whatever the groups hold today: a 2023 plan
    never reaches the 2025 commune committees, a 2026 plan never a 2023 district committee."""
    span = year_span(milestone.plan.year)
    bodies: dict[int, Agency] = {}
    for reporter in milestone.reporters.order_by("code"):
        for body in owing_during(reporter, *span):
            bodies.setdefault(body.pk, body)
    return sorted(bodies.values(), key=lambda a: (a.kind != "department", a.code))


def owes(round: ReportingRound, agency: Agency) -> bool:
    return any(body.pk == agency.pk for body in owed_bodies(round.milestone))


def rounds_of(plan: Plan) -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(plan=plan, milestone__is_active=True).select_related("milestone")


def round_in_scope(scope: Scope, plan_code: str, round_code: str) -> ReportingRound | None:
    plan = plan_in_scope(scope, plan_code)
    if plan is None or not isinstance(round_code, str):
        return None
    return rounds_of(plan).filter(code=round_code).first()


def sees_body(scope: Scope, agency: Agency) -> bool:
    """Whether the scope reads this body's submissions (its plan already known to be in scope)."""
    visible = board_reads.visible_bodies(scope)
    return visible is None or agency.pk in visible


def may_report_for(scope: Scope, agency: Agency) -> bool:
    return agency.pk in scope.reports_for


def may_review(scope: Scope) -> bool:
    """Reviewers accept, return and reopen the submissions of the plans they see."""
    return scope.can_review_reports


def body_in_round(scope: Scope, round: ReportingRound, agency_code: str) -> Agency | None:
    """A body that owes the round, if the scope reads its submissions; else None (missing or outside)."""
    for body in owed_bodies(round.milestone):
        if body.code == agency_code and sees_body(scope, body):
            return body
    return None


def submission_for(round: ReportingRound, agency: Agency) -> Submission | None:
    return (
        Submission.objects.filter(round=round, agency=agency)
        .select_related("round__milestone", "round__plan", "agency")
        .first()
    )


def submission_in_scope(scope: Scope, pk: object) -> Submission | None:
    """A submission by id, if the scope reads it (its plan in scope and its body seen)."""
    try:
        key = int(str(pk))
    except ValueError:
        return None
    submission = (
        Submission.objects.filter(pk=key).select_related("round__milestone", "round__plan", "agency").first()
    )
    if submission is None or plan_in_scope(scope, submission.round.plan.code) is None:
        return None
    return submission if sees_body(scope, submission.agency) else None


def content_visible(scope: Scope, submission: Submission) -> bool:
    """Whether the scope reads what a submission says (it already sees the submission): a draft is its
    body's working copy, read by that body's reporters only; once handed in, by all who see it."""
    return submission.state != "draft" or may_report_for(scope, submission.agency)


def owed_tasks(plan: Plan, agency: Agency) -> QuerySet[Task]:
    return tasks_owed_by(plan, agency)


@dataclass
class Cell:
    round: ReportingRound
    agency: Agency
    submission: board_reads.SubmissionCell | None  # what the board reads of it (pk, state, first hand-in)
    status: Timeliness
    owed: bool = True


@dataclass
class BoardRow:
    agency: Agency
    cells: list[Cell | None] = field(default_factory=list)  # None: the body does not owe that round


@dataclass
class Board:
    plan: Plan
    rounds: list[ReportingRound]
    rows: list[BoardRow]


def board(scope: Scope, plan: Plan, *, now: datetime.datetime | None = None) -> Board:
    """A row per body that owes any round, a column per round: on time, late, due, missing, returned.
    Four queries whatever the size: the rounds, their reporters, the groups' members, the submissions,
    read as tuples and, for a scope that sees some bodies only, filtered in SQL (board_reads)."""
    now = now or timezone.now()
    visible = board_reads.visible_bodies(scope)
    rounds = list(rounds_of(plan))
    bodies, owed = board_reads.owing_bodies(rounds, visible, during=year_span(plan.year))
    submissions = board_reads.submissions_at(rounds, visible)
    columns = [(rnd, owed[rnd.milestone_id], RoundClock(rnd.milestone.date, now)) for rnd in rounds]
    rows = []
    for body in sorted(bodies.values(), key=lambda a: (a.kind != "department", a.code)):
        cells: list[Cell | None] = []
        for rnd, owing, clock in columns:
            if body.pk not in owing:
                cells.append(None)
                continue
            sub = submissions.get((rnd.pk, body.pk))
            cells.append(
                Cell(rnd, body, sub, clock.status(sub.state, sub.first_epoch) if sub else clock.unsent)
            )
        rows.append(BoardRow(body, cells))
    return Board(plan, rounds, rows)


def board_plan(scope: Scope, plan_code: str) -> Plan | None:
    """The plan whose board (and task progress) the scope reads: the province-wide roles of its province
    and the national role; None for everyone else, as for a plan that does not exist."""
    if not scope.has_access or scope.agency_ids is not None:
        return None
    return plan_in_scope(scope, plan_code)


# Kinds of body the board filters by (Agency.kind values).
BODY_KINDS: dict[str, tuple[str, ...]] = {
    "department": ("department", "police", "committee", "authority"),
    "district": ("district_committee", "commune_committee"),
    "organisation": ("front", "mass_organisation", "youth_union"),
}
STATUS_KINDS = (Kind.ON_TIME, Kind.LATE, Kind.DUE, Kind.MISSING, Kind.RETURNED)


@dataclass
class BoardView:
    """A board narrowed by the page's filters, with the count of each status among the cells shown."""

    board: Board
    rounds: list[ReportingRound]
    rows: list[BoardRow]
    counts: dict[str, int]


def filter_board(board: Board, *, kind: str = "", status: str = "", round_code: str = "") -> BoardView:
    """Keep the bodies of a kind, the column of one round, the bodies with a cell of one status. Unknown
    values filter nothing. The counts are taken before the status filter, so each stays clickable."""
    columns = [i for i, rnd in enumerate(board.rounds) if not round_code or rnd.code == round_code]
    if not columns:
        columns = list(range(len(board.rounds)))
    kinds = BODY_KINDS.get(kind)
    rows = []
    counts = dict.fromkeys(STATUS_KINDS, 0)
    for row in board.rows:
        if kinds is not None and row.agency.kind not in kinds:
            continue
        cells = [row.cells[i] for i in columns]
        present = [c for c in cells if c is not None]
        if not present:
            continue
        for cell in present:
            counts[cell.status.kind] += 1
        if status in counts and all(c.status.kind != status for c in present):
            continue
        rows.append(BoardRow(row.agency, cells))
    return BoardView(board, [board.rounds[i] for i in columns], rows, counts)


@dataclass
class RoundSummary:
    """What the home page shows of a round: how many bodies are late, missing, returned."""

    round: ReportingRound
    counts: dict[str, int]

    @property
    def problems(self) -> int:
        return sum(self.counts[k] for k in (Kind.LATE, Kind.MISSING, Kind.RETURNED))


def board_summary(board: Board) -> list[RoundSummary]:
    summaries = []
    for index, rnd in enumerate(board.rounds):
        counts = dict.fromkeys(STATUS_KINDS, 0)
        for row in board.rows:
            cell = row.cells[index]
            if cell is not None:
                counts[cell.status.kind] += 1
        summaries.append(RoundSummary(rnd, counts))
    return summaries


# --- task progress across bodies ---------------------------------------------------------------------

HANDED_IN = (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.RETURNED)
NOT_REPORTED = "none"  # a body that owes the task and reported nothing at the round
PROGRESS_KINDS = (*ProgressStatus.values, NOT_REPORTED)
BEHIND = (ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS)


@dataclass
class BodyProgress:
    agency: Agency
    status: str  # a ProgressStatus value, or NOT_REPORTED
    label: str


@dataclass
class TaskRow:
    task: Task
    bodies: list[BodyProgress]
    counts: dict[str, int]

    @property
    def behind(self) -> bool:
        return any(self.counts[k] for k in BEHIND)


def default_progress_round(plan: Plan) -> ReportingRound | None:
    """The latest round with a handed-in answer on a task; else the plan's last round. (An issued
    consolidated report hands in the office's submission with no task answers: not a progress round.)"""
    rounds = list(rounds_of(plan))
    handed = set(
        TaskProgress.objects.filter(
            submission__round__in=[r.pk for r in rounds], submission__state__in=HANDED_IN
        ).values_list("submission__round_id", flat=True)
    )
    with_reports = [r for r in rounds if r.pk in handed] or rounds
    return with_reports[-1] if with_reports else None


def task_progress(scope: Scope, rnd: ReportingRound) -> list[TaskRow]:
    """Each task of section IV with what each body that owes it (and the round) reported at the round:
    the latest handed-in answer; a body that reported nothing is NOT_REPORTED. A fixed number of queries:
    the tasks with their bodies, the round's reporters and members, the answers (bodies of its year)."""
    span = year_span(rnd.plan.year)
    owing_round = {
        body.pk
        for reporter in rnd.milestone.reporters.prefetch_related("members")
        for body in (reporter.members.all() if reporter.is_group else [reporter])
        if sees_body(scope, body) and body.exists_during(*span)
    }
    answers = {
        (row["task_id"], row["submission__agency_id"]): row["status"]
        for row in TaskProgress.objects.filter(submission__round=rnd, submission__state__in=HANDED_IN).values(
            "task_id", "submission__agency_id", "status"
        )
    }
    labels = {**dict(ProgressStatus.choices), NOT_REPORTED: _("Chưa báo cáo")}
    rows = []
    for task in plan_tasks(rnd.plan):
        owners = list(task.agency.members.all()) if task.agency.is_group else [task.agency]
        bodies = []
        counts = dict.fromkeys(PROGRESS_KINDS, 0)
        for body in sorted(owners, key=lambda a: a.code):
            if body.pk not in owing_round:
                continue
            status = answers.get((task.pk, body.pk), NOT_REPORTED)
            counts[status] += 1
            bodies.append(BodyProgress(body, status, str(labels[status])))
        rows.append(TaskRow(task, bodies, counts))
    return rows


def progress_totals(rows: list[TaskRow]) -> dict[str, int]:
    totals = dict.fromkeys(PROGRESS_KINDS, 0)
    for row in rows:
        for kind, count in row.counts.items():
            totals[kind] += count
    return totals


@dataclass
class Owed:
    """A round a body still has to hand in (or hand in again)."""

    plan: Plan
    round: ReportingRound
    agency: Agency
    submission: Submission | None
    status: Timeliness


def owed_by(scope: Scope, *, now: datetime.datetime | None = None) -> list[Owed]:
    """What the bodies the scope reports for still owe, returned submissions first, then soonest deadline:
    rounds not handed in (draft or not started) and returned submissions, of plans of years the body
    existed in. Queries: the bodies, their groups, then per plan its rounds, their reporters and the
    submissions."""
    if not scope.reports_for:
        return []
    now = now or timezone.now()
    agencies = list(Agency.objects.filter(pk__in=scope.reports_for).prefetch_related("groups"))
    items: list[Owed] = []
    for plan in active_plans(scope):
        span = year_span(plan.year)
        rounds = list(rounds_of(plan).prefetch_related("milestone__reporters"))
        submissions = {
            (s.round_id, s.agency_id): s
            for s in Submission.objects.filter(round__in=[r.pk for r in rounds], agency__in=agencies)
        }
        for rnd in rounds:
            reporters = {r.pk for r in rnd.milestone.reporters.all()}
            for agency in agencies:
                if not agency.exists_during(*span):
                    continue
                if agency.pk not in reporters and not reporters & {g.pk for g in agency.groups.all()}:
                    continue
                sub = submissions.get((rnd.pk, agency.pk))
                if sub is not None and sub.state not in EDITABLE_STATES:
                    continue
                status = timeliness(
                    rnd.milestone.date,
                    sub.state if sub else None,
                    sub.first_submitted_at if sub else None,
                    now,
                )
                items.append(Owed(plan, rnd, agency, sub, status))
    items.sort(key=lambda o: (o.status.kind != "returned", o.round.milestone.date))
    return items


@dataclass
class OwnTask:
    """A task a body owes, with the status it last handed in (None: never reported) and at which round."""

    task: Task
    status: str | None
    label: str
    round: ReportingRound | None


def own_tasks(plan: Plan, agency: Agency) -> list[OwnTask]:
    """The body's tasks in the plan with the status of its latest handed-in answer (two queries and the
    tasks' prefetches)."""
    latest: dict[int, TaskProgress] = {}
    progress = (
        TaskProgress.objects.filter(
            submission__agency=agency, submission__round__plan=plan, submission__state__in=HANDED_IN
        )
        .select_related("submission__round__milestone")
        .order_by("submission__round__milestone__date", "submission__round__milestone__order")
    )
    for item in progress:
        latest[item.task_id] = item  # the later round wins
    labels = dict(ProgressStatus.choices)
    tasks = []
    for task in tasks_owed_by(plan, agency):
        found = latest.get(task.pk)
        if found is None:
            tasks.append(OwnTask(task, None, _("Chưa báo cáo"), None))
        else:
            tasks.append(OwnTask(task, found.status, str(labels[found.status]), found.submission.round))
    return tasks
