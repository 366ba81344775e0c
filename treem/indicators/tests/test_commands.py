"""export_metadata, and the Vietnamese errors of evaluate_targets / export_metadata / export_datavalues."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from treem.plans.models import Indicator


def metadata() -> dict:
    out = io.StringIO()
    call_command("export_metadata", "--plan", "tth-2023", stdout=out)
    return json.loads(out.getvalue())


def test_export_metadata_prints_every_active_indicator_with_its_formula(plan):
    indicators = {i["code"]: i for i in metadata()["indicators"]}

    assert set(indicators) == set(
        Indicator.objects.filter(plan=plan, is_active=True).values_list("code", flat=True)
    )
    assert len(indicators) == 23
    tvss = indicators["MT01-TVSS"]
    assert (tvss["numerator"], tvss["denominator"], tvss["factor"]) == (
        "#{NEONATAL_DEATHS}",
        "#{LIVE_BIRTHS}",
        1000,
    )
    assert (tvss["direction"], tvss["threshold"], tvss["unit"], tvss["target"]) == (
        "lt",
        9.5,
        "per_1000_live_births",
        "MT01",
    )
    rural = indicators["MT02-TCBP-NT"]
    assert (rural["numerator"], rural["denominator"], rural["factor"]) == (
        "#{OVERWEIGHT_UNDER5.rural}",
        "#{CHILDREN_UNDER5.rural}",
        100,
    )
    assert rural["disaggregation"] == {"area": "rural"}
    injuries = indicators["MT06-TNTT"]
    assert (injuries["denominator"], injuries["factor"], injuries["unit"]) == (
        "#{CHILDREN_TOTAL}",
        100000,
        "per_100000_children",
    )


def test_export_metadata_lists_the_plan_s_data_elements_with_their_combos(plan):
    printed = metadata()
    elements = {e["code"]: e for e in printed["dataElements"]}

    assert len(elements) == 34
    assert elements["CHILDREN_UNDER5"]["categoryOptionCombos"] == ["rural", "urban"]
    assert elements["CHILDREN_UNDER5"]["categories"] == ["area"]
    assert elements["CHILDREN_UNDER5"]["aggregation"] == "last"
    assert elements["OVERWEIGHT_UNDER5"]["categoryOptionCombos"] == ["rural", "urban"]
    assert elements["LIVE_BIRTHS"]["categoryOptionCombos"] == ["default"]
    assert (elements["LIVE_BIRTHS"]["supplier"], elements["LIVE_BIRTHS"]["aggregation"]) == ("SYT", "sum")
    assert elements["CHILDREN_AGED_5"]["supplier"] == "SGDDT"
    assert elements["BIRTHS_REGISTERED_ON_TIME"]["supplier"] == "STP"
    assert {c["code"] for c in printed["categoryOptionCombos"]} == {"default", "rural", "urban"}
    rules = {r["code"]: r for r in printed["validationRules"]}
    assert rules["VR-TV-SS-1T"] == {
        "code": "VR-TV-SS-1T",
        "left": "#{NEONATAL_DEATHS}",
        "operator": "le",
        "right": "#{DEATHS_UNDER1}",
        "message": "Số trẻ sơ sinh tử vong không được lớn hơn số trẻ dưới 1 tuổi tử vong",
    }


def test_every_element_an_indicator_names_is_in_the_metadata(plan):
    printed = metadata()
    codes = {e["code"] for e in printed["dataElements"]}

    for indicator in printed["indicators"]:
        for side in (indicator["numerator"], indicator["denominator"]):
            for term in side.split("+"):
                assert term.strip()[2:-1].split(".")[0] in codes, (indicator["code"], term)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plan", "tth-2099", "--period", "2023"], "Không có kế hoạch mã 'tth-2099'."),
        (["--plan", "tth-2023", "--period", "2023S3"], "kỳ '2023S3' không hợp lệ"),
        (
            ["--plan", "tth-2023", "--period", "2023", "--unit", "99999"],
            "Không có đơn vị hành chính mã: 99999.",
        ),
        (
            ["--plan", "tth-2023", "--period", "2023", "--unit", "474", "--unit", "00000"],
            "Không có đơn vị hành chính mã: 00000.",
        ),
    ],
)
def test_evaluate_targets_refuses_unknown_plan_period_or_unit_in_vietnamese(plan, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("evaluate_targets", *args, stdout=io.StringIO())

    assert message in str(raised.value)


def test_evaluate_targets_defaults_to_the_plan_s_province(plan):
    out = io.StringIO()
    call_command("evaluate_targets", "--plan", "tth-2023", "--period", "2023", stdout=out)

    rows = json.loads(out.getvalue())
    assert {r["unit"] for r in rows} == {"46"}
    assert len(rows) == 23


def test_export_metadata_refuses_an_unknown_plan_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không có kế hoạch mã 'khong-co'."):
        call_command("export_metadata", "--plan", "khong-co", stdout=io.StringIO())


def test_export_datavalues_refuses_an_unknown_unit_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không có đơn vị hành chính mã '99999'."):
        call_command("export_datavalues", "--unit", "99999", stdout=io.StringIO())
