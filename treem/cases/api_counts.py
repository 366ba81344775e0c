"""API of case counts (docs/cases-api.md): `/api/case-counts/`, cases counted by harm, risk, step, overdue
or state over an area, for every role with an area. Aggregates only, never a name; outside the caller's own
case records (treem.cases.selectors.case_counts decides) a count from 1 to the threshold − 1 is suppressed:
`count` null, `suppressed` true, and the answer gives the threshold. A `within` unit that does not exist and
one outside the scope are the same 404.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from treem.accounts.otp import CaseFactorVerified
from treem.accounts.policy import scope_of
from treem.core.api import error_response as _error
from treem.core.api import not_found_unit
from treem.units.scope import unit_in_scope

from . import serializers as s
from .models import CaseState
from .procedure import default_procedure
from .selectors import GROUPINGS, case_counts, small_count_threshold

ERROR = s.ErrorSerializer
TAGS = ["cases"]
NO_COUNTS = gettext_lazy("Không có số liệu trường hợp trong phạm vi của bạn.")

NOT_ASSESSED_LABEL = gettext_lazy("Chưa đánh giá")
OVERDUE_LABELS = {"overdue": gettext_lazy("Quá hạn"), "on_time": gettext_lazy("Chưa quá hạn")}
FLAGS = {"": False, "false": False, "0": False, "true": True, "1": True}


def _labels(by: str) -> dict[str, str]:
    """Each key of a grouping with its label, in the procedure's order."""
    procedure = default_procedure()
    if by == "harm":
        return {choice.code: choice.label for choice in procedure.choices("harms")}
    if by == "risk":
        return {**{c.code: c.label for c in procedure.choices("risk_levels")}, "": str(NOT_ASSESSED_LABEL)}
    if by == "step":
        return {step.code: step.label for step in procedure.steps}
    if by == "state":
        return {str(value): str(label) for value, label in CaseState.choices}
    return {code: str(label) for code, label in OVERDUE_LABELS.items()}


class CaseCountsView(APIView):
    """Counts of cases by harm, risk, step or overdue: aggregates, never a name."""

    permission_classes = [IsAuthenticated, CaseFactorVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="case_counts",
        summary="Số trường hợp theo hành vi xâm hại, mức độ nguy cơ, bước hoặc quá hạn",
        description=(
            "Open cases (and closed ones with include_closed=true) of the unit `within` (default: all you "
            "see), counted by harm (a case counts under each of its harms), risk ('' not assessed yet), the "
            "last step recorded, or overdue. For every role with an area; never a name. Outside your own "
            "case records a count from 1 to threshold − 1 is suppressed: `count` null, `suppressed` true."
        ),
        parameters=[
            OpenApiParameter("by", str, required=True, enum=list(GROUPINGS)),
            OpenApiParameter("within", str, description="GSO code of a unit you see (default: all you see)"),
            OpenApiParameter("include_closed", bool, description="count closed cases too (default false)"),
        ],
        responses={
            200: s.CaseCountsSerializer,
            400: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR, description="no such unit within your scope"),
        },
    )
    def get(self, request: Request, format: str | None = None) -> Response:
        by = request.query_params.get("by", "").strip()
        closed = FLAGS.get(request.query_params.get("include_closed", "").strip().lower())
        problems = (
            []
            if by in GROUPINGS
            else [gettext("by: cần là một trong %(codes)s.") % {"codes": ", ".join(GROUPINGS)}]
        )
        if closed is None:
            problems.append(gettext("include_closed: cần là true hoặc false."))
        if problems:
            return _error(status.HTTP_400_BAD_REQUEST, *problems)
        scope = scope_of(request)
        if not scope.has_access:
            return _error(status.HTTP_404_NOT_FOUND, str(NO_COUNTS))
        within = request.query_params.get("within", "").strip()
        path = None
        if within:
            unit = unit_in_scope(scope, within)
            if unit is None:
                return not_found_unit(within)
            path = unit.path
        counts = case_counts(scope, by, within=path, include_closed=bool(closed))
        labels = _labels(by)
        keys = [key for key in labels if key in counts] + sorted(set(counts) - set(labels))
        body = {
            "by": by,
            "within": within or None,
            "include_closed": bool(closed),
            "threshold": small_count_threshold(),
            "counts": [
                {"key": k, "label": labels.get(k, k), "count": counts[k], "suppressed": counts[k] is None}
                for k in keys
            ],
        }
        return Response(s.CaseCountsSerializer(body).data)
