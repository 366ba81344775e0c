"""The database side of the load test, run by `run.py` in a subprocess with the target's DATABASE_URL:

prepare  the load users (load-01 … load-NN, province coordinators of Thừa Thiên Huế) and starting
         figures for the overlapping cells, written through the one write path;
check    every committed value against the rules, and the history against the values; prints JSON.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")


def prepare(users: int, password: str) -> None:
    from treem.accounts.models import Role, User
    from treem.accounts.policy import EntryScope
    from treem.indicators.datavalues import ValueInput, import_values
    from treem.units.models import AdministrativeUnit, Agency

    province = AdministrativeUnit.objects.get(code="46")
    agency = Agency.objects.get(code="SLDTBXH")
    for n in range(1, users + 1):
        user, _created = User.objects.update_or_create(
            username=f"load-{n:02d}",
            defaults={
                "role": Role.PROVINCE_COORDINATOR,
                "unit": province,
                "agency": agency,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save()
    communes = os.environ.get("LOAD_COMMUNES", "19750,19753,19756,19759,19762,19768").split(",")
    start = {
        "NEONATAL_DEATHS": 3,
        "DEATHS_UNDER1": 8,
        "DEATHS_UNDER5": 15,
        "INSURED_UNDER6": 400,
        "CHILDREN_UNDER6": 520,
        "SPECIAL_CIRCUMSTANCES": 40,
        "SPECIAL_CIRCUMSTANCES_CARED": 25,
        "SPECIAL_CIRCUMSTANCES_ELIGIBLE": 25,
    }
    inputs = [ValueInput(e, "default", u, "2023S1", str(v)) for u in communes for e, v in start.items()]
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    if summary.conflicts:
        raise SystemExit(f"starting figures refused: {summary.conflicts[:3]}")


def check() -> dict[str, object]:
    from django.db.models import OuterRef, Subquery

    from treem.core.models import AuditEvent
    from treem.indicators import validation
    from treem.indicators.models import DataValue

    cells = set(DataValue.objects.values_list("unit__code", "period__code"))
    broken = validation.rule_violations(validation.stored_values(cells), validation.all_rules())
    history = DataValue.history.model.objects.filter(id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    values = DataValue.objects.annotate(
        last_value=Subquery(history.values("value")[:1]),
        last_type=Subquery(history.values("history_type")[:1]),
    )
    unrecorded = [
        (dv.pk, str(dv.value), str(dv.last_value), dv.last_type)
        for dv in values
        if dv.last_value is None or dv.last_value != dv.value or dv.last_type == "-"
    ]
    committed = committed_states_breaking_a_rule()
    return {
        "committed_states": committed["states"],
        "committed_states_breaking_a_rule": committed["broken"][:20],
        "committed_states_breaking_a_rule_count": len(committed["broken"]),
        "values": DataValue.objects.count(),
        "history_rows": DataValue.history.count(),
        "value_import_events": AuditEvent.objects.filter(action="value_import").count(),
        "cells_breaking_a_rule": {
            f"{u}/{p}": [f"{rule.code}: {left} vs {right}" for rule, left, right in problems]
            for (u, p), problems in broken.items()
        },
        "values_whose_history_disagrees": unrecorded[:20],
        "values_whose_history_disagrees_count": len(unrecorded),
    }


def committed_states_breaking_a_rule() -> dict[str, Any]:
    """Replays each (unit, period)'s history, one write (one history timestamp) at a time, and checks the
    rules after each: a rule broken for a moment and repaired later is found too, not only in the end."""
    from treem.indicators import validation
    from treem.indicators.models import CategoryOptionCombo, DataElement, DataValue, Period
    from treem.units.models import AdministrativeUnit

    rules = validation.all_rules()
    elements = dict(DataElement.objects.values_list("id", "code"))
    combos = dict(CategoryOptionCombo.objects.values_list("id", "code"))
    units = dict(AdministrativeUnit.objects.values_list("id", "code"))
    periods = dict(Period.objects.values_list("id", "code"))
    rows = (
        DataValue.history.model.objects.order_by("unit_id", "period_id", "history_date", "history_id")
        .values_list(
            "unit_id", "period_id", "history_date", "element_id", "combo_id", "value", "history_type"
        )
        .iterator()
    )
    states, broken = 0, []
    for (unit_id, period_id), cell_rows in groupby(rows, key=lambda r: (r[0], r[1])):
        cell: dict[str, dict[str, Decimal]] = defaultdict(dict)
        key = (units[unit_id], periods[period_id])
        for stamp, writes in groupby(cell_rows, key=lambda r: r[2]):
            for *_ids, element_id, combo_id, value, kind in writes:
                if kind == "-":
                    cell[elements[element_id]].pop(combos[combo_id], None)
                else:
                    cell[elements[element_id]][combos[combo_id]] = value
            states += 1
            for rule, left, right in validation.rule_violations({key: cell}, rules).get(key, []):
                broken.append(f"{key[0]}/{key[1]} at {stamp:%H:%M:%S.%f}: {rule.code} {left} vs {right}")
    return {"states": states, "broken": broken}


def main() -> None:
    import django

    django.setup()
    if sys.argv[1:2] == ["prepare"]:
        prepare(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["check"]:
        print(json.dumps(check(), ensure_ascii=False))
    else:
        raise SystemExit("usage: db_tasks.py prepare USERS PASSWORD | check")


if __name__ == "__main__":
    main()
