"""What the dataValueSets API tests share: building a value set, posting it, reading and seeding values, and
the parts of DHIS2's WebMessage answers."""

from __future__ import annotations

import json

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue

URL = "/api/dataValueSets/"
WEB_MESSAGE_KEYS = {"httpStatus", "httpStatusCode", "status", "message"}


def value_set(*rows: tuple) -> str:
    """(element, unit, value) or (element, combo, unit, value) rows of period 2023S1, as dataValueSets JSON."""
    values = []
    for row in rows:
        element, combo, unit, value = row if len(row) == 4 else (row[0], "default", *row[1:])
        values.append(
            {
                "dataElement": element,
                "categoryOptionCombo": combo,
                "orgUnit": unit,
                "period": "2023S1",
                "value": value,
            }
        )
    return json.dumps({"dataValues": values})


def post(client, user, body: str, content_type: str = "application/json", query: str = "", url: str = URL):
    client.force_login(user)
    return client.post(url + query, data=body, content_type=content_type)


def web_message(response) -> dict:
    """The WebMessage of an answer, checked to have DHIS2's envelope and the answer's HTTP status."""
    body = response.json()
    assert WEB_MESSAGE_KEYS <= set(body), body
    assert body["httpStatusCode"] == response.status_code
    return body


def summary(response) -> dict:
    """The ImportSummary of an import's answer (the WebMessage's `response`)."""
    body = web_message(response)
    assert body["response"]["responseType"] == "ImportSummary"
    return body["response"]


def conflict_values(response) -> list[str]:
    """The conflicts' texts (`value`) of an import's answer."""
    return [c["value"] for c in summary(response)["conflicts"]]


def stored() -> dict:
    return {
        (dv.element.code, dv.combo.code, dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.select_related("element", "combo", "unit", "period")
    }


def seed(*rows: tuple) -> None:
    """(element, unit, period, value) rows stored directly, bypassing any user's scope."""
    summary = import_values(
        [ValueInput(e, "default", u, p, v) for e, u, p, v in rows], user=None, scope=EntryScope(True)
    )
    assert not summary.conflicts
