"""API of child protection cases (docs/cases-api.md): the same scope and the same access log as the pages.

Thin: reads go through treem.cases.selectors (`cases_for`, `case_in_scope`), writes through
treem.cases.services; every case record returned leaves one access event (a case read: the selector's;
a page of a list: one READ per case, written at once by access.record_accesses); a write leaves the
service's one event and answers without the child's details or confidential values.

Case records (lists, a case, its steps, its move, the task list) are for scopes with a `case_path` (commune
and district officers, the province case manager); for everyone else these are the same 404 as a case that
does not exist, and a case outside the scope is that 404 too, with the same body. The counts
(`/api/case-counts/`, treem/cases/api_counts.py) are for every role with an area.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from treem.accounts.otp import CaseFactorVerified
from treem.accounts.policy import scope_of
from treem.core.api import error_response as _error
from treem.core.api import not_found_unit
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from . import serializers as s
from .access import record_accesses
from .api_filters import PARAMETERS, UnitNotFound, by_urgency, read_filters
from .models import AccessAction, Case, CaseState, replay
from .procedure import default_procedure
from .selectors import CODE_MAX_LENGTH, case_in_scope, cases_for
from .services import CaseError, do_move_case, do_record_step, do_register_notification

NOT_FOUND = gettext_lazy("Không tìm thấy trường hợp trong phạm vi của bạn.")
NO_RECORDS = gettext_lazy("Không có hồ sơ trường hợp trong phạm vi của bạn.")
LIST_WHAT = "api list"
TASKS_WHAT = "api list: tasks"
DETAIL_WHAT = "api case: child, timeline with confidential values"
STEPS_WHAT = "api steps: timeline with confidential values"
MOVES_WHAT = "api moves: communes"
SOON_HOURS, MOST_HOURS = 24, 720  # 24: as the task list page (treem.cases.lists.SOON)
ERROR = s.ErrorSerializer
TAGS = ["cases"]


class CasePagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500


def not_found() -> Response:
    """The one answer for a case that does not exist and one outside the caller's scope."""
    return _error(status.HTTP_404_NOT_FOUND, str(NOT_FOUND))


def refused(exc: CaseError) -> Response:
    """A service's refusal: its message, then the problem of each field (also by field in `problems`)."""
    body = {"status": "ERROR", "conflicts": [exc.message, *exc.problems.values()], "problems": exc.problems}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def invalid(errors: Any) -> Response:
    """A body of the wrong shape (the serializer's errors, by field)."""
    problems = {name: " ".join(str(m) for m in messages) for name, messages in dict(errors).items()}
    conflicts = [f"{name}: {message}" for name, message in problems.items()]
    return Response(
        {"status": "ERROR", "conflicts": conflicts, "problems": problems}, status=status.HTTP_400_BAD_REQUEST
    )


def _case_to_change(scope: Scope, code: str) -> Case | None:
    """The case a write names, if the scope reads it (no access event: the service writes the change's)."""
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    return cases_for(scope).select_related("commune").filter(code=code).first()


FILTER_PARAMETERS = [
    OpenApiParameter("state", str, enum=["open", "closed", "all"], description="trạng thái / case state"),
    OpenApiParameter(
        "risk", str, enum=["high", "medium", "low", "none"], description="none: not assessed yet"
    ),
    OpenApiParameter("harm", str, description="a harm code of the procedure (violence, neglect, …)"),
    OpenApiParameter("overdue", bool, description="true: a running deadline has passed; false: none has"),
    OpenApiParameter("commune", str, description="GSO code of a commune (or district) in your case scope"),
]
assert [p.name for p in FILTER_PARAMETERS] == list(PARAMETERS)


