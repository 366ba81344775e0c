"""What the dataValueSets API tests share: building a value set, posting it, reading and seeding values."""

from __future__ import annotations

import json

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue

URL = "/api/dataValueSets/"


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


def post(client, user, body: str, content_type: str = "application/json", query: str = ""):
    client.force_login(user)
    return client.post(URL + query, data=body, content_type=content_type)


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
