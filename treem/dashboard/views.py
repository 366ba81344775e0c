"""Scorecard, drill-down and chart pages. Reads are in selectors.py, figures in charts.py; the values and
statuses themselves come from plans.evaluation. Pages are read-only for every role; everything shown is
within the request's Scope, and a plan, unit or indicator outside it is a 404 like a missing one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from treem.accounts.policy import scope_of
from treem.core.periods import parse_period, period_label
from treem.indicators.models import Period
from treem.indicators.periods import find_period
from treem.plans.models import Indicator, Plan
from treem.reporting import selectors as reporting
from treem.units.models import AdministrativeUnit, Agency

from . import charts, selectors, trends
from .completeness import completeness
from .disclosure import exact_counts, hidden_evaluation, small_count_label
from .plan_choice import plans_with_root
from .unserved import unserved_panel


@dataclass
class Selection:
    """What the page shows: plan, period and unit, from ?plan=&period=&unit= (or their defaults)."""

    plan: Plan
    plans: list[Plan]
    period: Period
    period_codes: list[str]
    unit: AdministrativeUnit
    error: str = ""

    def context(self, request: HttpRequest) -> dict:
        unit_choices = selectors.unit_choices(scope_of(request), self.plan, self.unit, self.period)
        return {
            "plan": self.plan,
            "plans": self.plans,
            "period": self.period,
            "period_name": period_label(self.period.code),
            "period_options": selectors.period_options(self.period_codes),
            "unit": self.unit,
            "breadcrumbs": selectors.breadcrumbs(self.unit, unit_choices),
            "unit_choices": unit_choices,
            "query_params": {"plan": self.plan.code, "period": self.period.code, "unit": self.unit.code},
            "can_enter": scope_of(request).can_enter_values,
            "error": self.error,
        }


def _selection(request: HttpRequest) -> Selection:
    scope = scope_of(request)
    # only plans where the scope has a root: a plan asked where it has none is a 404 like a missing one
    all_plans = plans_with_root(scope)
    code = request.GET.get("plan")
    plan = next((p for p in all_plans if p.code == code), None) if code else selectors.default_plan(all_plans)
    if plan is None:
        raise Http404(_("Không có kế hoạch '%(code)s'.") % {"code": code} if code else _("Chưa có kế hoạch."))

    with_values = selectors.periods_with_values(plan)
    default = selectors.default_period(plan, with_values)
    period_code, error = request.GET.get("period") or default, ""
    try:
        parse_period(period_code)
    except ValueError as exc:
        error = _("Tham số kỳ báo cáo: %(error)s. Đang hiển thị kỳ mặc định.") % {"error": exc}
        period_code = default
    period = find_period(period_code)

    unit_code = request.GET.get("unit")
    if unit_code:
        # a code names a unit only with a time: the version that existed in the period shown
        unit = selectors.visible_unit(scope, plan, unit_code[:20], period)
        if unit is None:
            raise Http404(
                _("Không có đơn vị mã '%(code)s' trong phạm vi của bạn (%(period)s).")
                % {"code": unit_code[:20], "period": period_label(period.code)}
            )
    else:
        unit = selectors.scope_root(scope, plan, period)
        if unit is None:
            raise Http404(
                _("Địa bàn của bạn không tồn tại trong kỳ này (%(period)s).")
                % {"period": period_label(period.code)}
            )
    return Selection(
        plan, all_plans, period, selectors.offered_periods(plan, with_values, period.code), unit, error
    )


def _indicator(plan: Plan, code: str) -> Indicator:
    indicator = selectors.indicator_by_code(plan, code)
    if indicator is None:
        raise Http404(_("Kế hoạch không có chỉ tiêu mã '%(code)s'.") % {"code": code})
    return indicator


@login_required
def scorecard(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    plan, period, unit = selection.plan, selection.period, selection.unit
    indicators = selectors.active_indicators(plan)
    scope = scope_of(request)
    exact = exact_counts(scope, request.user, unit)
    groups, previous = selectors.scorecard(plan, period, unit, indicators, exact=exact)
    children = selectors.child_units(unit, period)
    printing = request.GET.get("print") == "1"
    return render(
        request,
        "dashboard/print.html" if printing else "dashboard/scorecard.html",
        {
            **selection.context(request),
            "groups": groups,
            "status_counts": selectors.status_counts(groups),
            **selectors.scorecard_flags(groups),
            "previous_code": previous.code,
            "previous_name": period_label(previous.code),
            "completeness": completeness(plan, period, unit, children, indicators),
            "printing": printing,
            "small_count": small_count_label(),
            "unserved": unserved_panel(scope, request.user, unit, period),
        },
    )


@login_required
def drilldown(request: HttpRequest, indicator_code: str) -> HttpResponse:
    selection = _selection(request)
    indicator = _indicator(selection.plan, indicator_code)
    exact = exact_counts(scope_of(request), request.user, selection.unit)
    drill = selectors.drilldown(selection.plan, indicator, selection.period, selection.unit, exact=exact)
    return render(
        request,
        "dashboard/drilldown.html",
        {
            **selection.context(request),
            "indicator": indicator,
            "drill": drill,
            "small_count": small_count_label(),
        },
    )


@login_required
def chart(request: HttpRequest, indicator_code: str) -> HttpResponse:
    selection = _selection(request)
    plan, unit = selection.plan, selection.unit
    indicator = _indicator(plan, indicator_code)
    exact = exact_counts(scope_of(request), request.user, unit)
    drill = selectors.drilldown(plan, indicator, selection.period, unit, exact=exact)
    # the figures carry only the numbers shown: a hidden value is a gap, in the bars and the line alike
    by_unit = [hidden_evaluation(line.evaluation, line.shown) for line in drill.lines]
    if not by_unit and drill.total_shown is not None:
        by_unit = [hidden_evaluation(drill.total, drill.total_shown)]
    drawn = any(ev.value is not None for ev in by_unit)
    # across the 2025 reform a unit's earlier figures are its predecessors' (trends says so per period)
    series = trends.time_series(
        plan, indicator, unit, selectors.sixmonthly_periods(selection.period_codes), exact=exact
    )
    return render(
        request,
        "dashboard/chart.html",
        {
            **selection.context(request),
            "indicator": indicator,
            # no bar to draw: the page says why (no figures yet, or small counts hidden), not an empty frame
            "by_unit_chart": charts.to_html(charts.by_unit_figure(indicator, by_unit)) if drawn else None,
            "by_unit_hidden": not drawn and drill.any_hidden,
            "over_time_chart": charts.to_html(
                charts.over_time_figure(
                    indicator, [hidden_evaluation(ln.evaluation, ln.shown) for ln in series]
                )
            ),
            "series": series,
            "series_notes": list(dict.fromkeys(line.note for line in series if line.note)),
            "series_derived": any(line.mark for line in series),
            "drill": drill,
            "small_count": small_count_label(),
        },
    )


# --- the home page -------------------------------------------------------------------------------------


@dataclass
class BoardCard:
    """A compact board of a plan for the home page: per round, how many bodies are late, missing,
    returned, on time, due."""

    plan: Plan
    rounds: list[reporting.RoundSummary]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where every signed-in user lands: what its bodies owe next (returned first, with the reviewer's
    comment), its tasks and their last reported status; a province-wide role sees its plan's board in
    brief; the national role and commune officers get their ways in."""
    scope = scope_of(request)
    if not scope.has_access:
        # A new account: nothing to show until an administrator gives it a role and an area.
        return render(request, "accounts/no_access.html", status=200)
    # the plan shortcuts come from plans where the scope has a root (not a 2023 plan for a 2025 commune)
    plans_seen = plans_with_root(scope)
    plan = selectors.default_plan(plans_seen)
    own_bodies = list(Agency.objects.filter(pk__in=scope.reports_for).order_by("code"))
    own_tasks = [(body, reporting.own_tasks(plan, body)) for body in own_bodies] if plan is not None else []
    board_card = None
    if plan is not None and scope.agency_ids is None and scope.province_path is not None:
        board_card = BoardCard(plan, reporting.board_summary(reporting.board(scope, plan)))
    return render(
        request,
        "dashboard/home.html",
        {
            "scope": scope,
            "plan": plan,
            "owed": reporting.owed_by(scope),
            "own_tasks": own_tasks,
            "board_card": board_card,
            "reads_boards": scope.agency_ids is None,
            "other_plans": plans_seen if scope.province_path is None else [],
            "can_review": reporting.may_review(scope),
        },
    )
