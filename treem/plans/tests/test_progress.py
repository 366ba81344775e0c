"""A plan's targets are annual: shorter periods are judged as progress, annualised where the plan says so,
and indicators split by area apply only where that area is. Every expected figure is worked out by hand.

Units: 19903 Xã Phú Thuận (rural, in 478); 19750 Phường Tây Lộc (urban, in 474); Thành phố Huế (474) has
29 wards and 7 communes (xã).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PLAN_FILE
from treem.core.errors import InputErrors
from treem.plans.evaluation import Status
from treem.plans.models import Indicator, Plan
from treem.plans.services import load_plan
from treem.plans.tests.test_evaluation import evaluate_targets, figures, load
from treem.plans.tests.test_plan_file import export, indicator

# --- the plan file marks annualised indicators ----------------------------------------------------------


def test_the_plan_file_marks_flow_over_yearly_stock_indicators_as_annualised(plan: Plan) -> None:
    annualised = set(plan.indicators.filter(annualized=True).values_list("code", flat=True))

    # vaccinations and injuries counted over the period, against a yearly population
    assert annualised == {"MT03-TCDD-1T", "MT06-TNTT", "MT06-TV-TNTT"}
    data = export()
    assert indicator(data, "MT03-TCDD-1T")["annualized"] is True
    assert indicator(data, "MT01-TVSS")["annualized"] is False  # deaths over births of the same period


def test_annualized_defaults_to_false_and_must_be_a_boolean(db: None, tmp_path: Path) -> None:
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["code"] = "tth-flag"
    for target in data["targets"]:
        for ind in target["indicators"]:
            ind.pop("annualized", None)
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_plan(path)
    assert not Indicator.objects.filter(plan__code="tth-flag", annualized=True).exists()

    data["targets"][2]["indicators"][0]["annualized"] = "yes"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputErrors) as error:
        load_plan(path)
    assert any("targets[2].indicators[0].annualized" in m for m in error.value.messages)


def test_the_annualised_flag_survives_an_export_round_trip(plan: Plan, tmp_path: Path) -> None:
    copy = dict(export(), code="tth-2023-flag")
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    load_plan(path)
    assert Indicator.objects.get(plan__code="tth-2023-flag", code="MT06-TNTT").annualized is True
    assert export("tth-2023-flag") == copy


# --- annualised values ------------------------------------------------------------------------------------


@pytest.fixture
def immunisation(db: None) -> None:
    """Children under 1 fully immunised: 479 in the first half, 476 in the second, of a cohort of 1,000."""
    load(
        ("CHILDREN_UNDER1", "19903", "2023S1", "1000"),
        ("CHILDREN_UNDER1", "19903", "2023S2", "1000"),
        ("FULLY_IMMUNISED_UNDER1", "19903", "2023S1", "479"),
        ("FULLY_IMMUNISED_UNDER1", "19903", "2023S2", "476"),
    )


def test_a_half_year_of_an_annualised_indicator_is_scaled_to_the_year(immunisation: None) -> None:
    row = evaluate_targets("2023S1", "19903")[("MT03-TCDD-1T", "19903")]

    # 479 / 1000 × 100 = 47.9 over 181 days; × 365 / 181 = 96.5939 > 95: on track (not 47.9 "not achieved")
    assert figures(row) == (479, 1000, 96.5939, "on_track")
    assert row["annualized"] is True and row["progress"] is True


def test_the_second_half_has_its_own_days(immunisation: None) -> None:
    row = evaluate_targets("2023S2", "19903")[("MT03-TCDD-1T", "19903")]

    # 47.6 × 365 / 184 = 94.4239, not above 95: behind
    assert figures(row) == (476, 1000, 94.4239, "behind")


def test_the_year_is_not_scaled_and_gets_the_years_verdict(immunisation: None) -> None:
    row = evaluate_targets("2023", "19903")[("MT03-TCDD-1T", "19903")]

    # (479 + 476) / 1000 × 100 = 95.5 > 95
    assert figures(row) == (955, 1000, 95.5, "achieved")
    assert row["annualized"] is False and row["progress"] is False


def test_a_quarter_and_a_leap_half_year_use_their_own_days(db: None) -> None:
    load(
        ("CHILDREN_UNDER1", "19903", "2023Q1", "1000"),
        ("FULLY_IMMUNISED_UNDER1", "19903", "2023Q1", "239"),
        ("CHILDREN_UNDER1", "19903", "2024S1", "1000"),
        ("FULLY_IMMUNISED_UNDER1", "19903", "2024S1", "479"),
    )
    # 23.9 × 365 / 90 = 96.9278; 47.9 × 366 / 182 = 96.3264
    assert evaluate_targets("2023Q1", "19903")[("MT03-TCDD-1T", "19903")]["value"] == 96.9278
    assert evaluate_targets("2024S1", "19903")[("MT03-TCDD-1T", "19903")]["value"] == 96.3264


def test_an_annualised_rate_below_a_ceiling_can_be_behind_at_half_year(db: None) -> None:
    load(("INJURED_CHILDREN", "19903", "2023S1", "150"), ("CHILDREN_TOTAL", "19903", "2023S1", "50000"))

    row = evaluate_targets("2023S1", "19903")[("MT06-TNTT", "19903")]

    # 150 / 50000 × 100000 = 300 in half a year; × 365 / 181 = 604.9724, not below 600
    assert figures(row) == (150, 50000, 604.9724, "behind")


def test_a_rate_of_two_flows_is_not_scaled_but_still_judged_as_progress(db: None) -> None:
    load(("NEONATAL_DEATHS", "19903", "2023S1", "3"), ("LIVE_BIRTHS", "19903", "2023S1", "400"))

    row = evaluate_targets("2023S1", "19903")[("MT01-TVSS", "19903")]

    assert figures(row) == (3, 400, 7.5, "on_track")  # 3 / 400 × 1000, below 9.5
    assert row["annualized"] is False and row["progress"] is True


def test_partial_and_no_data_stay_what_they_are_at_half_year(immunisation: None) -> None:
    result = evaluate_targets("2023S1", "478")

    assert result[("MT03-TCDD-1T", "478")]["status"] == "partial"  # 1 of 14 communes
    assert result[("MT01-TVSS", "478")]["status"] == "no_data"


def test_progress_statuses_have_their_own_labels() -> None:
    assert str(Status.LABELS[Status.ON_TRACK]) == "Đúng tiến độ"
    assert str(Status.LABELS[Status.BEHIND]) == "Chậm tiến độ"
    assert str(Status.LABELS[Status.NOT_APPLICABLE]) == "Không áp dụng"


# --- rural / urban indicators where they apply ----------------------------------------------------------


def test_a_rural_indicator_does_not_apply_to_an_urban_ward_nor_an_urban_one_to_a_rural_commune(
    db: None,
) -> None:
    result = evaluate_targets("2023S1", "19750", "19903")

    ward_rural = result[("MT02-TCBP-NT", "19750")]
    assert (ward_rural["status"], ward_rural["expected_units"]) == ("not_applicable", 0)
    assert result[("MT02-TCBP-TT", "19903")]["status"] == "not_applicable"
    assert result[("MT02-TCBP-TT", "19750")]["status"] == "no_data"  # urban, in a ward: missing
    assert result[("MT02-TCBP-NT", "19903")]["status"] == "no_data"
    assert result[("MT02-SDD-TC", "19750")]["status"] == "no_data"  # not split by area: applies


def test_a_district_expects_an_area_indicator_only_from_units_of_that_area(db: None) -> None:
    communes = ["19906", "19909", "19924", "19981", "19999", "20002", "20032"]  # the 7 xã of 474
    load(*[("CHILDREN_UNDER5", "rural", c, "2023S1", "200") for c in communes])
    load(*[("OVERWEIGHT_UNDER5", "rural", c, "2023S1", "8") for c in communes])

    result = evaluate_targets("2023S1", "474")

    rural = result[("MT02-TCBP-NT", "474")]
    # 7 × 8 / (7 × 200) × 100 = 4.0 < 5; every rural commune reported, the 29 wards are not expected
    assert figures(rural) == (56, 1400, 4, "on_track")
    assert (rural["reported_units"], rural["expected_units"]) == (7, 7)
    assert result[("MT02-TCBP-TT", "474")]["expected_units"] == 29
    assert result[("MT02-SDD-TC", "474")]["expected_units"] == 36
