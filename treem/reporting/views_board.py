"""Reporting pages (board): the coordinator's board of who handed in what and when, its Excel copy, and
the progress of every task across the bodies that owe it.

Read by the province-wide roles of the plan's province (coordinators and administrators; leaders read
only, as everyone here does) and the national role; for everyone else the plan is a 404, the same as one
that does not exist. Filters come from the query string; a value the page does not know filters nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from treem.accounts.policy import scope_of
from treem.plans.models import Plan

from . import board_xlsx, selectors
from .models import ProgressStatus, ReportingRound
from .timeliness import Kind

NOT_FOUND = "Không tìm thấy kế hoạch trong phạm vi của bạn."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_CHOICES = [
    ("department", gettext_lazy("Sở, ban, ngành")),
    ("district", gettext_lazy("UBND cấp huyện")),
    ("organisation", gettext_lazy("Mặt trận, đoàn thể")),
]
STATUS_CHOICES = [
    (Kind.LATE, gettext_lazy("Trễ hạn")),
    (Kind.MISSING, gettext_lazy("Chưa nộp (quá hạn)")),
    (Kind.RETURNED, gettext_lazy("Bị trả lại")),
    (Kind.ON_TIME, gettext_lazy("Đúng hạn")),
    (Kind.DUE, gettext_lazy("Chưa đến hạn")),
]
PROGRESS_CHOICES = [
    (ProgressStatus.NOT_STARTED, ProgressStatus.NOT_STARTED.label),
    (ProgressStatus.IN_PROGRESS, ProgressStatus.IN_PROGRESS.label),
    (ProgressStatus.DONE, ProgressStatus.DONE.label),
    (ProgressStatus.NOT_APPLICABLE, ProgressStatus.NOT_APPLICABLE.label),
    (selectors.NOT_REPORTED, gettext_lazy("Chưa báo cáo")),
]


def _plan(request: HttpRequest, code: str) -> Plan:
    plan = selectors.board_plan(scope_of(request), code)
    if plan is None:
        raise Http404(NOT_FOUND)
    return plan


def _param(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    return value if isinstance(value, str) else ""


def _filtered(request: HttpRequest, plan: Plan) -> selectors.BoardView:
    board = selectors.board(scope_of(request), plan)
    return selectors.filter_board(
        board,
        kind=_param(request, "kind"),
        status=_param(request, "status"),
        round_code=_param(request, "round"),
    )


@login_required
@require_GET
def board(request: HttpRequest, plan: str) -> HttpResponse:
    the_plan = _plan(request, plan)
    view = _filtered(request, the_plan)
    counts = [(kind, label, view.counts[kind]) for kind, label in STATUS_CHOICES]
    return render(
        request,
        "reporting/board.html",
        {
            "plan": the_plan,
            "view": view,
            "counts": counts,
            "kind_choices": KIND_CHOICES,
            "status_choices": STATUS_CHOICES,
            "all_rounds": view.board.rounds,
            "selected": {k: _param(request, k) for k in ("kind", "status", "round")},
            "query": request.GET.urlencode(),
            "can_review": selectors.may_review(scope_of(request)),
        },
    )


@login_required
@require_GET
def board_export(request: HttpRequest, plan: str) -> HttpResponse:
    the_plan = _plan(request, plan)
    content = board_xlsx.board_workbook(_filtered(request, the_plan))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bang-theo-doi-bao-cao-{the_plan.code}.xlsx"'
    return response


def _progress_round(request: HttpRequest, plan: Plan) -> ReportingRound | None:
    code = _param(request, "round")
    chosen = selectors.rounds_of(plan).filter(code=code).first() if code else None
    return chosen or selectors.default_progress_round(plan)


@login_required
@require_GET
def tasks(request: HttpRequest, plan: str) -> HttpResponse:
    the_plan = _plan(request, plan)
    rnd = _progress_round(request, the_plan)
    rows = selectors.task_progress(scope_of(request), rnd) if rnd is not None else []
    only_behind = _param(request, "behind") == "1"
    shown = [row for row in rows if row.behind] if only_behind else rows
    totals = selectors.progress_totals(rows)
    return render(
        request,
        "reporting/tasks.html",
        {
            "plan": the_plan,
            "round": rnd,
            "rounds": selectors.rounds_of(the_plan),
            "rows": shown,
            "behind_count": sum(1 for row in rows if row.behind),
            "task_count": len(rows),
            "totals": [(kind, label, totals[kind]) for kind, label in PROGRESS_CHOICES],
            "only_behind": only_behind,
            "title": _("Tiến độ nhiệm vụ của các đơn vị"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<slug:plan>/bang/", board, name="board"),
    path("<slug:plan>/bang.xlsx", board_export, name="board_xlsx"),
    path("<slug:plan>/nhiem-vu/", tasks, name="tasks"),
]
