"""Reads of plans, shaped for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from treem.units.models import Agency
from treem.units.scope import Scope

from .models import Indicator, Milestone, Plan, Task


def active_plans(scope: Scope) -> QuerySet[Plan]:
    """The plans of the scope's province (of every province for a national scope). A plan belongs to its
    province: a plan is a public document there, so everyone with access to the province reads it."""
    plans = Plan.objects.select_related("province", "owner").order_by("-year", "code")
    if scope.all_provinces:
        return plans
    if scope.province_path is None:
        return plans.none()
    return plans.filter(province__path__startswith=scope.province_path)


def plan_in_scope(scope: Scope, code: str) -> Plan | None:
    """The plan with this code if the scope may read it; None when missing or of another province."""
    if not isinstance(code, str) or not code:
        return None
    return active_plans(scope).filter(code=code).first()


def plan_targets(plan: Plan) -> QuerySet:
    indicators = Indicator.objects.filter(is_active=True).select_related("supplier")
    return plan.targets.filter(is_active=True).prefetch_related(Prefetch("indicators", queryset=indicators))


def plan_tasks(plan: Plan) -> QuerySet[Task]:
    return (
        plan.tasks.filter(is_active=True)
        .select_related("agency")
        .prefetch_related("cooperating", "agency__members")
        .order_by("section", "order")
    )


def plan_milestones(plan: Plan) -> QuerySet[Milestone]:
    return (
        plan.milestones.filter(is_active=True)
        .select_related("via")
        .prefetch_related("reporters", "recipients")
    )


@dataclass
class TaskSection:
    section: int
    heading: str
    agency: Agency
    tasks: list[Task]


def tasks_by_section(plan: Plan) -> list[TaskSection]:
    """Section IV as the document prints it: one heading per item, its lettered tasks under it."""
    sections: dict[int, TaskSection] = {}
    for task in plan_tasks(plan):
        if task.section not in sections:
            sections[task.section] = TaskSection(
                task.section, task.heading or str(task.agency), task.agency, []
            )
        sections[task.section].tasks.append(task)
    return list(sections.values())


def own_agencies(scope: Scope) -> list[Agency] | None:
    """The agencies an officer works for, whose tasks are its own (a district officer: its district's
    People's Committee; an agency reporter: its agency); None for a scope that reads every agency."""
    if scope.agency_ids is None:
        return None
    return list(scope.agencies().order_by("code"))


def agency_and_its_groups(agency: Agency) -> list[Agency]:
    return [agency, *agency.groups.all()]


def tasks_owed_by(plan: Plan, agency: Agency) -> QuerySet[Task]:
    """Tasks the agency owes: given to it, or to a group it belongs to (or, for a group, to the group)."""
    return plan_tasks(plan).filter(agency__in=agency_and_its_groups(agency))


def tasks_cooperating(plan: Plan, agency: Agency) -> QuerySet[Task]:
    """Tasks the agency (or a group it belongs to) is named a partner in, but does not lead: a lead
    task naming "the departments" as partners is listed once, among the tasks the agency owes."""
    mine = agency_and_its_groups(agency)
    return plan_tasks(plan).filter(cooperating__in=mine).exclude(agency__in=mine).distinct()


def milestones_for(plan: Plan, agency: Agency) -> QuerySet[Milestone]:
    """Deadlines the agency reports at, collects (via) or receives."""
    mine = agency_and_its_groups(agency)
    return (
        plan_milestones(plan).filter(Q(reporters__in=mine) | Q(via=agency) | Q(recipients=agency)).distinct()
    )