class CaseViewSet(viewsets.GenericViewSet):
    """Cases of the caller's case scope (a commune officer: its commune; a district officer: its district;
    the province case manager: its province)."""

    permission_classes = [IsAuthenticated, CaseFactorVerified]
    queryset = Case.objects.none()  # the model, for the schema; every read goes through the selectors
    serializer_class = s.CaseSerializer
    pagination_class = CasePagination
    filter_backends: list = []
    lookup_field = "code"

    def _page(self, cases: QuerySet[Case]) -> list[Case]:
        page = self.paginate_queryset(cases)
        return list(page) if page is not None else list(cases[: CasePagination.max_limit])

    @extend_schema(
        tags=TAGS,
        summary="Danh sách trường hợp theo mức độ khẩn cấp",
        description=(
            "Cases of your case scope, by urgency as on the case list page: open ones first, the earliest "
            "deadline first (overdue ones lead), then closed ones, the latest closed first. Each case "
            "returned is logged (one READ access event per case, `what` = 'api list')."
        ),
        parameters=FILTER_PARAMETERS,
        responses={
            200: s.CaseSerializer(many=True),
            400: OpenApiResponse(ERROR, description="a filter with a value it does not take"),
            404: OpenApiResponse(ERROR, description="no case records in your scope, or no such commune"),
        },
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        scope = scope_of(request)
        if scope.case_path is None:
            return _error(status.HTTP_404_NOT_FOUND, str(NO_RECORDS))
        try:
            filters, problems = read_filters(request.query_params, scope)
        except UnitNotFound as exc:
            return not_found_unit(exc.code)
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        now = timezone.now()
        cases = by_urgency(filters.apply(cases_for(scope), now), filters.state).select_related(
            "commune", "child"
        )
        page = self._page(cases)
        record_accesses(request.user, AccessAction.READ, page, LIST_WHAT)
        data = s.CaseSerializer(page, many=True, context={"now": now}).data
        return self.get_paginated_response(data)

    @extend_schema(
        tags=TAGS,
        summary="Tiếp nhận thông báo (Mẫu số 01)",
        description=(
            "Registers a notification in a commune of your case scope: creates the child's record and the "
            "case. `values` and `secret_values` are the notification form's fields by name (see "
            "data/procedures/nd-56-2017.yaml); the child's name, the reporter's identity and the "
            "description are kept encrypted. Answers the case without the child's details."
        ),
        request=s.NotificationInput,
        responses={
            201: s.CaseSummarySerializer,
            400: OpenApiResponse(ERROR, description="the form refused, with each field's problem"),
            404: OpenApiResponse(ERROR, description="no case records in your scope"),
        },
    )
    def create(self, request: Request, format: str | None = None) -> Response:
        if scope_of(request).case_path is None:
            return _error(status.HTTP_404_NOT_FOUND, str(NO_RECORDS))
        given = s.NotificationInput(data=request.data)
        if not given.is_valid():
            return invalid(given.errors)
        try:
            case = do_register_notification(request.user, **given.validated_data)
        except CaseError as exc:
            return refused(exc)
        answer = s.CaseSummarySerializer(case, context={"now": timezone.now()}).data
        return Response(
            answer, status=status.HTTP_201_CREATED, headers={"Location": f"/api/cases/{case.code}/"}
        )

    @extend_schema(
        tags=TAGS,
        summary="Hồ sơ một trường hợp và toàn bộ diễn biến",
        description=(
            "One case with its child, every step recorded (all plan cycles, oldest first, confidential "
            "values included) and the steps the procedure allows now with their deadlines. Logged: one "
            "READ access event. A case that does not exist and one outside your scope are the same 404."
        ),
        responses={
            200: s.CaseDetailSerializer,
            404: OpenApiResponse(ERROR, description="no such case in scope"),
        },
    )
    def retrieve(self, request: Request, code: str = "", format: str | None = None) -> Response:
        case = case_in_scope(scope_of(request), code, user=request.user, what=DETAIL_WHAT)
        if case is None:
            return not_found()
        records = list(case.records.select_related("recorded_by").order_by("recorded_at", "id"))
        done, _cycle = replay(default_procedure(), [(record.step, record.values) for record in records])
        now = timezone.now()
        context = {
            "now": now,
            "records": records,
            "next_steps": s.next_steps(done, now) if case.is_open else [],
        }
        return Response(s.CaseDetailSerializer(case, context=context).data)

    @extend_schema(
        tags=TAGS,
        summary="Các bước đã ghi của một trường hợp",
        description=(
            "Every step recorded on the case (all plan cycles, oldest first, confidential values included) "
            "and the steps the procedure allows now. Logged: one READ access event."
        ),
        responses={200: s.StepsSerializer, 404: OpenApiResponse(ERROR, description="no such case in scope")},
    )
    @action(detail=True, methods=["get"])
    def steps(self, request: Request, code: str = "", format: str | None = None) -> Response:
        case = case_in_scope(scope_of(request), code, user=request.user, what=STEPS_WHAT)
        if case is None:
            return not_found()
        return Response(s.StepsSerializer(case, context=_timeline_context(case)).data)

    @extend_schema(
        tags=TAGS,
        summary="Ghi một bước của quy trình",
        description=(
            "Records one step of the procedure on a case of your scope, if the procedure allows it now "
            "(else 400 with the reason, e.g. a step out of order). Logged: one CHANGE access event. "
            "Answers the record's non-confidential values and the case."
        ),
        request=s.StepInput,
        responses={
            201: s.StepResultSerializer,
            400: OpenApiResponse(ERROR, description="refused by the procedure, or the form is invalid"),
            404: OpenApiResponse(ERROR, description="no such case in scope"),
        },
    )
    @steps.mapping.post
    def record_step(self, request: Request, code: str = "", format: str | None = None) -> Response:
        case = _case_to_change(scope_of(request), code)
        if case is None:
            return not_found()
        given = s.StepInput(data=request.data)
        if not given.is_valid():
            return invalid(given.errors)
        data = given.validated_data
        try:
            record = do_record_step(request.user, case, data["step"], data["values"], data["secret_values"])
        except CaseError as exc:
            return refused(exc)
        answer = s.StepResultSerializer(
            {"record": record, "case": record.case}, context={"now": timezone.now()}
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Các lần chuyển xã của một trường hợp",
        description="The case's moves between communes, oldest first. Logged: one READ access event.",
        responses={200: s.MoveSerializer(many=True), 404: OpenApiResponse(ERROR, description="no such case")},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def moves(self, request: Request, code: str = "", format: str | None = None) -> Response:
        case = case_in_scope(scope_of(request), code, user=request.user, what=MOVES_WHAT)
        if case is None:
            return not_found()
        return Response(s.MoveSerializer(moves_of(case), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Chuyển trường hợp sang xã khác",
        description=(
            "The child moved: the case and the child's record go to another commune of your province, "
            "whose officers see it from now on. Logged: one CHANGE access event."
        ),
        request=s.MoveInput,
        responses={
            200: s.CaseSummarySerializer,
            400: OpenApiResponse(ERROR, description="refused (closed case, unknown commune, same commune)"),
            404: OpenApiResponse(ERROR, description="no such case in scope"),
        },
    )
    @moves.mapping.post
    def move(self, request: Request, code: str = "", format: str | None = None) -> Response:
        case = _case_to_change(scope_of(request), code)
        if case is None:
            return not_found()
        given = s.MoveInput(data=request.data)
        if not given.is_valid():
            return invalid(given.errors)
        try:
            moved = do_move_case(request.user, case, given.validated_data["commune_code"])
        except CaseError as exc:
            return refused(exc)
        return Response(s.CaseSummarySerializer(moved, context={"now": timezone.now()}).data)

    @extend_schema(
        tags=TAGS,
        summary="Việc cần làm: các bước quá hạn và sắp đến hạn",
        description=(
            "Open cases of your scope whose earliest deadline has passed or falls within `hours` (default "
            f"{SOON_HOURS}), the most urgent first, each with the steps due. Each case returned is logged "
            "(one READ access event per case)."
        ),
        parameters=[OpenApiParameter("hours", int, description=f"how far ahead (1–{MOST_HOURS})")],
        responses={
            200: s.TaskSerializer(many=True),
            400: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR, description="no case records in your scope"),
        },
    )
    @action(detail=False)
    def tasks(self, request: Request, format: str | None = None) -> Response:
        scope = scope_of(request)
        if scope.case_path is None:
            return _error(status.HTTP_404_NOT_FOUND, str(NO_RECORDS))
        hours = _hours(request.query_params.get("hours", ""))
        if hours is None:
            return _error(
                status.HTTP_400_BAD_REQUEST,
                gettext("hours: cần là số nguyên từ 1 đến %(most)s.") % {"most": MOST_HOURS},
            )
        now = timezone.now()
        cases = (
            cases_for(scope)
            .filter(state=CaseState.OPEN, next_due_at__lte=now + datetime.timedelta(hours=hours))
            .select_related("commune", "child")
            .prefetch_related("records")
            .order_by("next_due_at", "id")
        )
        page = self._page(cases)
        record_accesses(request.user, AccessAction.READ, page, TASKS_WHAT)
        due = {case.pk: _due_steps(case, now) for case in page}
        data = s.TaskSerializer(page, many=True, context={"now": now, "next_steps": due}).data
        return self.get_paginated_response(data)


def _timeline_context(case: Case) -> dict[str, Any]:
    """A case's records in order (read through the case the selector opened) and the steps it may take."""
    records = list(case.records.select_related("recorded_by").order_by("recorded_at", "id"))
    done, _cycle = replay(default_procedure(), [(record.step, record.values) for record in records])
    now = timezone.now()
    return {"now": now, "records": records, "next_steps": s.next_steps(done, now) if case.is_open else []}


def moves_of(case: Case) -> list[dict[str, Any]]:
    """The case's moves between communes (from its history): from, to, when, by whom."""
    rows = list(
        case.history.order_by("history_date", "history_id").values(
            "commune_id", "history_date", "history_user__username"
        )
    )
    changes = [
        (old, new) for old, new in zip(rows, rows[1:], strict=False) if old["commune_id"] != new["commune_id"]
    ]
    ids = {row["commune_id"] for pair in changes for row in pair}
    units = {unit.pk: unit for unit in AdministrativeUnit.objects.filter(pk__in=ids)} if ids else {}
    return [
        {
            "moved_from": units.get(old["commune_id"]),
            "moved_to": units.get(new["commune_id"]),
            "at": new["history_date"],
            "by": new["history_user__username"] or "",
        }
        for old, new in changes
    ]


def _hours(text: str) -> int | None:
    if not text:
        return SOON_HOURS
    text = text.strip()
    if not text.isdigit() or len(text) > 4:
        return None
    hours = int(text)
    return hours if 1 <= hours <= MOST_HOURS else None


def _due_steps(case: Case, now: datetime.datetime) -> list[dict[str, Any]]:
    """The steps of a case that have a deadline now (its records prefetched, in their order)."""
    records = sorted(case.records.all(), key=lambda record: (record.recorded_at, record.pk))
    done, _cycle = replay(default_procedure(), [(record.step, record.values) for record in records])
    return [step for step in s.next_steps(done, now) if step["due_at"] is not None]
