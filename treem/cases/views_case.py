"""The case page (/ho-so/<code>/) with its whole timeline, the form of each step (/ho-so/<code>/buoc/<step>/)
and moving a case to another commune (/ho-so/<code>/chuyen-xa/).

Every page opens its case through selectors.case_in_scope, which writes the one access event of the view
(a POST that changes the case adds the service's own "change" event); a code that does not exist and one
outside the scope are the same 404. Writes go through the services; a refusal (a step out of order, a
wrong form, a commune outside the province) comes back on the page in Vietnamese, never as a 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.core.deadlines import today
from treem.units import geometry
from treem.units.models import AdministrativeUnit

from . import selectors, services
from .forms import StepForm, prefilled, step_form
from .models import Case
from .procedure import Step, default_procedure
from .services import CaseError
from .timeline import (
    available_steps,
    countdown_words,
    format_due,
    format_moment,
    replayed,
    time_left_text,
    timeline_of,
)
from .views_intake import DRAFT_CLEAR

NOT_FOUND = "Không tìm thấy trường hợp trong phạm vi của bạn."
SERVICE_FIELD, PROVIDER_FIELD = "service", "provider_kind"  # a referral's service and its kind of body
# Fields a step form fills in with the signed-in officer's name: those naming who did the work. Those
# naming who decided (the commune chairman) stay empty.


def _open(request: HttpRequest, code: str, what: str) -> Case:
    case = selectors.case_in_scope(scope_of(request), code, user=request.user, what=what)
    if case is None:
        raise Http404(NOT_FOUND)
    return case


def _detail_url(case: Case) -> str:
    return reverse("cases:detail", args=(case.code,))


@login_required
@case_factor_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = _open(request, code, "case page")
    now = timezone.now()
    timeline = timeline_of(case, now=now)
    context = {
        "case": case,
        "child": case.child,
        "timeline": timeline,
        "sex": _choice_label("sexes", case.child.sex) if case.child.sex else "",
        "risk": _choice_label("risk_levels", case.risk),
        "harms": [_choice_label("harms", harm) for harm in case.harms],
        "overdue": case.is_overdue(now),
        "time_left": time_left_text(case.next_due_at if case.is_open else None, now),
        "due_text": format_due(case.next_due_at),
        "words": countdown_words(),
        "draft_clear": request.session.pop(DRAFT_CLEAR, False),
        "received": format_moment(case.received_at),
        "closed": format_moment(case.closed_at) if case.closed_at else "",
    }
    return render(request, "cases/case_detail.html", context)


def _choice_label(list_name: str, code: str) -> str:
    return next((c.label for c in default_procedure().choices(list_name) if c.code == code), code)


# --- one step ------------------------------------------------------------------------------------------


@dataclass
class StepPage:
    case: Case
    step: Step
    form: StepForm | None
    refusal: str | None
    due_at: Any = None


def _providers(step: Step) -> str:
    """For a referral form: each service's usual kind of provider (JSON), which case.js fills in."""
    names = {field.name for field in step.fields}
    if not {SERVICE_FIELD, PROVIDER_FIELD} <= names:
        return ""
    options = step.field(SERVICE_FIELD).options
    return json.dumps({choice.code: choice.provider for choice in options if choice.provider})


