"""API of plans: the plans of the caller's province, a plan whole, and its targets evaluated."""

from __future__ import annotations

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
from treem.units import geometry
from treem.units.scope import unit_in_scope

from . import selectors
from .evaluation import evaluate
from .exporter import export_plan
from .models import Plan

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
        for code in _codes(request, "orgUnit") or [plan.province.code]:
            unit = unit_in_scope(scope, code)
            if unit is None or not geometry.is_within(unit.path, plan.province.path):
                return not_found_unit(code)
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
        return Response([e.as_dict() for e in evaluate(plan, period, units, indicators)])
