"""API for data values (DHIS2 dataValueSets).

Thin: the engine reads and writes (`dhis2`, `datavalues.import_values`); the request's Scope (built by
`treem.accounts.policy`) limits both. A read leaves out the derived values the caller may not see (small
counts from children's records outside case management, with their complements among sibling units,
categories and the periods of a year: treem.indicators.disclosure) and says how many
in the `X-Withheld-Values` header. A POST is checked whole and writes nothing when any value is wrong
(409). A unit that does not exist and one outside the scope get the same 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from treem.accounts.policy import scope_of
from treem.core.api import error_response as _error
from treem.core.api import not_found_unit, period_problems
from treem.core.api import query_codes as _codes
from treem.core.errors import InputErrors
from treem.core.uploads import excerpt
from treem.units.scope import unit_in_scope

from . import dhis2, dhis2_read
from .datavalues import import_values
from .disclosure import Reader
from .periods import span_of


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


WITHHELD_HEADER = "X-Withheld-Values"  # how many values a read left out (derived small counts)
MAX_API_VALUES = 200_000  # one request; the body's size limit (TREEM_MAX_API_BODY_BYTES) comes first
FLAG_VALUES = {"true": True, "1": True, "false": False, "0": False, "": False}


def query_flag(request: Request, name: str) -> bool | None:
    """A true/false query parameter (absent: false); None when it has any other value, which the caller
    refuses: `?dryRun=yes` must never be taken for "write"."""
    values = request.query_params.getlist(name)
    if not values:
        return False
    flags = {FLAG_VALUES.get(value.strip().lower()) for value in values}
    return flags.pop() if len(flags) == 1 else None


IMPORT_SUMMARY = OpenApiTypes.OBJECT
ERROR = OpenApiTypes.OBJECT


class DataValueSetView(APIView):
    """DHIS2 dataValueSets: read values of a unit's subtree, or import values (all or nothing)."""

    parser_classes = [DataValueSetJSONParser, DataValueSetCSVParser]

    @extend_schema(
        operation_id="dataValueSets_read",
        summary="Số liệu dạng DHIS2 dataValueSets",
        description=(
            "Values of `orgUnit` and every unit under it for the given periods (exact DHIS2 ids). Values "
            "counted from children's records (derived elements) of 1 to TREEM_SMALL_COUNT − 1 are left out "
            "outside the caller's case area or without the second factor, with one more among sibling units "
            "or an element's categories when one alone would be, and for a count that adds up over time "
            "(year = S1 + S2 = Q1 + … + Q4) among the periods of its year, whichever periods are asked "
            '(DHIS2 has no "< 5"; leaving a value out is how its aggregate suppression works). The '
            "`X-Withheld-Values` header gives how many were left out (0 when none)."
        ),
        parameters=[
            OpenApiParameter(
                "period", str, required=True, many=True, description="DHIS2 period id, e.g. 2023S1"
            ),
            OpenApiParameter("orgUnit", str, required=True, description="GSO code; its subtree is included"),
            OpenApiParameter("dataElement", str, many=True, description="data element code (default: all)"),
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='{"dataValues": [...]}; header X-Withheld-Values: values left out',
            ),
            400: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR, description="no such orgUnit within the user's scope"),
        },
    )
    def get(self, request: Request, **route: str | None) -> Response | HttpResponse:
        periods = _codes(request, "period")
        unit_code = request.query_params.get("orgUnit", "").strip()
        problems = [] if periods else ["Thiếu tham số period (mã kỳ DHIS2, ví dụ 2023S1)."]
        if not unit_code:
            problems.append("Thiếu tham số orgUnit (mã đơn vị hành chính).")
        problems += period_problems(periods)
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        # The version of the code that existed in the periods asked (2023 commune 19900 for 2023S1).
        unit = unit_in_scope(scope_of(request), unit_code, during=span_of(periods))
        if unit is None:
            return not_found_unit(unit_code)
        elements = _codes(request, "dataElement")
        rows = dhis2.values_for_export(periods, unit.path, elements)
        withheld = dhis2.withheld_values(periods, unit, elements, Reader.of_request(request))
        response = HttpResponse(
            dhis2.write_json(rows, withheld), content_type="application/json; charset=utf-8"
        )
        response[WITHHELD_HEADER] = str(len(withheld))
        return response

    @extend_schema(
        operation_id="dataValueSets_import",
        summary="Nhập số liệu dạng DHIS2 dataValueSets (JSON hoặc CSV)",
        description=(
            "Everything is checked first (types, the user's entry scope, rules between elements); with any "
            "conflict nothing is written and the answer is 409. `dryRun=true` checks and counts only."
        ),
        parameters=[
            OpenApiParameter(
                "dryRun",
                bool,
                description="true: check and count, write nothing; any value but true/false is a 400",
            )
        ],
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
    def post(self, request: Request, **route: str | None) -> Response:
        scope = scope_of(request)
        if not scope.can_enter_values:
            return _error(status.HTTP_403_FORBIDDEN, "Bạn không có quyền nhập số liệu.")
        dry_run = query_flag(request, "dryRun")
        if dry_run is None:
            return _error(
                status.HTTP_400_BAD_REQUEST,
                _("Tham số dryRun phải là true hoặc false, không phải '%(value)s'; không có gì được ghi.")
                % {"value": excerpt(request.query_params.get("dryRun", ""))},
            )
        try:
            text = request.data
            if not isinstance(text, str):  # no body at all
                raise InputErrors(["Không có nội dung: gửi dataValueSets dạng JSON hoặc CSV."])
            is_csv = (request.content_type or "").split(";")[0].strip() == "text/csv"
            read = dhis2_read.read_csv if is_csv else dhis2_read.read_json
            inputs = read(text, max_values=MAX_API_VALUES)
        except InputErrors as exc:
            return _error(status.HTTP_400_BAD_REQUEST, *exc.messages)
        except UnsupportedMediaType:
            return _error(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                "Chỉ nhận dataValueSets dạng JSON (application/json) hoặc CSV (text/csv).",
            )
        summary = import_values(inputs, user=request.user, scope=scope.entry, dry_run=dry_run)
        http_status = status.HTTP_409_CONFLICT if summary.conflicts else status.HTTP_200_OK
        return Response(summary.as_dict(), status=http_status)
