"""The 2023 plan file against the seed document, and the loader's behaviour on good and bad files."""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from conftest import PLAN_FILE
from treem.core.errors import InputErrors
from treem.plans.models import Indicator, Milestone, Plan, Target, Task
from treem.plans.services import load_plan


def export(code="tth-2023") -> dict:
    out = StringIO()
    call_command("export_plan", code, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def indicator(data, code):
    return next(i for t in data["targets"] for i in t["indicators"] if i["code"] == code)


def test_export_has_every_target_of_the_seed_with_directions_thresholds_and_units(plan):
    data = export()
    assert data["code"] == "tth-2023"
    assert len(data["targets"]) == 14
    by_text = {i["text"]: i for t in data["targets"] for i in t["indicators"]}
    # Each row: a phrase of the seed, then the direction/threshold/unit the office meant.
    expected = [
        ("tử vong trẻ sơ sinh", "lt", 9.5, "per_1000_live_births"),
        ("dưới 1 tuổi trên 1.000", "le", 12, "per_1000_live_births"),
        ("dưới 5 tuổi trên 1.000", "lt", 18, "per_1000_live_births"),
        ("thấp còi", "lt", 9, "percent"),
        ("nhẹ cân", "lt", 6.5, "percent"),
        ("8 loại vắc xin", "gt", 95, "percent"),
        ("bảo hiểm y tế", "ge", 100, "percent"),
        ("tai nạn thương tích xuống dưới 600", "lt", 600, "per_100000_children"),
        ("tử vong do tai nạn thương tích", "lt", 18, "per_100000_children"),
        ("học mẫu giáo", "gt", 98, "percent"),
        ("vào lớp một", "ge", 99, "percent"),
        ("khuyết tật", "gt", 65, "percent"),
        ("giấy khai sinh", "gt", 95, "percent"),
        ("quyền tham gia", "ge", 85, "percent"),
    ]
    for phrase, direction, threshold, unit in expected:
        matches = [i for text, i in by_text.items() if phrase in text]
        assert matches, phrase
        assert (matches[0]["direction"], matches[0]["threshold"], matches[0]["unit"]) == (
            direction,
            threshold,
            unit,
        ), phrase


def test_overweight_target_has_separate_rural_and_urban_thresholds(plan):
    split = [i for t in export()["targets"] for i in t["indicators"] if i["disaggregation"]]
    thresholds = {i["disaggregation"]["area"]: (i["direction"], i["threshold"]) for i in split}
    assert thresholds == {"rural": ("lt", 5), "urban": ("lt", 10)}


def test_export_has_all_tasks_of_section_iv_with_agency_and_letter(plan):
    tasks = export()["tasks"]
    letters: dict[str, list] = {}
    for task in tasks:
        letters.setdefault(task["agency"]["code"], []).append(task["letter"])
    assert letters["SLDTBXH"] == ["a", "b", "c", "d", "đ", "e", "g", "h", "i"]
    assert letters["SGDDT"] == ["a", "b", "c", "d", "đ"]
    assert letters["UBND-HUYEN"] == ["a", "b", "c", "d", "đ", "e", "g"]
    for code in ("SKHDT", "STC", "BDT", "SXD", "STNMT"):
        assert letters[code] == [None]
    for code in ("STP", "SYT"):
        assert letters[code] == ["a", "b"]
    for code in ("SVHTT", "CAT", "STTTT"):
        assert letters[code] == ["a", "b", "c"]
    assert len(letters["DOAN-THE"]) == 2 and letters["TINHDOAN"] == [None]
    assert len(tasks) == 42
    assert all(t["agency"]["name"] and t["text"] for t in tasks)


def test_export_has_the_five_deadlines(plan):
    milestones = {m["date"]: m for m in export()["milestones"]}
    assert sorted(milestones) == ["2023-04-15", "2023-05-25", "2023-09-30", "2023-11-15", "2023-12-05"]
    final = milestones["2023-12-05"]
    assert {r["code"] for r in final["reporters"]} == {"SLDTBXH"}
    assert {r["code"] for r in final["recipients"]} == {"UBND-TINH", "BLDTBXH"}
    assert milestones["2023-05-25"]["period"] == "2023S1"
    assert {r["code"] for r in milestones["2023-09-30"]["reporters"]} == {"UBND-HUYEN"}


def test_export_loads_back_to_the_same_plan(plan, tmp_path):
    first = export()
    copy = dict(first, code="tth-2023-copy")
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    load_plan(path)
    assert export("tth-2023-copy") == copy
    assert (copy["status"], copy["source"]) == ("issued", None)
    draft = dict(first, code="tth-2023-draft", status="draft", source="tth-2023")
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    load_plan(path)
    assert export("tth-2023-draft") == draft


def test_export_keeps_what_a_reload_needs_of_each_data_element(plan):
    elements = {e["code"]: e for e in export()["data_elements"]}
    assert elements["LIVE_BIRTHS"]["collection_level"] == "commune"
    assert (
        elements["LIVE_BIRTHS"]["aggregation"] == "sum"
        and elements["CHILDREN_UNDER5"]["aggregation"] == "last"
    )
    assert elements["CHILDREN_UNDER5"]["categories"] == ["area"]


def test_reloading_the_same_file_changes_nothing(plan):
    history_before = Indicator.history.count()
    result = load_plan(PLAN_FILE)
    assert sum(result.created.values()) == sum(result.updated.values()) == sum(result.retired.values()) == 0
    assert Indicator.history.count() == history_before


def test_reloading_an_edited_file_updates_in_place_and_retires_removed_items(plan, tmp_path):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["targets"][0]["indicators"][0]["threshold"] = 8.5
    removed = data["tasks"].pop()
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code = data["targets"][0]["indicators"][0]["code"]
    pk = Indicator.objects.get(plan=plan, code=code).pk
    load_plan(path)
    edited = Indicator.objects.get(plan=plan, code=code)
    assert (edited.pk, float(edited.threshold)) == (pk, 8.5)
    assert edited.history.first().prev_record.threshold != edited.threshold
    retired = Task.objects.get(plan=plan, code=removed["code"])  # kept, so linked data never orphans
    assert retired.is_active is False
    load_plan(PLAN_FILE)
    assert Task.objects.get(plan=plan, code=removed["code"]).is_active


class NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["targets"][2]["indicators"][0].update(direction="above"),
            "targets[2].indicators[0].direction",
        ),
        (lambda d: d["targets"][0]["indicators"][0].pop("threshold"), "thiếu trường bắt buộc: threshold"),
        (
            lambda d: d["tasks"][3].update(agency="KHONG-CO"),
            "tasks[3].agency: không có cơ quan mã 'KHONG-CO'",
        ),
        (lambda d: d["milestones"][1].update(date="2023-02-30"), "milestones[1].date"),
        (lambda d: d["targets"][1]["indicators"][0].update(numerator="#{NOT_AN_ELEMENT}"), "NOT_AN_ELEMENT"),
        (lambda d: d["tasks"].append(dict(d["tasks"][0])), "bị lặp"),
    ],
)
def test_a_bad_plan_file_names_the_path_and_line_and_loads_nothing(db, tmp_path, change, expected):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["code"] = "tth-bad"
    change(data)
    path = tmp_path / "bad.yaml"
    # Written out in full: a task appended by reference would otherwise be a YAML alias, which is refused.
    text = yaml.dump(data, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as error:
        load_plan(path)
    assert any(expected in m and "dòng" in m for m in error.value.messages), error.value.messages
    assert not Plan.objects.filter(code="tth-bad").exists()


def test_yaml_syntax_error_names_the_line(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\ntargets: [\n  - a\n", encoding="utf-8")
    with pytest.raises(InputErrors, match=r"broken.yaml, dòng \d+"):
        load_plan(path)


def test_no_plan_content_is_hard_coded_outside_the_plan_file():
    """The plan is data: no Python module names a target, task or deadline of the 2023 plan."""
    from pathlib import Path

    import treem

    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    needles = [t["code"] for t in data["targets"]] + [
        i["code"] for t in data["targets"] for i in t["indicators"]
    ]
    needles += [str(m["date"]) for m in data["milestones"]] + ["tth-2023", "SLDTBXH"]
    sources = [
        p
        for p in Path(treem.__file__).parent.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    ]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in text, f"{source} names {needle}"


def test_target_and_milestone_counts_in_database(plan):
    assert Target.objects.filter(plan=plan, is_active=True).count() == 14
    assert Milestone.objects.filter(plan=plan, is_active=True).count() == 5
