"""Drafting next year's plan from an earlier one: copy_plan, do_copy_plan and the command."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from treem.core.errors import InputErrors
from treem.indicators.models import DataElement
from treem.plans.copying import copy_plan, do_copy_plan
from treem.plans.exporter import export_plan, plan_yaml
from treem.plans.models import Plan, PlanStatus
from treem.plans.services import load_plan
from treem.units.models import Agency

from .reform_fixtures import hand_over, reform_fixture  # noqa: F401 (the fixture `reform`)

pytestmark = pytest.mark.django_db


def by_code(items: list[dict]) -> dict[str, dict]:
    return {item["code"]: item for item in items}


def codes(refs) -> list[str]:
    refs = refs if isinstance(refs, list) else [refs]
    return [ref["code"] for ref in refs]


def test_a_copy_moves_deadlines_periods_and_the_year_its_texts_name(reform):
    source = export_plan(reform)
    data = copy_plan(reform, code="draft-2026", year=2026).data
    assert (data["code"], data["year"], data["status"], data["source"]) == (
        "draft-2026",
        2026,
        "draft",
        reform.code,
    )
    old, new = by_code(source["milestones"]), by_code(data["milestones"])
    assert list(old) == list(new)  # codes kept: the diff and the editor match deadlines by code
    for code, milestone in old.items():
        assert new[code]["date"] == "2026" + milestone["date"][4:]
        if milestone["period"]:
            assert new[code]["period"] == "2026" + milestone["period"][4:]
    assert "năm 2026" in data["title"] and "năm 2023" not in data["title"]
    assert not any("năm 2023" in t["text"] for t in data["tasks"])
    assert data["legal_bases"] == source["legal_bases"]  # the same documents still apply


def test_targets_thresholds_and_derived_elements_are_kept(reform):
    source = export_plan(reform)
    data = copy_plan(reform, code="draft-2026", year=2026).data

    def thresholds(plan_data):
        return [
            (i["code"], i["direction"], i["threshold"], i["numerator"], i["denominator"])
            for t in plan_data["targets"]
            for i in t["indicators"]
        ]

    assert thresholds(data) == thresholds(source)
    derived = {e["code"]: e.get("derived") for e in source["data_elements"] if e.get("derived")}
    assert derived and {c: by_code(data["data_elements"])[c].get("derived") for c in derived} == derived


def test_a_body_that_no_longer_exists_is_replaced_by_its_child_protection_successor(reform):
    result = copy_plan(reform, code="draft-2026", year=2026)
    data = result.data
    assert codes(data["owner"]) == ["SYT"]  # not SNV, which took labour: the plan is about children
    assert "SLDTBXH" not in json.dumps(data)
    assert "UBND-HUYEN" not in json.dumps(data)
    first = next(i for i, t in enumerate(data["tasks"]) if t["agency"]["code"] == "SYT")
    lines = [str(c) for c in result.changes]
    owner = next(c for c in result.changes if c.path == "owner")
    assert (owner.old, owner.new) == ("SLDTBXH", "SYT")
    assert "tiếp nhận từ 01/03/2025" in owner.note and "SNV" in owner.note  # the other successor, to check
    assert any(line.startswith(f"tasks[{first}].agency: SLDTBXH → SYT (tiếp nhận") for line in lines)
    assert any("UBND-HUYEN" in line and "UBND-XA" in line for line in lines)
    assert not any(
        c.path.startswith("milestones") and c.path.endswith(".via") and not c.note for c in result.changes
    )


def test_lists_of_bodies_stay_sorted_and_without_repeats(reform):
    # The ministry's duty going to the committee already listed beside it: one recipient, not two.
    hand_over("BYT", Agency.objects.get(code="UBND-TINH"), datetime.date(2025, 6, 1), "bảo vệ trẻ em")
    data = copy_plan(reform, code="draft-2026", year=2026).data
    final = by_code(data["milestones"])["M-2023-12-05"]
    assert codes(final["recipients"]) == ["UBND-TINH"]
    for milestone in data["milestones"]:
        for key in ("reporters", "recipients"):
            assert codes(milestone[key]) == sorted(set(codes(milestone[key])))


def test_the_document_is_a_draft_made_by_treem_without_number_date_or_signer(reform):
    document = copy_plan(reform, code="draft-2026", year=2026).data["document"]
    assert document["number"] is None and document["date"] is None
    assert document["signer"].get("name") is None
    assert reform.code in document["draft_note"] and "không phải văn bản chính thức" in document["draft_note"]


def test_figures_collected_by_districts_move_to_communes_when_there_are_no_districts(reform):
    DataElement.objects.filter(code="LIVE_BIRTHS").update(collection_level="district")
    result = copy_plan(reform, code="draft-2026", year=2026)
    element = by_code(result.data["data_elements"])["LIVE_BIRTHS"]
    assert element["collection_level"] == "commune"
    change = next(c for c in result.changes if c.path.endswith("collection_level"))
    assert (change.old, change.new) == ("district", "commune") and "district" in change.note


def test_a_body_without_a_successor_in_the_new_year_is_refused_by_name(reform):
    Agency.objects.filter(code="SGDDT").update(valid_to="2025-03-01")
    with pytest.raises(InputErrors) as error:
        copy_plan(reform, code="draft-2026", year=2026)
    assert any("'SGDDT'" in m and "01/01/2026" in m for m in error.value.messages)


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("tth-2023", 2026, "Đã có kế hoạch mã"),
        ("draft", 2023, "phải sau năm"),
        ("draft", 2020, "phải sau năm"),
    ],
)
def test_a_copy_to_an_existing_code_or_a_year_not_after_the_source_is_refused(reform, code, year, expected):
    with pytest.raises(InputErrors) as error:
        copy_plan(reform, code=code if code != "tth-2023" else reform.code, year=year)
    assert any(expected in m for m in error.value.messages)


def test_do_copy_plan_loads_a_draft_that_names_its_source(reform):
    result = do_copy_plan(reform, code="draft-2026", year=2026)
    plan = Plan.objects.get(code="draft-2026")
    assert result.plan == plan
    assert (plan.status, plan.source, plan.issued_at, plan.year) == (PlanStatus.DRAFT, reform, None, 2026)
    assert plan.owner.code == "SYT"
    assert plan.milestones.filter(is_active=True).count() == reform.milestones.filter(is_active=True).count()


def test_copy_export_load_round_trip_loads_back_unchanged(reform, tmp_path):
    result = do_copy_plan(reform, code="draft-2026", year=2026)
    exported = export_plan(result.plan)
    assert exported == result.data
    path = tmp_path / "draft-2026.yaml"
    path.write_text(plan_yaml(exported), encoding="utf-8")
    load = load_plan(path)
    assert sum(load.created.values()) == sum(load.updated.values()) == sum(load.retired.values()) == 0
    assert export_plan(Plan.objects.get(code="draft-2026")) == exported
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["status"] == "draft"


def test_the_command_prints_each_change_and_loads_the_draft(reform):
    out = StringIO()
    call_command("copy_plan", reform.code, "--code", "draft-2026", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert "owner: SLDTBXH → SYT (tiếp nhận từ 01/03/2025" in text
    assert "year: 2023 → 2026" in text
    assert Plan.objects.get(code="draft-2026").is_draft


def test_the_command_with_output_only_writes_a_file_that_loads(reform, tmp_path):
    path = tmp_path / "draft.yaml"
    call_command(
        "copy_plan",
        reform.code,
        "--code",
        "draft-2026",
        "--year",
        "2026",
        "--output",
        str(path),
        stdout=StringIO(),
    )
    assert not Plan.objects.filter(code="draft-2026").exists()
    load_plan(path)
    out = StringIO()
    call_command("export_plan", "draft-2026", "--format", "yaml", stdout=out)
    assert out.getvalue() == path.read_text(encoding="utf-8")


def test_the_command_refuses_in_vietnamese(reform):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "copy_plan", reform.code, "--code", reform.code, "--year", "2026", stderr=err, stdout=StringIO()
        )
    assert "Đã có kế hoạch mã" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("copy_plan", "khong-co", "--code", "x", "--year", "2026", stderr=err, stdout=StringIO())
    assert "Không có kế hoạch mã 'khong-co'" in err.getvalue()
