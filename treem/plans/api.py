"""API of plans: the plans of the caller's province, a plan whole, and its targets evaluated.

Evaluations carry figures counted from children's records as the dashboard shows them
(treem.indicators.disclosure): outside case management a derived numerator or denominator from 1 to
TREEM_SMALL_COUNT − 1 is null, the rate from it too, and `hidden` names them; among the units of one parent
(whose total the API also gives) a lone hidden one gets a second one hidden with it, whichever units the
request names, so that asking for them one by one gives nothing more; and for a count that adds up over
time (year = S1 + S2 = Q1 + … + Q4) among the periods of its year, whichever period the request names.
"""

from __future__ import annotations

from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from treem.accounts.policy import scope_of
from treem.core.api import error_response as _error
from treem.core.api import not_found_unit, period_problems
from treem.core.api import query_codes as _codes
from treem.core.periods import period_dates
from treem.indicators.disclosure import Derivations, Reader, Shown, shown, shown_among
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import unit_in_scope

from . import selectors
from .evaluation import Evaluation, evaluate
from .exporter import export_plan
from .models import Indicator, Plan

ERROR = OpenApiTypes.OBJECT


class PlanSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    owner = serializers.CharField(source="owner.code")

    class Meta:
        model = Plan
        fields = ["code", "year", "title", "province", "owner", "document"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans; `/api/plans/{code}/full/` is the whole plan in the plan file's shape (as export_plan prints)."""

    serializer_class = PlanSerializer
    lookup_field = "code"
    filterset_fields = ["year"]

    def get_queryset(self):
        return selectors.active_plans(scope_of(self.request))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def full(self, request: Request, code: str | None = None, format: str | None = None) -> Response:
        return Response(export_plan(self.get_object()))


class EvaluationView(APIView):
    """Each indicator of a plan evaluated for units and a period (Σnumerator / Σdenominator × factor)."""

    @extend_schema(
        operation_id="evaluations_list",
        summary="Đánh giá chỉ tiêu của kế hoạch",
        parameters=[
            OpenApiParameter("plan", str, required=True, description="plan code (Plan.code)"),
            OpenApiParameter(
                "period", str, required=True, description="DHIS2 period id, e.g. 2023 or 2023S1"
            ),
            OpenApiParameter(
                "orgUnit", str, many=True, description="GSO code; repeatable (default: the plan's province)"
            ),
            OpenApiParameter("indicator", str, many=True, description="indicator code (default: all)"),
        ],
        description=(
            "`derived`: the numerator or denominator is counted from children's records in this period. "
            "`hidden`: the numbers withheld from this caller (null in the answer): outside case management "
            "(the unit outside the caller's case area, or no second factor) a derived count from 1 to "
            "TREEM_SMALL_COUNT − 1 and the rate from it, plus one more unit among its siblings when one "
            "alone would be hidden (docs/indicators.md)."
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="a list of evaluations"),
            400: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR, description="no such plan, unit or indicator within the scope"),
        },
    )
    def get(self, request: Request) -> Response:
        plan_code = request.query_params.get("plan", "").strip()
        period = request.query_params.get("period", "").strip()
        problems = [] if plan_code else ["Thiếu tham số plan (mã kế hoạch)."]
        problems += period_problems([period]) if period else ["Thiếu tham số period (mã kỳ DHIS2)."]
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        scope = scope_of(request)
        plan = selectors.plan_in_scope(scope, plan_code)
        if plan is None:
            return _error(
                status.HTTP_404_NOT_FOUND, f"Không có kế hoạch mã '{plan_code}' trong phạm vi của bạn."
            )
        units = []
        # A code names a unit only with a time: the version that existed in the period asked (2023
        # commune 19900 for 2023, 2025 phường 19900 for 2026). The default is the plan's own province.
        during = period_dates(period)[1:]
        province = AdministrativeUnit.objects.version_of(plan.province.code, during=during) or plan.province
        asked: list[str | None] = list(_codes(request, "orgUnit")) or [None]
        for code in asked:
            unit = province if code is None else unit_in_scope(scope, code, during=during)
            if unit is None or not scope.sees_unit(unit) or not geometry.is_within(unit.path, province.path):
                return not_found_unit(code or province.code)
            units.append(unit)
        indicators = None
        wanted = _codes(request, "indicator")
        if wanted:
            indicators = list(
                plan.indicators.filter(is_active=True, code__in=wanted).order_by("target__order", "order")
            )
            unknown = sorted(set(wanted) - {i.code for i in indicators})
            if unknown:
                return _error(
                    status.HTTP_404_NOT_FOUND, f"Kế hoạch không có chỉ tiêu mã: {', '.join(unknown)}."
                )
        results = evaluate(plan, period, units, indicators)
        return Response(disclosed(plan, period, results, Reader.of_request(request)))


def disclosed(plan: Plan, period: str, results: list[Evaluation], reader: Reader) -> list[dict]:
    """The evaluations as `reader` may receive them, each with `derived` and `hidden`."""
    indicators = list({ev.indicator.pk: ev.indicator for ev in results}.values())
    derivations = Derivations(indicators)
    marks = derivations.marks(period)
    hidden_units = [ev for ev in results if marks.get(ev.indicator.pk) and not reader.exact(ev.unit.path)]
    among_siblings = _among_siblings(plan, period, hidden_units, derivations)
    answer = []
    for ev in results:
        mark = marks.get(ev.indicator.pk)
        figures = Shown(ev.numerator, ev.denominator, ev.value)
        if mark is not None and not reader.exact(ev.unit.path):
            figures = shown(ev, mark, exact=False)
            sibling = among_siblings.get((ev.unit.pk, ev.indicator.pk))
            if sibling is not None:
                figures = figures.hiding(
                    numerator=sibling.numerator_hidden, denominator=sibling.denominator_hidden
                )
        row = ev.as_dict()
        for name in figures.hidden_fields:
            row[name] = None
        answer.append({**row, "derived": mark is not None, "hidden": figures.hidden_fields})
    return answer


def _among_siblings(
    plan: Plan, period: str, evaluations: list[Evaluation], derivations: Derivations
) -> dict[tuple[int, int], Shown]:
    """The numbers of each unit (by unit and indicator pk) as the dashboard's drill-down of its parent
    shows them: with every sibling (a unit without a parent alone), complementary hiding included, over
    the periods of the year for a count that adds up over time (indicators.disclosure.shown_among: one
    evaluate() per parent, or seven, one per period of the year)."""
    _kind, start, end = period_dates(period)
    wanted: dict[int | None, dict[int, Indicator]] = {}
    roots: dict[int | None, AdministrativeUnit] = {}
    for ev in evaluations:
        wanted.setdefault(ev.unit.parent_id, {})[ev.indicator.pk] = ev.indicator
        if ev.unit.parent_id is None:
            roots[None] = ev.unit
    found: dict[tuple[int, int], Shown] = {}
    for parent_id, by_pk in wanted.items():
        if parent_id is None:
            units = [roots[None]]
        else:
            units = list(
                AdministrativeUnit.objects.filter(parent_id=parent_id)
                .existing_during(start, end)
                .order_by("path")
            )
        if not units:
            continue
        marked = list(by_pk.values())
        by_path = {unit.path: unit.pk for unit in units}
        figures = shown_among(
            period, marked, derivations, partial(evaluate, plan, units=units, indicators=marked)
        )
        for pk, shown_by_path in figures.items():
            for path, numbers in shown_by_path.items():
                found[(by_path[path], pk)] = numbers
    return found
