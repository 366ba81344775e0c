from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from treem.accounts import policy
from treem.units.models import Agency

from . import selectors
from .models import Plan


@login_required
def plan_list(request):
    plans = selectors.active_plans()
    if len(plans) == 1:
        return redirect("plans:overview", code=plans[0].code)
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_overview(request, code):
    plan = get_object_or_404(selectors.active_plans(), code=code)
    if not policy.can_view_plans(request.user):
        raise PermissionDenied
    visible_agency_ids = set(policy.visible_agencies(request.user).values_list("pk", flat=True))
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
def agency_tasks(request, code, agency_code):
    plan = get_object_or_404(Plan, code=code)
    agency = get_object_or_404(Agency, code=agency_code)
    if not policy.can_view_agency(request.user, agency):
        raise PermissionDenied
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
