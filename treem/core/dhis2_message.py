"""DHIS2's WebMessage, the envelope of every DHIS2 Web API answer: {httpStatus, httpStatusCode, status,
message[, response]}. Here in core, not in indicators, because the DHIS2 endpoints of accounts
(`/api/system/info`, `/api/me`) answer their refusals in it too and accounts may not import indicators."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

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
