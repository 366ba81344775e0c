"""DHIS2's answer shapes: the WebMessage every dataValueSets answer is wrapped in, and the ImportSummary
inside it. DHIS2 clients read `status`, `httpStatusCode`, `response.importCount` and `response.conflicts`;
treem answers in these shapes on success and refusal alike (docs/indicators.md, "DHIS2 Web API")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from .value_inputs import ImportSummary, Message

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
    ("Conflict"), as DHIS2 writes it."""
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


def conflicts(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """DHIS2 conflicts: one per (object, errorCode, property, message), with the indexes of every input it
    concerns, in the order first met (a file naming an unknown element in 1,000 rows gives one conflict)."""
    grouped: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for m in messages:
        key = (m.object, m.code, m.field, m.text)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = {
                "object": m.object,
                "value": m.text,
                "errorCode": m.code,
                "property": m.field,
                "indexes": [],
            }
        entry["indexes"].extend(i for i in m.indexes if i not in entry["indexes"])
    return list(grouped.values())


def import_summary(summary: ImportSummary, import_options: Mapping[str, Any]) -> dict[str, Any]:
    """The ImportSummary of a dataValueSets import (`response` of the WebMessage)."""
    return {
        "responseType": "ImportSummary",
        "status": summary.status,
        "importOptions": dict(import_options),
        "description": _description(summary),
        "importCount": {
            "imported": summary.imported,
            "updated": summary.updated,
            "ignored": summary.ignored,
            "deleted": summary.deleted,
        },
        "conflicts": conflicts(summary.conflicts),
        "rejectedIndexes": summary.rejected_indexes,
        # Not DHIS2's: treem's outlier warnings (the values were written), in the conflicts' shape.
        "warnings": conflicts(summary.warnings),
        "dataSetComplete": "false",
    }


def _description(summary: ImportSummary) -> str:
    if summary.status == "ERROR":
        return "Import process completed with errors; nothing was written."
    if summary.conflicts:
        return "Import process completed; the values with conflicts were not written."
    return "Import process completed successfully"
