"""The plan as its document prints it, and each agency's tasks and deadlines."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from treem.accounts.policy import scope_of
from treem.units.scope import agency_in_scope

from . import selectors


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.active_plans(scope_of(request))
    if len(plans) == 1:
        return redirect("plans:overview", code=plans[0].code)
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_overview(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_in_scope(scope, code)
    if plan is None:
        raise Http404
    visible_agency_ids = set(scope.agencies().values_list("pk", flat=True))
    return render(
        request,
        "plans/plan_overview.html",
        {
            "plan": plan,
            "legal_bases": plan.legalbasiss.filter(is_active=True),
            "targets": selectors.plan_targets(plan),
            "solutions": plan.solutions.filter(is_active=True),
            "funding_sources": plan.fundingsources.filter(is_active=True),
            "task_sections": selectors.tasks_by_section(plan),
            "milestones": selectors.plan_milestones(plan),
            "visible_agency_ids": visible_agency_ids,
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The navigation's "my tasks": the page of the agency the officer works for, in the newest plan of
    its province (a choice when it works for several). A scope that reads every agency gets the plan."""
    scope = scope_of(request)
    agencies = selectors.own_agencies(scope)
    if agencies is None:
        return redirect("plans:list")
    plan = selectors.active_plans(scope).first()
    if plan is None or not agencies:
        raise Http404
    if len(agencies) == 1:
        return redirect("plans:agency", code=plan.code, agency_code=agencies[0].code)
    return render(request, "plans/my_agencies.html", {"plan": plan, "agencies": agencies})


@login_required
def agency_tasks(request: HttpRequest, code: str, agency_code: str) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_in_scope(scope, code)
    agency = agency_in_scope(scope, agency_code)
    if plan is None or agency is None:
        raise Http404
    return render(
        request,
        "plans/agency_tasks.html",
        {
            "plan": plan,
            "agency": agency,
            "groups": agency.groups.all(),
            "members": agency.members.all() if agency.is_group else [],
            "owed": selectors.tasks_owed_by(plan, agency),
            "cooperating": selectors.tasks_cooperating(plan, agency),
            "milestones": selectors.milestones_for(plan, agency),
        },
    )
