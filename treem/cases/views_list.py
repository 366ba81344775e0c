"""The officer's lists: the case list by urgency (/ho-so/) and the task list (/ho-so/viec-can-lam/).

Who: roles whose scope has a `case_path`; everybody else gets the 404 of a missing page (the lists show
children's names). Each page logs one access event per case it shows ("case list", "task list"), in one
insert (treem.cases.access.record_accesses). Countdowns are rendered by the server (so the page reads right without
script) and kept live by cases/countdown.js from each row's `data-due`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.units.scope import Scope

from .access import record_accesses
from .lists import ListFilter, tasks, urgent_cases
from .models import AccessAction, Case
from .procedure import default_procedure
from .timeline import countdown_words, format_due, time_left_text
from .views_intake import DRAFT_CLEAR

NOT_FOUND = "Không tìm thấy trang."
PER_PAGE = 25


def _case_scope(request: HttpRequest) -> Scope:
    scope = scope_of(request)
    if scope.case_path is None:
        raise Http404(NOT_FOUND)
    return scope


class FilterForm(forms.Form):
    """The case list's filters (GET); a value that is not in the procedure's lists is ignored."""

    state = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[
            ("open", gettext_lazy("Đang xử lý")),
            ("closed", gettext_lazy("Đã kết thúc")),
            ("all", gettext_lazy("Tất cả")),
        ],
    )
    risk = forms.ChoiceField(label=gettext_lazy("Mức độ nguy cơ"), required=False)
    harm = forms.ChoiceField(label=gettext_lazy("Hành vi xâm hại, nguy cơ"), required=False)
    code = forms.CharField(label=gettext_lazy("Mã trường hợp"), required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = default_procedure()
        anything = [("", _("Tất cả"))]
        for name, listed in (("risk", "risk_levels"), ("harm", "harms")):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = anything + [(c.code, c.label) for c in procedure.choices(listed)]
        self.fields["code"].widget.attrs.update({"type": "search", "inputmode": "search"})

    def wanted(self) -> ListFilter:
        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return ListFilter(
            state=data.get("state") or "open",
            risk=data.get("risk") or "",
            harm=data.get("harm") or "",
            code=(data.get("code") or "").strip(),
        )


def _row(case: Case, now: Any) -> dict[str, Any]:
    procedure = default_procedure()
    labels = {step.code: step.label for step in procedure.steps}
    risks = {choice.code: choice.label for choice in procedure.choices("risk_levels")}
    due = case.next_due_at if case.is_open else None
    return {
        "case": case,
        "risk": risks.get(case.risk, ""),
        "last_step": labels.get(case.last_step, case.last_step),
        "due": due,
        "due_text": format_due(due),
        "time_left": time_left_text(due, now),
        "overdue": case.is_overdue(now),
    }


@login_required
@case_factor_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The scope's cases by urgency, filtered and paginated; one access event per case shown."""
    scope = _case_scope(request)
    filters = FilterForm(request.GET)
    wanted = filters.wanted()
    page = Paginator(urgent_cases(scope, wanted), PER_PAGE).get_page(request.GET.get("trang"))
    shown = list(page.object_list)
    record_accesses(request.user, AccessAction.READ, shown, "case list")
    now = timezone.now()
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": [_row(case, now) for case in shown],
        "query": query.urlencode(),
        "filtered": any(query.get(name) for name in ("risk", "harm", "code")) or wanted.state != "open",
        "countdown_words": countdown_words(),
        "draft_clear": request.session.pop(DRAFT_CLEAR, False),
    }
    return render(request, "cases/case_list.html", context)


@login_required
@case_factor_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The steps overdue and due in the next 24 hours on the scope's open cases, each with a link to
    record it; one access event per case shown."""
    scope = _case_scope(request)
    now = timezone.now()
    overdue, coming, cases = tasks(scope, now)
    shown = {task.case.pk: task.case for task in [*overdue, *coming]}
    record_accesses(request.user, AccessAction.READ, shown.values(), "task list")

    def rows(found: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "task": task,
                "due_text": format_due(task.due_at),
                "time_left": time_left_text(task.due_at, now),
                "overdue": task.is_overdue(now),
            }
            for task in found
        ]

    context = {
        "overdue": rows(overdue),
        "coming": rows(coming),
        "countdown_words": countdown_words(),
        "draft_clear": request.session.pop(DRAFT_CLEAR, False),
        "checked": len(cases),
    }
    return render(request, "cases/tasks.html", context)
