"""A plan file's `derived` block on a data element: loaded onto the element, refused when it names a rule
no app registered, kept by the export so that export → load gives the same plan."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from conftest import PLAN_FILE
from treem.core.errors import InputErrors
from treem.indicators.models import DataElement
from treem.plans.models import Plan
from treem.plans.services import load_plan


def export(code: str = "tth-2023") -> dict:
    out = StringIO()
    call_command("export_plan", code, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def plan_data() -> dict:
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["code"] = "tth-derived"
    return data


def element(data: dict, code: str) -> dict:
    return next(e for e in data["data_elements"] if e["code"] == code)


def write(tmp_path, data: dict):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_plan_marks_its_derived_elements_with_rule_since_and_params(plan):
    timely = DataElement.objects.get(code="CASES_SUPPORTED_TIMELY")

    assert timely.derived_rule == "cases.first_intervention_timely"
    assert timely.derived_since == datetime.date(2026, 1, 1)
    assert timely.derived_params == {
        "harms": ["violence", "sexual_abuse", "exploitation"],
        "step": "initial_assessment",
    }
    assert DataElement.objects.get(code="LIVE_BIRTHS").derived_rule == ""


def test_an_unknown_rule_is_refused_by_name_with_the_known_ones_and_nothing_loads(db, tmp_path):
    data = plan_data()
    element(data, "SPECIAL_CIRCUMSTANCES")["derived"]["rule"] = "register.no_such_rule"

    with pytest.raises(InputErrors) as error:
        load_plan(write(tmp_path, data))

    [message] = [m for m in error.value.messages if "no_such_rule" in m]
    assert "dòng" in message and "derived.rule" in message
    assert "không có quy tắc tính tự động 'register.no_such_rule'" in message
    assert "register.special_circumstances" in message  # the rules that exist are listed
    assert not Plan.objects.filter(code="tth-derived").exists()


@pytest.mark.parametrize(
    ("derived", "expected"),
    [
        ({"rule": "register.special_circumstances"}, "since"),
        ({"rule": "register.special_circumstances", "since": "2026-02-30"}, "derived.since"),
        ({"rule": "register.special_circumstances", "since": "2026-01-01", "every": "day"}, "every"),
    ],
)
def test_a_malformed_derived_block_is_refused(db, tmp_path, derived, expected):
    data = plan_data()
    element(data, "SPECIAL_CIRCUMSTANCES")["derived"] = derived

    with pytest.raises(InputErrors) as error:
        load_plan(write(tmp_path, data))

    assert any(expected in m for m in error.value.messages), error.value.messages


def test_export_keeps_derived_and_loads_back_to_the_same_plan(plan, tmp_path):
    first = export()
    exported = {e["code"]: e for e in first["data_elements"]}
    assert exported["SPECIAL_CIRCUMSTANCES"]["derived"] == {
        "rule": "register.special_circumstances",
        "since": "2026-01-01",
    }
    assert exported["CASES_NOTIFIED"]["derived"]["params"] == {
        "harms": ["violence", "sexual_abuse", "exploitation"]
    }
    assert "derived" not in exported["LIVE_BIRTHS"]
    copy = dict(first, code="tth-2023-copy")
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")

    load_plan(path)

    assert export("tth-2023-copy") == copy


def test_a_later_since_in_the_file_moves_the_element_on_reload(plan, tmp_path):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    element(data, "CASES_OPEN")["derived"]["since"] = "2027-01-01"

    load_plan(write(tmp_path, data))

    opened = DataElement.objects.get(code="CASES_OPEN")
    assert opened.derived_since == datetime.date(2027, 1, 1)
    assert not opened.is_derived_for(datetime.date(2026, 7, 1)) and opened.is_derived_for(
        datetime.date(2027, 1, 1)
    )


def test_export_keeps_the_derived_elements_no_indicator_uses_yet(plan):
    exported = {e["code"] for e in export()["data_elements"]}

    assert {"CASES_OPEN", "CASES_CLOSED"} <= exported
