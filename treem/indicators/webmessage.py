"""DHIS2's answer shapes: the WebMessage every dataValueSets answer is wrapped in, and the ImportSummary
inside it. DHIS2 clients read `status`, `httpStatusCode`, `response.importCount` and `response.conflicts`;
treem answers in these shapes on success and refusal alike (docs/indicators.md, "DHIS2 Web API")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from treem.core.dhis2_message import ERROR, OK, WARNING, web_message

from .value_inputs import ImportSummary, Message

__all__ = ["ERROR", "OK", "WARNING", "conflicts", "import_summary", "import_web_message", "web_message"]


def conflicts(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """DHIS2 conflicts: one per (object, errorCode, property, message), with the indexes of every input it
    concerns, in the order first met (a file naming an unknown element in 1,000 rows gives one conflict)."""
    grouped: dict[tuple[str, str, str, str], dict[int, None]] = {}  # key → its indexes (an ordered set)
    for m in messages:
        grouped.setdefault((m.object, m.code, m.field, m.text), {}).update(dict.fromkeys(m.indexes))
    return [
        {"object": obj, "value": text, "errorCode": code, "property": prop, "indexes": list(indexes)}
        for (obj, code, prop, text), indexes in grouped.items()
    ]


def import_summary(summary: ImportSummary, import_options: Mapping[str, Any]) -> dict[str, Any]:
    """The ImportSummary of a dataValueSets import (`response` of the WebMessage)."""
    return {
        "responseType": "ImportSummary",
        "status": summary.status,
        "importOptions": dict(import_options),
        "description": _description(summary),
        "importCount": summary.import_count(),
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


def import_web_message(
    summary: ImportSummary, import_options: Mapping[str, Any]
) -> tuple[int, dict[str, Any]]:
    """The HTTP status and WebMessage of an import, as DHIS2's WebMessageUtils.importSummary answers: 409
    Conflict whenever there are conflicts (status ERROR when nothing was written, WARNING when the valid values
    were: atomicMode NONE), else 200 OK."""
    response = import_summary(summary, import_options)
    if summary.conflicts:
        status = ERROR if summary.status == "ERROR" else WARNING
        return 409, web_message(
            409,
            "One or more conflicts encountered, please check import summary.",
            status=status,
            response=response,
        )
    status = WARNING if summary.status == "WARNING" else OK
    return 200, web_message(200, "Import was successful.", status=status, response=response)