def _render_step(request: HttpRequest, page: StepPage, status: int = 200) -> HttpResponse:
    context = {
        "providers": _providers(page.step),
        "case": page.case,
        "step": page.step,
        "form": page.form,
        "refusal": page.refusal,
        "due_at": page.due_at,
        "time_left": time_left_text(page.due_at),
        "due_text": format_due(page.due_at),
        "words": countdown_words(),
    }
    return render(request, "cases/step_form.html", context, status=status)


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def record_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    procedure = default_procedure()
    try:
        the_step = procedure.step(step)
    except KeyError:
        raise Http404(NOT_FOUND) from None
    case = _open(request, code, f"step form {the_step.code}")
    done, _cycle = replayed(case, procedure)
    refusal = procedure.refusal(the_step.code, done)
    if refusal:
        return _render_step(
            request, StepPage(case, the_step, None, refusal), 409 if request.method == "POST" else 200
        )
    due_at = next((s.due_at for s in available_steps(done, procedure) if s.code == the_step.code), None)
    if request.method != "POST":
        form = step_form(the_step, initial=prefilled(the_step, request.user))
        return _render_step(request, StepPage(case, the_step, form, None, due_at))
    form = step_form(the_step, data=request.POST)
    if not form.is_valid():
        return _render_step(request, StepPage(case, the_step, form, None, due_at), 400)
    values, secret_values = form.split()
    try:
        record = services.do_record_step(request.user, case, the_step.code, values, secret_values)
    except CaseError as error:
        if not error.problems:  # refused as a whole (another officer recorded a step meanwhile)
            return _render_step(request, StepPage(case, the_step, None, error.message), 409)
        for name, problem in error.problems.items():
            form.add_error(name if name in form.fields else None, problem)
        return _render_step(request, StepPage(case, the_step, form, None, due_at), 400)
    messages.success(request, _("Đã ghi bước “%(step)s”.") % {"step": the_step.label})
    return redirect(f"{_detail_url(case)}#record-{record.pk}")


# --- moving to another commune -------------------------------------------------------------------------


def _communes(scope: Any, case: Case) -> list[tuple[str, list[AdministrativeUnit]]]:
    """The communes of the province existing today, but the case's own, grouped by district."""
    if scope.province_path is None:
        return []
    day = today()
    communes = (
        AdministrativeUnit.objects.existing_during(day, day)
        .filter(level="commune", path__startswith=scope.province_path)
        .exclude(pk=case.commune_id)
        .select_related("parent")
        .order_by("path")
    )
    groups: dict[str, list[AdministrativeUnit]] = {}
    for commune in communes:
        groups.setdefault(commune.parent.name if commune.parent else "", []).append(commune)
    return list(groups.items())


def _chosen(scope: Any, code: str) -> AdministrativeUnit | None:
    if not code or scope.province_path is None:
        return None
    # Today's commune with this code: the list offers only those (a 2023 commune may share its code).
    return (
        AdministrativeUnit.objects.filter(level="commune", path__startswith=scope.province_path)
        .select_related("parent")
        .version_of(code[:10].replace("\x00", ""), on=today())
    )


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def move_case(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request)
    case = _open(request, code, "move form")
    context: dict[str, Any] = {"case": case, "communes": [], "chosen": None, "error": None}
    if not case.is_open:
        context["error"] = _("Trường hợp đã kết thúc; không thể chuyển xã.")
        return render(request, "cases/move.html", context, status=409 if request.method == "POST" else 200)
    context["communes"] = _communes(scope, case)
    if request.method != "POST":
        return render(request, "cases/move.html", context)
    chosen = _chosen(scope, str(request.POST.get("commune", "")).strip())
    if chosen is None or chosen.pk == case.commune_id:
        context["error"] = _("Hãy chọn xã nơi trẻ em chuyển đến (một xã khác trong tỉnh).")
        return render(request, "cases/move.html", context, status=400)
    context["chosen"] = chosen
    if request.POST.get("confirm") != "yes":
        return render(request, "cases/move.html", context)  # the confirmation step
    try:
        services.do_move_case(request.user, case, chosen.code)
    except CaseError as error:
        context |= {"error": error.message, "chosen": None}
        return render(request, "cases/move.html", context, status=409)
    messages.success(
        request,
        _("Đã chuyển trường hợp %(code)s đến %(commune)s.") % {"code": case.code, "commune": chosen.name},
    )
    if scope.case_path is not None and geometry.is_within(chosen.path, scope.case_path):
        return redirect(_detail_url(case))
    return redirect("cases:list")  # the case left this officer's area
