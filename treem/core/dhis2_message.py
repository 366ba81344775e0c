"""DHIS2's WebMessage, the envelope of every DHIS2 Web API answer: {httpStatus, httpStatusCode, status,
message[, response]}, and `WebMessageView`, the base of the views on DHIS2's paths (dataValueSets,
system/info, me), whose every refusal is one. Here in core, not in indicators, because the DHIS2 endpoints
of accounts answer in it too and accounts may not import indicators; the middleware's refusals made before
any view (core.middleware) ask `answers_web_messages`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView


def utc_timestamp(moment: datetime.datetime) -> str:
    """DHIS2's timestamp of a value (`created`, `lastUpdated`): UTC, milliseconds, offset without a colon
    (`2019-09-02T15:44:34.392+0000`)."""
    return _milliseconds(moment.astimezone(datetime.UTC)) + "+0000"


def server_time(moment: datetime.datetime) -> str:
    """DHIS2's server date (system/info): local time, milliseconds, no offset (`2019-09-02T15:44:34.392`)."""
    return _milliseconds(timezone.localtime(moment))


def _milliseconds(moment: datetime.datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}"


# WebMessage.status: DHIS2's Status enum (OK, WARNING, ERROR), from the HTTP status when not given.
OK, WARNING, ERROR = "OK", "WARNING", "ERROR"


def web_message(
    http_status: int,
    message: str,
    *,
    status: str | None = None,
    response: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """{httpStatus, httpStatusCode, status, message[, response]}: `httpStatus` is the reason phrase
    ("Unauthorized"), as DHIS2 writes it."""
    body: dict[str, Any] = {
        "httpStatus": HTTPStatus(http_status).phrase,
        "httpStatusCode": http_status,
        "status": status or (OK if http_status < 400 else ERROR),
        "message": message,
        **extra,
    }
    if response is not None:
        body["response"] = dict(response)
    return body


class WebMessageView(APIView):
    """A view on one of DHIS2's paths: DRF's own refusals (401, 403, 405, 404…) are WebMessages too, their
    headers kept (WWW-Authenticate, Allow)."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        detail = response.data.get("detail") if isinstance(response.data, Mapping) else None
        if detail is None:
            detail = getattr(exc, "detail", "")
        response.data = web_message(response.status_code, str(detail) or response.status_text)
        return response


def answers_web_messages(path: str) -> bool:
    """Whether the view at `path` (a path_info) is one of DHIS2's, whose clients read every answer as a
    WebMessage: the refusals made before any view (a body over the limit) answer in it there too."""
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    view_class = getattr(view, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, WebMessageView)
