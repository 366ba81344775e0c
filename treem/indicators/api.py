"""API for data values (DHIS2 dataValueSets), answering as DHIS2's Web API does.

Thin: the engine reads and writes (`dhis2_read`, `datavalues.import_values`, `dhis2`); the request's Scope
(built by `treem.accounts.policy`) limits both. A read leaves out the derived values the caller may not see
(small counts from children's records outside case management, with their complements among sibling units,
categories and the periods of a year: treem.indicators.disclosure) and says how many in the
`X-Withheld-Values` header. An import is checked whole; with `atomicMode=ALL` (the default) it writes
nothing when any value is wrong (409). A unit that does not exist and one outside the scope get the same
404. Every answer other than a read's values is one of DHIS2's WebMessages (`webmessage`), refusals
included: DHIS2 clients read `status`, `httpStatusCode` and `response`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from treem.accounts.policy import scope_of
from treem.core.api import unit_not_found_text
from treem.core.dhis2_message import WebMessageView
from treem.core.errors import InputErrors
from treem.units.scope import unit_in_scope

from . import dhis2, dhis2_read, import_options, webmessage
from .api_export import CSV_TYPES, csv_answer, export_query
from .datavalues import import_values
from .disclosure import Reader
from .value_inputs import ImportSummary, Message

WITHHELD_HEADER = "X-Withheld-Values"  # how many values a read left out (derived small counts)
MAX_API_VALUES = 200_000  # one request; the body's size limit (TREEM_MAX_API_BODY_BYTES) comes first
JSON_TYPES = ("application/json",)
XML_TYPES = ("application/xml", "text/xml")
UNTYPED = ("", "text/plain", "application/octet-stream")  # then the path's suffix says what the body is
XML_REFUSED = "XML is not supported"  # DHIS2's wording, in every language: clients and people search for it


class _Body(BaseParser):
    """Listed so the schema names the bodies accepted; the view reads the body itself (`_body_text`)."""

    def parse(self, stream, media_type=None, parser_context=None):  # pragma: no cover
        raise exceptions.UnsupportedMediaType(media_type)


class _JSONBody(_Body):
    media_type = "application/json"


class _CSVBody(_Body):
    media_type = "application/csv"


class _TextCSVBody(_Body):
    media_type = "text/csv"


class _AlwaysJSON(DefaultContentNegotiation):
    """Answers are JSON WebMessages whatever `Accept` says; the read chooses CSV itself (`csv_answer`). DRF's
    negotiation would answer 406 to `Accept: application/csv`."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _answer(http_status: int, message: str, **fields: Any) -> Response:
    return Response(webmessage.web_message(http_status, message, **fields), status=http_status)


def _refused(http_status: int, messages: list[str]) -> Response:
    return _answer(http_status, " ".join(messages))


def _not_found(code: str) -> Response:
    """The one answer for a unit that does not exist and one outside the caller's scope."""
    return _refused(status.HTTP_404_NOT_FOUND, [unit_not_found_text(code)])


def _unreadable(messages: list[str], options: import_options.ImportOptions) -> Response:
    """A body refused whole (not JSON or CSV, too many values, a bad option): DHIS2's 400 with an
    ImportSummary whose conflicts are the problems, so clients that read only `response` see them."""
    summary = ImportSummary(dry_run=options.dry_run, conflicts=[Message("", "", text) for text in messages])
    return _answer(
        status.HTTP_400_BAD_REQUEST,
        messages[0] if len(messages) == 1 else _("Không đọc được dữ liệu gửi lên; không có gì được ghi."),
        response=webmessage.import_summary(summary, options.as_dhis2()),
    )


def _body_kind(content_type: str, suffix: str | None) -> str | None:
    """json, csv, xml, or None for a type treem does not read."""
    media = content_type.split(";")[0].strip().lower()
    if media in XML_TYPES or media.endswith("+xml"):
        return "xml"
    if media in CSV_TYPES:
        return "csv"
    if media in JSON_TYPES:
        return "json"
    if media in UNTYPED and suffix in (".csv", ".json"):
        return suffix[1:]
    return None


def _empty(request: Request) -> bool:
    """No body at all (then no type either): refused as empty, not as of an unsupported type."""
    return not (request.content_type or "").strip() and not request.META.get("CONTENT_LENGTH", "").strip("0")


