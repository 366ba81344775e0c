"""Reads behind the officer's lists (sealed, like treem.cases.selectors, which they start from): the case
list by urgency and the task list of steps overdue or due soon. Nothing here writes: the views log one
access event per case they show (treem.cases.access.record_accesses)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import F, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from treem.units.scope import Scope

from .models import Case, CaseState, StepRecord, replay
from .procedure import Procedure, Step, default_procedure
from .selectors import cases_for, overdue_cases

SOON = datetime.timedelta(hours=24)
MOST_TASK_CASES = 100
STATES = ("open", "closed", "all")


@dataclass(frozen=True)
class ListFilter:
    """What the case list shows: `state` "open" (default), "closed" or "all"; a risk code; a harm code;
    `code`: part of a case code. Codes are checked by the caller's form against the procedure's lists."""

    state: str = "open"
    risk: str = ""
    harm: str = ""
    code: str = ""


def urgent_cases(scope: Scope, wanted: ListFilter) -> QuerySet[Case]:
    """The scope's cases, open ones first by their next deadline (overdue first, then the soonest, those
    without a clock last), then closed ones, the latest closed first."""
    cases = cases_for(scope).select_related("commune", "child")
    if wanted.state in (CaseState.OPEN, CaseState.CLOSED):
        cases = cases.filter(state=wanted.state)
    if wanted.risk:
        cases = cases.filter(risk=wanted.risk)
    if wanted.harm:
        cases = cases.filter(harms__icontains=f'"{wanted.harm}"')
    if wanted.code:
        cases = cases.filter(code__icontains=wanted.code)
    return by_urgency(cases, wanted.state)


def by_urgency(cases: QuerySet[Case], state: str = "") -> QuerySet[Case]:
    """The order of every case list (this page, the case API, the export): open cases first by their next
    deadline (overdue first, then the soonest, those without a clock last), then closed ones, the latest
    closed first; `state` "open" or "closed" when the cases are all of that state (an order an index
    serves: `case_state_due`, `case_state_closed`)."""
    by_due = F("next_due_at").asc(nulls_last=True)
    if state == CaseState.OPEN:
        return cases.order_by(by_due, "-id")
    if state == CaseState.CLOSED:
        return cases.order_by(F("closed_at").desc(nulls_last=True), "-id")
    closed_last = When_(
        When(state=CaseState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return cases.order_by(closed_last, by_due, F("closed_at").desc(nulls_last=True), "-id")


@dataclass(frozen=True)
class Task:
    """A step of an open case that is overdue or falls due soon."""

    case: Case
    step: Step
    due_at: datetime.datetime

    def is_overdue(self, now: datetime.datetime) -> bool:
        return self.due_at <= now


def _done(procedure: Procedure, case: Case) -> Mapping[str, Mapping[str, Any]]:
    done, _cycle = replay(procedure, [(record.step, record.values) for record in case.records.all()])
    return done


def _with_records(cases: QuerySet[Case]) -> list[Case]:
    records = StepRecord.objects.order_by("recorded_at", "id").only(
        "case_id", "step", "values", "recorded_at"
    )
    return list(cases.prefetch_related(Prefetch("records", queryset=records))[:MOST_TASK_CASES])


def tasks(scope: Scope, now: datetime.datetime | None = None) -> tuple[list[Task], list[Task], list[Case]]:
    """(overdue tasks, tasks due within SOON, the cases they belong to): the steps that may be recorded
    now on the scope's open cases whose next deadline has passed or comes within SOON, each with its own
    deadline, the earliest first."""
    moment = now or timezone.now()
    procedure = default_procedure()
    late = _with_records(overdue_cases(scope, moment).select_related("commune", "child"))
    soon = _with_records(
        cases_for(scope)
        .filter(state=CaseState.OPEN, next_due_at__gt=moment, next_due_at__lte=moment + SOON)
        .select_related("commune", "child")
        .order_by("next_due_at", "id")
    )
    overdue: list[Task] = []
    coming: list[Task] = []
    for case in [*late, *soon]:
        done = _done(procedure, case)
        for step in procedure.available_steps(done):
            due = procedure.due(step.code, done)
            if due is None or due > moment + SOON:
                continue
            (overdue if due <= moment else coming).append(Task(case, step, due))
    overdue.sort(key=lambda task: (task.due_at, task.case.pk))
    coming.sort(key=lambda task: (task.due_at, task.case.pk))
    return overdue, coming, [*late, *soon]
