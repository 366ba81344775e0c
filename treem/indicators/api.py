"""API for data values (DHIS2 dataValueSets) and target evaluations.

Thin: the engine reads and writes (`dhis2`, `datavalues.import_values`, `evaluation.evaluate`); scope comes
from `treem.accounts.policy`. A POST is checked whole and writes nothing when any value is wrong (409).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from treem.accounts import policy
from treem.core.errors import InputErrors
from treem.plans.selectors import active_plans
from treem.units.models import AdministrativeUnit

from . import dhis2
from .datavalues import import_values
from .evaluation import evaluate
from .periods import PeriodError, parse_period


class _TextParser(BaseParser):
    """The body as text, so the dhis2 readers report bad JSON/CSV by line in Vietnamese."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream else b""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputErrors(["Nội dung gửi lên phải được mã hóa UTF-8."]) from exc


class DataValueSetJSONParser(_TextParser):
    media_type = "application/json"


class DataValueSetCSVParser(_TextParser):
    media_type = "text/csv"


def _error(http_status: int, *messages: str) -> Response:
    return Response({"status": "ERROR", "conflicts": list(messages)}, status=http_status)


def _codes(request: Request, name: str) -> list[str]:
    """A repeatable query parameter (`?period=2023S1&period=2023S2`), commas also accepted."""
    return [
        code.strip() for raw in request.query_params.getlist(name) for code in raw.split(",") if code.strip()
    ]


IMPORT_SUMMARY = OpenApiTypes.OBJECT
ERROR = OpenApiTypes.OBJECT


class DataValueSetView(APIView):
    """DHIS2 dataValueSets: read values of a unit's subtree, or import values (all or nothing)."""

    parser_classes = [DataValueSetJSONParser, DataValueSetCSVParser]

    @extend_schema(
        operation_id="dataValueSets_read",
        summary="Số liệu dạng DHIS2 dataValueSets",
        description="Values of `orgUnit` and every unit under it for the given periods (exact DHIS2 ids).",
        parameters=[
            OpenApiParameter(
                "period", str, required=True, many=True, description="DHIS2 period id, e.g. 2023S1"
            ),
            OpenApiParameter("orgUnit", str, required=True, description="GSO code; its subtree is included"),
            OpenApiParameter("dataElement", str, many=True, description="data element code (default: all)"),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description='{"dataValues": [...]}'),
            400: OpenApiResponse(ERROR),
            403: OpenApiResponse(ERROR, description="orgUnit is outside the user's scope"),
            404: OpenApiResponse(ERROR),
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        periods = _codes(request, "period")
        unit_code = request.query_params.get("orgUnit", "").strip()
        problems = [] if periods else ["Thiếu tham số period (mã kỳ DHIS2, ví dụ 2023S1)."]
        if not unit_code:
            problems.append("Thiếu tham số orgUnit (mã đơn vị hành chính).")
        problems += _period_problems(periods)
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        unit, refusal = _visible_unit(request, unit_code)
        if refusal:
            return refusal
        rows = dhis2.values_for_export(periods, unit.path, _codes(request, "dataElement"))
        return HttpResponse(dhis2.write_json(rows), content_type="application/json; charset=utf-8")

    @extend_schema(
        operation_id="dataValueSets_import",
        summary="Nhập số liệu dạng DHIS2 dataValueSets (JSON hoặc CSV)",
        description=(
            "Everything is checked first (types, the user's entry scope, rules between elements); with any "
            "conflict nothing is written and the answer is 409. `dryRun=true` checks and counts only."
        ),
        parameters=[OpenApiParameter("dryRun", bool, description="check and count, write nothing")],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "text/csv": OpenApiTypes.STR,
        },
        responses={
            200: OpenApiResponse(IMPORT_SUMMARY, description="importSummary (SUCCESS or WARNING)"),
            400: OpenApiResponse(ERROR, description="the file itself cannot be read"),
            403: OpenApiResponse(ERROR, description="the user may not enter figures"),
            409: OpenApiResponse(IMPORT_SUMMARY, description="importSummary with conflicts; nothing written"),
        },
        examples=[
            OpenApiExample(
                "dataValueSets",
                request_only=True,
                media_type="application/json",
                value={
                    "dataValues": [
                        {"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "412"}
                    ]
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not policy.can_enter_values(request.user):
            return _error(status.HTTP_403_FORBIDDEN, "Bạn không có quyền nhập số liệu.")
        try:
            text = request.data
            if not isinstance(text, str):  # no body at all
                raise InputErrors(["Không có nội dung: gửi dataValueSets dạng JSON hoặc CSV."])
            is_csv = (request.content_type or "").split(";")[0].strip() == "text/csv"
            inputs = dhis2.read_csv(text) if is_csv else dhis2.read_json(text)
        except InputErrors as exc:
            return _error(status.HTTP_400_BAD_REQUEST, *exc.messages)
        except UnsupportedMediaType:
            return _error(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                "Chỉ nhận dataValueSets dạng JSON (application/json) hoặc CSV (text/csv).",
            )
        dry_run = request.query_params.get("dryRun", "").lower() in ("true", "1")
        summary = import_values(inputs, user=request.user, dry_run=dry_run)
        http_status = status.HTTP_409_CONFLICT if summary.conflicts else status.HTTP_200_OK
        return Response(summary.as_dict(), status=http_status)


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
            403: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR),
        },
    )
    def get(self, request: Request) -> Response:
        plan_code = request.query_params.get("plan", "").strip()
        period = request.query_params.get("period", "").strip()
        problems = [] if plan_code else ["Thiếu tham số plan (mã kế hoạch)."]
        problems += _period_problems([period]) if period else ["Thiếu tham số period (mã kỳ DHIS2)."]
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        plan = active_plans().filter(code=plan_code).first() if policy.can_view_plans(request.user) else None
        if plan is None:
            return _error(status.HTTP_404_NOT_FOUND, f"Không có kế hoạch mã '{plan_code}'.")
        units = []
        for code in _codes(request, "orgUnit") or [plan.province.code]:
            unit, refusal = _visible_unit(request, code)
            if refusal:
                return refusal
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


def _period_problems(codes: list[str]) -> list[str]:
    problems = []
    for code in codes:
        try:
            parse_period(code)
        except PeriodError as exc:
            problems.append(f"period: {exc}.")
    return problems


def _visible_unit(request: Request, code: str):
    """(unit, None) when the user may see the unit; (None, a 404/403 response) otherwise."""
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None:
        return None, _error(status.HTTP_404_NOT_FOUND, f"Không có đơn vị hành chính mã '{code}'.")
    if not policy.can_view_unit(request.user, unit):
        return None, _error(
            status.HTTP_403_FORBIDDEN, f"Bạn không được xem số liệu của đơn vị '{code}' ({unit.name})."
        )
    return unit, None
