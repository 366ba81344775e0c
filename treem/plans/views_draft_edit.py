"""The draft editor's edit pages: a target's text, an indicator's name, direction and threshold, a task's text
and body, a deadline's date and description, the funding sources' texts.

Each page reads the plan's exported dict once (the item shown and the version the form carries come from
the same read); its POST goes through drafts.apply_edit, whose refusals the page shows next to the form
with the user's input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from treem.accounts.models import User
from treem.core.errors import InputErrors
from treem.units.models import Agency

from . import drafts
from .forms_draft import DraftForm, FundingForm, IndicatorForm, MilestoneForm, TargetForm, TaskForm
from .models import Direction, MeasureUnit, Plan
from .views_draft import CONFLICT, draft_plan_or_404, exported, refuse_frozen

FormBuilder = Callable[[Any], DraftForm]


def _edit_page(
    request: HttpRequest,
    plan: Plan,
    build: FormBuilder,
    make_edit: Callable[[Any], drafts.Edit],
    *,
    initial: dict,
    prefix: str,
    anchor: str,
    context: dict,
) -> HttpResponse:
    """GET: the form filled from the plan. POST: the edit applied, or the form again with why not."""
    if not plan.is_draft:
        return refuse_frozen(request, plan)
    plan_errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = build(request.POST)
        if form.is_valid():
            try:
                drafts.apply_edit(
                    plan, form.cleaned_data["version"], make_edit(form), actor=cast(User, request.user)
                )
            except drafts.PlanFrozen:
                return refuse_frozen(request, plan)
            except drafts.DraftConflict:
                plan_errors, status = [str(CONFLICT)], 409
            except InputErrors as errors:
                by_field, plan_errors = drafts.field_errors(errors, prefix, form.plan_keys)
                for name, field_messages in by_field.items():
                    for message in field_messages:
                        form.add_error(name, message)
            else:
                messages.success(request, _("Đã lưu thay đổi vào dự thảo."))
                return redirect(reverse("plans:draft", kwargs={"code": plan.code}) + f"#{anchor}")
    else:
        form = build(None)
        form.initial.update(initial)
    return render(
        request,
        "plans/draft/edit.html",
        {"plan": plan, "form": form, "plan_errors": plan_errors, "conflict": status == 409, **context},
        status=status,
    )


def _item_or_404(data: dict, section: str, code: str) -> dict:
    """The item of the plan's section with this code (a target, task or deadline); 404 when there is none."""
    item = next((entry for entry in data[section] if entry["code"] == code), None)
    if item is None:
        raise Http404
    return item


def _number_text(value: Any) -> str:
    """A threshold as the UI writes numbers (decimal comma)."""
    return str(value).replace(".", ",")


@login_required
@require_http_methods(["GET", "POST"])
def edit_target(request: HttpRequest, code: str, target: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    data, version = exported(plan)
    item = _item_or_404(data, "targets", target)
    return _edit_page(
        request,
        plan,
        lambda post: TargetForm(post),
        lambda form: drafts.set_target(target, text=form.cleaned_data["text"]),
        initial={"version": version, "text": item["text"]},
        prefix=drafts.item_path(data, "targets", target),
        anchor=f"muc-tieu-{target}",
        context={"title": _("Sửa mục tiêu %(code)s") % {"code": target}, "item": item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_indicator(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    data, version = exported(plan)
    try:
        item = drafts.indicator_of(data, indicator)
    except KeyError:
        raise Http404 from None
    return _edit_page(
        request,
        plan,
        lambda post: IndicatorForm(post),
        lambda form: drafts.set_indicator(
            indicator,
            text=form.cleaned_data["text"],
            direction=form.cleaned_data["direction"],
            threshold=form.cleaned_data["threshold"],
        ),
        initial={
            "version": version,
            "text": item["text"],
            "direction": item["direction"],
            "threshold": _number_text(item["threshold"]),
        },
        prefix=drafts.item_path(data, "indicators", indicator),
        anchor=f"chi-tieu-{indicator}",
        context={
            "title": _("Sửa chỉ tiêu %(code)s") % {"code": indicator},
            "item": item,
            "facts": [
                (_("Đơn vị tính"), MeasureUnit(item["unit"]).label),
                (
                    _("Ngưỡng hiện tại"),
                    f"{Direction(item['direction']).label} {_number_text(item['threshold'])}",
                ),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_task(request: HttpRequest, code: str, task: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    data, version = exported(plan)
    item = _item_or_404(data, "tasks", task)
    current = (item["agency"] or {}).get("code")
    facts = []
    if current and not drafts.bodies_for(plan).filter(code=current).exists():
        name = Agency.objects.filter(code=current).values_list("name", flat=True).first() or current
        facts.append(
            (_("Cơ quan hiện giao"), _("%(name)s — không còn hoạt động trong năm %(year)s, hãy chọn cơ quan khác")
             % {"name": name, "year": plan.year})
        )  # fmt: skip
    return _edit_page(
        request,
        plan,
        lambda post: TaskForm(post, plan=plan),
        lambda form: drafts.set_task(
            task, text=form.cleaned_data["text"], agency=form.cleaned_data["agency"]
        ),
        initial={"version": version, "text": item["text"], "agency": current},
        prefix=drafts.item_path(data, "tasks", task),
        anchor=f"nhiem-vu-{task}",
        context={"title": _("Sửa nhiệm vụ %(code)s") % {"code": task}, "item": item, "facts": facts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_milestone(request: HttpRequest, code: str, milestone: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    data, version = exported(plan)
    item = _item_or_404(data, "milestones", milestone)
    day = item["date"]  # ISO in the plan file; the form shows dd/mm/yyyy
    return _edit_page(
        request,
        plan,
        lambda post: MilestoneForm(post, plan=plan),
        lambda form: drafts.set_milestone(
            milestone, date=form.cleaned_data["date"], description=form.cleaned_data["description"]
        ),
        initial={
            "version": version,
            "date": f"{day[8:10]}/{day[5:7]}/{day[0:4]}",
            "description": item["description"],
        },
        prefix=drafts.item_path(data, "milestones", milestone),
        anchor=f"moc-{milestone}",
        context={"title": _("Sửa thời hạn %(code)s") % {"code": milestone}, "item": item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_funding(request: HttpRequest, code: str) -> HttpResponse:
    plan = draft_plan_or_404(request, code)
    data, version = exported(plan)
    sources = data["funding_sources"]
    return _edit_page(
        request,
        plan,
        lambda post: FundingForm(post, sources=sources),
        lambda form: drafts.set_funding_sources(form.texts()),
        initial={"version": version},
        prefix="",
        anchor="kinh-phi",
        context={"title": _("Sửa nguồn kinh phí")},
    )
