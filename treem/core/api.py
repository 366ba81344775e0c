"""Small pieces every API view shares: the error body, repeatable query parameters, period checks."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from .periods import PeriodError, parse_period


def error_response(http_status: int, *messages: str) -> Response:
    return Response({"status": "ERROR", "conflicts": list(messages)}, status=http_status)


def query_codes(request: Request, name: str) -> list[str]:
    """A repeatable query parameter (`?period=2023S1&period=2023S2`), commas also accepted."""
    return codes_in(request.query_params, name)


def codes_in(query: QueryDict, name: str) -> list[str]:
    """The codes of a repeatable parameter of `query`, commas also accepted (query_codes)."""
    return [code.strip() for raw in query.getlist(name) for code in raw.split(",") if code.strip()]


def period_problems(codes: list[str]) -> list[str]:
    """A message for each code that is not a period treem accepts."""
    problems = []
    for code in codes:
        try:
            parse_period(code)
        except PeriodError as exc:
            problems.append(f"period: {exc}.")
    return problems


def not_found_unit(code: str) -> Response:
    """The one answer for a unit that does not exist and one outside the caller's scope."""
    return error_response(404, unit_not_found_text(code))


def unit_not_found_text(code: str) -> str:
    """Its words (the DHIS2 views answer them in a WebMessage)."""
    return _("Không có đơn vị hành chính mã '%(code)s' trong phạm vi của bạn.") % {"code": code}