def _body_text(request: Request) -> str:
    # Read from the stream, as DRF's parsers do: `request.body` would apply Django's form limit
    # (DATA_UPLOAD_MAX_MEMORY_SIZE) instead of the API's (TREEM_MAX_API_BODY_BYTES, checked before).
    stream = request.stream
    raw = stream.read() if stream is not None else b""
    if not raw.strip():
        raise InputErrors([_("Không có nội dung: gửi dataValueSets dạng JSON hoặc CSV.")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputErrors([_("Nội dung gửi lên phải được mã hóa UTF-8.")]) from exc


WEB_MESSAGE = OpenApiResponse(OpenApiTypes.OBJECT, description="DHIS2 WebMessage")
IMPORT_MESSAGE = OpenApiTypes.OBJECT


class DataValueSetView(WebMessageView):
    """DHIS2 dataValueSets: read values of units (and their subtrees with children=true), or import values."""

    parser_classes = [_JSONBody, _CSVBody, _TextCSVBody]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AlwaysJSON

    @extend_schema(
        operation_id="dataValueSets_read",
        summary="Số liệu dạng DHIS2 dataValueSets",
        description=(
            "Values of each `orgUnit` (with `children=true`, of every unit under it too) for the given "
            "periods, or for the periods lying within `startDate` … `endDate`, as DHIS2 exports them. JSON "
            '({"dataValues": [...]}), or CSV with `Accept: application/csv` or `text/csv` or the `.csv` '
            "suffix. Values counted from children's records (derived elements) of 1 to "
            "TREEM_SMALL_COUNT − 1 are left out outside the caller's case area or without the second "
            "factor, with one more among sibling units or an element's categories when one alone would be, "
            "and for a count that adds up over time (year = S1 + S2 = Q1 + … + Q4) among the periods of its "
            'year, whichever periods are asked (DHIS2 has no "< 5"; leaving a value out is how its '
            "aggregate suppression works). The `X-Withheld-Values` header gives how many were left out (0 "
            "when none). With `includeDeleted=true`, deleted derived values are given only to readers who see "
            "them exactly. Any other parameter is a 400 naming it; errors are DHIS2 WebMessages."
        ),
        parameters=[
            OpenApiParameter("period", str, many=True, description="DHIS2 period id, e.g. 2023S1"),
            OpenApiParameter("startDate", OpenApiTypes.DATE, description="with endDate, instead of period"),
            OpenApiParameter("endDate", OpenApiTypes.DATE),
            OpenApiParameter("orgUnit", str, required=True, many=True, description="GSO code"),
            OpenApiParameter("children", bool, description="true: every unit under orgUnit too"),
            OpenApiParameter("dataElement", str, many=True, description="data element code (default: all)"),
            OpenApiParameter("lastUpdated", str, description="ISO date or date-time: values changed since"),
            OpenApiParameter("includeDeleted", bool, description="true: deleted values too (deleted: true)"),
            OpenApiParameter("idScheme", str, enum=["CODE"]),
            OpenApiParameter("dataElementIdScheme", str, enum=["CODE"]),
            OpenApiParameter("orgUnitIdScheme", str, enum=["CODE"]),
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='{"dataValues": [...]} or CSV; header X-Withheld-Values: values left out',
            ),
            400: WEB_MESSAGE,
            401: WEB_MESSAGE,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="no such orgUnit within the user's scope"),
        },
    )
    def get(self, request: Request, **route: str | None) -> Response | HttpResponse:
        try:
            query = export_query(request.query_params)
        except InputErrors as exc:
            return _refused(status.HTTP_400_BAD_REQUEST, exc.messages)
        scope = scope_of(request)
        units = []
        for code in query.units:
            # The version of the code that existed in the periods asked (2023 commune 19900 for 2023S1).
            unit = unit_in_scope(scope, code, during=query.span)
            if unit is None:
                return _not_found(code)
            units.append(unit)
        reader = Reader.of_request(request)
        rows = dhis2.values_for_export(
            query.periods, units, query.elements, children=query.children, last_updated=query.last_updated
        )
        withheld: set[int] = set()
        if query.periods:
            for unit in units:
                withheld |= dhis2.withheld_values(
                    query.periods, unit, query.elements, reader, children=query.children
                )
        deleted = []
        if query.include_deleted:
            deleted = dhis2.deleted_for_export(
                query.periods,
                units,
                query.elements,
                children=query.children,
                last_updated=query.last_updated,
                reader=reader,
            )
        csv_type = csv_answer(request.headers.get("Accept", ""), route.get("suffix"))
        if csv_type:
            response = HttpResponse(
                dhis2.write_csv(rows, withheld, deleted), content_type=f"{csv_type}; charset=utf-8"
            )
        else:
            response = HttpResponse(
                dhis2.write_json(rows, withheld, deleted), content_type="application/json; charset=utf-8"
            )
        response[WITHHELD_HEADER] = str(len(withheld))
        return response

    @extend_schema(
        operation_id="dataValueSets_import",
        summary="Nhập số liệu dạng DHIS2 dataValueSets (JSON hoặc CSV)",
        description=(
            "JSON (application/json) or CSV (application/csv, text/csv; or the .csv suffix); XML is refused "
            "(415). Everything is checked first (types, the user's entry scope, rules between elements). "
            "Import options as query parameters (and dryRun/importStrategy/idScheme… in the JSON payload): "
            "dryRun, importStrategy (CREATE_AND_UPDATE, CREATE, UPDATE, DELETE), idScheme/"
            "dataElementIdScheme/orgUnitIdScheme (CODE), atomicMode (ALL: any conflict and nothing is "
            "written; NONE: the valid values are), firstRowIsHeader (CSV); an option treem does not support "
            "is a 400. The answer is DHIS2's WebMessage with the ImportSummary in `response`: 200 (status "
            "OK, or WARNING with conflicts or outlier warnings), 409 when nothing was written because of "
            "conflicts."
        ),
        parameters=[
            OpenApiParameter("dryRun", bool, description="true: check and count, write nothing"),
            OpenApiParameter("importStrategy", str, enum=["CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE"]),
            OpenApiParameter("atomicMode", str, enum=["ALL", "NONE"]),
            OpenApiParameter("idScheme", str, enum=["CODE"]),
            OpenApiParameter("dataElementIdScheme", str, enum=["CODE"]),
            OpenApiParameter("orgUnitIdScheme", str, enum=["CODE"]),
            OpenApiParameter("firstRowIsHeader", bool, description="CSV: whether the first row is a header"),
        ],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/csv": OpenApiTypes.STR,
            "text/csv": OpenApiTypes.STR,
        },
        responses={
            200: OpenApiResponse(IMPORT_MESSAGE, description="WebMessage; response: ImportSummary"),
            400: OpenApiResponse(IMPORT_MESSAGE, description="the body or an option cannot be read"),
            401: WEB_MESSAGE,
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="the user may not enter figures"),
            409: OpenApiResponse(IMPORT_MESSAGE, description="ImportSummary with conflicts; nothing written"),
            415: OpenApiResponse(OpenApiTypes.OBJECT, description="not JSON or CSV (XML is not supported)"),
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
            return _refused(status.HTTP_403_FORBIDDEN, [_("Bạn không có quyền nhập số liệu.")])
        kind = "json" if _empty(request) else _body_kind(request.content_type or "", route.get("suffix"))
        if kind == "xml":
            return _refused(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                [
                    XML_REFUSED
                    + ": "
                    + _("hãy gửi dataValueSets dạng JSON (application/json) hoặc CSV (application/csv).")
                ],
            )
        if kind is None:
            return _refused(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                [
                    _(
                        "Chỉ nhận dataValueSets dạng JSON (application/json) hoặc CSV (application/csv, text/csv)."
                    )
                ],
            )
        options = import_options.ImportOptions()
        try:
            options = import_options.import_options(request.query_params)
            text = _body_text(request)
            if kind == "csv":
                value_set = dhis2_read.read_csv(
                    text, max_values=MAX_API_VALUES, first_row_is_header=options.first_row_is_header
                )
            else:
                value_set = dhis2_read.read_json(text, max_values=MAX_API_VALUES)
            # A CSV file carries no options (firstRowIsHeader is a query parameter): None, not {}.
            payload = value_set.options if kind == "json" else None
            options = import_options.import_options(request.query_params, payload)
            if options.format is not None and options.format != kind:
                raise InputErrors(
                    [
                        _("Tham số format=%(format)s không khớp với nội dung gửi lên (%(kind)s).")
                        % {"format": options.format.upper(), "kind": kind.upper()}
                    ]
                )
        except InputErrors as exc:
            return _unreadable(exc.messages, options)
        summary = import_values(
            value_set.inputs,
            user=request.user,
            scope=scope.entry,
            dry_run=options.dry_run,
            strategy=options.strategy,
            atomic=options.atomic,
            strict_numbers=True,
            rejected=value_set.conflicts,
        )
        http_status, body = webmessage.import_web_message(summary, options.as_dhis2())
        return Response(body, status=http_status)
