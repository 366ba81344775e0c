"""Target evaluation through `evaluate_targets`: rates from summed counts, thresholds in the plan's direction,
missing data, and yearly figures from six-monthly ones. Every expected figure is worked out by hand below.

Communes used: 19750 (Phường Tây Lộc) and 19753 (Phường Thuận Lộc) in Thành phố Huế (474, 36 communes);
19903 (Xã Phú Thuận) in Huyện Phú Vang (478, 14 communes). The province (46) has 141 communes.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.units.models import AdministrativeUnit, UnitLevel


def load(*rows: tuple) -> None:
    """Store values: (element, unit, period, value) or (element, combo, unit, period, value)."""
    inputs = []
    for row in rows:
        element, combo, unit, period, value = row if len(row) == 5 else (row[0], "default", *row[1:])
        inputs.append(
            ValueInput(element, combo, unit, period, value, where=f"{element}/{combo}/{unit}/{period}")
        )
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


def evaluate_targets(period: str, *units: str) -> dict[tuple[str, str], dict]:
    """evaluate_targets' JSON, by (indicator code, unit code)."""
    out = io.StringIO()
    args = ["--plan", "tth-2023", "--period", period]
    for unit in units:
        args += ["--unit", unit]
    call_command("evaluate_targets", *args, stdout=out)
    return {(row["indicator"], row["unit"]): row for row in json.loads(out.getvalue())}


def figures(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"], row["status"]


# --- rates are Σnumerator / Σdenominator, never an average of rates ----------------------------------------


@pytest.fixture
def neonatal_deaths(db):
    load(
        ("NEONATAL_DEATHS", "19750", "2023S1", "3"),
        ("LIVE_BIRTHS", "19750", "2023S1", "400"),  # 3 / 400 × 1000 = 7.5
        ("NEONATAL_DEATHS", "19753", "2023S1", "5"),
        ("LIVE_BIRTHS", "19753", "2023S1", "100"),  # 5 / 100 × 1000 = 50
        ("NEONATAL_DEATHS", "19903", "2023S1", "3"),
        ("LIVE_BIRTHS", "19903", "2023S1", "600"),  # 3 / 600 × 1000 = 5
    )


def test_each_commune_gets_its_own_rate(neonatal_deaths):
    result = evaluate_targets("2023S1", "19750", "19753", "19903")

    # a half-year against the annual target: on track or behind (the year's verdict comes with the year)
    assert figures(result[("MT01-TVSS", "19750")]) == (3, 400, 7.5, "on_track")  # 7.5 < 9.5
    assert figures(result[("MT01-TVSS", "19753")]) == (5, 100, 50, "behind")
    assert figures(result[("MT01-TVSS", "19903")]) == (3, 600, 5, "on_track")


def test_a_district_rate_is_the_sum_of_deaths_over_the_sum_of_births(neonatal_deaths):
    row = evaluate_targets("2023S1", "474")[("MT01-TVSS", "474")]

    # (3 + 5) / (400 + 100) × 1000 = 16.0; the average of the commune rates would be (7.5 + 50) / 2 = 28.75
    assert (row["numerator"], row["denominator"], row["value"]) == (8, 500, 16)
    assert row["value"] != (7.5 + 50) / 2


def test_the_province_rate_is_the_sum_over_all_communes_not_the_average_of_district_rates(neonatal_deaths):
    row = evaluate_targets("2023S1", "46")[("MT01-TVSS", "46")]

    # (3 + 5 + 3) / (400 + 100 + 600) × 1000 = 11 / 1100 × 1000 = 10.0
    # average of district rates: (16 + 5) / 2 = 10.5; average of commune rates: (7.5 + 50 + 5) / 3 = 20.83
    assert (row["numerator"], row["denominator"], row["value"]) == (11, 1100, 10)
    assert (row["threshold"], row["direction"]) == (9.5, "lt")


def test_a_district_with_few_communes_reporting_is_partial(neonatal_deaths):
    result = evaluate_targets("2023S1", "474", "478", "46")

    assert (
        result[("MT01-TVSS", "474")]["reported_units"],
        result[("MT01-TVSS", "474")]["expected_units"],
    ) == (2, 36)
    assert result[("MT01-TVSS", "474")]["status"] == "partial"
    assert (
        result[("MT01-TVSS", "478")]["reported_units"],
        result[("MT01-TVSS", "478")]["expected_units"],
    ) == (1, 14)
    assert figures(result[("MT01-TVSS", "478")]) == (3, 600, 5, "partial")  # 5 < 9.5, but 13 communes missing
    assert (result[("MT01-TVSS", "46")]["reported_units"], result[("MT01-TVSS", "46")]["expected_units"]) == (
        3,
        141,
    )


def test_a_commune_evaluated_alone_expects_only_itself(neonatal_deaths):
    row = evaluate_targets("2023S1", "19903")[("MT01-TVSS", "19903")]

    assert (row["reported_units"], row["expected_units"]) == (1, 1)


COMMUNES_478 = ["19903", "19912", "19915", "19918", "19921", "19927", "19933"]
COMMUNES_478 += ["19936", "19939", "19942", "19945", "19948", "19954", "19957"]  # the 14 communes of Phú Vang


@pytest.fixture
def all_of_478_reported(db):
    load(*[("NEONATAL_DEATHS", code, "2023S1", "1") for code in COMMUNES_478])
    load(*[("LIVE_BIRTHS", code, "2023S1", "100") for code in COMMUNES_478])


def add_commune_to_478(**validity) -> None:
    AdministrativeUnit.objects.create(
        code="19959",  # not a GSO code in use
        name="Xã Thử Nghiệm",
        level=UnitLevel.COMMUNE,
        unit_type="xã",
        parent=AdministrativeUnit.objects.get(code="478"),
        **validity,
    )


def test_a_district_where_every_commune_reported_gets_a_final_status(all_of_478_reported):
    row = evaluate_targets("2023S1", "478")[("MT01-TVSS", "478")]

    # 14 × 1 / (14 × 100) × 1000 = 10.0, not below 9.5
    assert figures(row) == (14, 1400, 10, "behind")
    assert (row["reported_units"], row["expected_units"]) == (14, 14)


def test_a_commune_retired_before_the_period_is_not_expected_to_report(all_of_478_reported):
    add_commune_to_478(valid_to=datetime.date(2023, 1, 1))

    row = evaluate_targets("2023S1", "478")[("MT01-TVSS", "478")]

    assert (row["reported_units"], row["expected_units"], row["status"]) == (14, 14, "behind")


def test_a_commune_created_after_the_period_is_not_expected_to_report(all_of_478_reported):
    add_commune_to_478(valid_from=datetime.date(2025, 7, 1))

    row = evaluate_targets("2023S1", "478")[("MT01-TVSS", "478")]

    assert (row["reported_units"], row["expected_units"], row["status"]) == (14, 14, "behind")


# --- rural / urban ------------------------------------------------------------------------------------------


def test_overweight_rural_and_urban_use_only_their_own_combo_and_threshold(db):
    """19750 is a ward (urban), 19903 a commune (rural); each reports its own area's children."""
    load(
        ("CHILDREN_UNDER5", "urban", "19750", "2023", "1000"),
        ("OVERWEIGHT_UNDER5", "urban", "19750", "2023", "90"),  # 90 / 1000 = 9.0 % urban
        ("STUNTED_UNDER5", "19750", "2023", "60"),
        ("CHILDREN_UNDER5", "rural", "19903", "2023", "200"),
        ("OVERWEIGHT_UNDER5", "rural", "19903", "2023", "12"),  # 12 / 200 = 6.0 % rural
    )

    result = evaluate_targets("2023", "19750", "19903", "478")

    # rural: 6.0 is not below its threshold 5 (it would be below the urban 10)
    assert figures(result[("MT02-TCBP-NT", "19903")]) == (12, 200, 6, "not_achieved")
    assert result[("MT02-TCBP-NT", "19903")]["threshold"] == 5
    assert result[("MT02-TCBP-NT", "19903")]["disaggregation"] == {"area": "rural"}
    # urban: 9.0 is below its threshold 10 (it would not be below the rural 5)
    assert figures(result[("MT02-TCBP-TT", "19750")]) == (90, 1000, 9, "achieved")
    assert result[("MT02-TCBP-TT", "19750")]["threshold"] == 10
    # a district sums only the combo named: 478's urban figure has none of 19903's rural children
    assert result[("MT02-TCBP-TT", "478")]["denominator"] is None
    assert result[("MT02-TCBP-NT", "478")]["denominator"] == 200
    # an indicator over all children under 5 adds both combos: 60 / 1000 × 100 = 6.0 < 9
    assert figures(result[("MT02-SDD-TC", "19750")]) == (60, 1000, 6, "achieved")


# --- thresholds: the plan's direction exactly ---------------------------------------------------------------


@pytest.fixture
def on_the_thresholds(db):
    """Figures for the whole year: the year's verdict, with no annualisation."""
    load(
        ("LIVE_BIRTHS", "19750", "2023", "2000"),
        ("NEONATAL_DEATHS", "19750", "2023", "19"),  # 19 / 2000 × 1000 = 9.5 exactly (lt 9.5)
        ("DEATHS_UNDER1", "19750", "2023", "24"),  # 24 / 2000 × 1000 = 12 exactly (le 12)
        ("CHILDREN_UNDER5", "urban", "19750", "2023", "600"),
        ("CHILDREN_UNDER5", "rural", "19750", "2023", "400"),
        ("FULLY_IMMUNISED_UNDER5", "19750", "2023", "950"),  # 950 / (600 + 400) × 100 = 95 exactly (ge 95)
        ("CHILDREN_UNDER1", "19750", "2023", "200"),
        ("FULLY_IMMUNISED_UNDER1", "19750", "2023", "190"),  # 190 / 200 × 100 = 95 exactly (gt 95)
    )
    return evaluate_targets("2023", "19750")


@pytest.mark.parametrize(
    "indicator, numerator, denominator, value, status",
    [
        ("MT01-TVSS", 19, 2000, 9.5, "not_achieved"),  # "dưới 9,5": 9.5 is not below 9.5
        ("MT01-TV1T", 24, 2000, 12, "achieved"),  # "xuống 12": 12 is at most 12
        ("MT03-TCDD-5T", 950, 1000, 95, "achieved"),  # "95%": 95 reaches 95
        ("MT03-TCDD-1T", 190, 200, 95, "not_achieved"),  # "trên 95%": 95 is not above 95
    ],
)
def test_a_value_equal_to_the_threshold_follows_the_direction(
    on_the_thresholds, indicator, numerator, denominator, value, status
):
    assert figures(on_the_thresholds[(indicator, "19750")]) == (numerator, denominator, value, status)


def test_the_status_compares_the_value_rounded_to_two_decimals(db):
    load(("LIVE_BIRTHS", "19750", "2023S1", "125000"), ("NEONATAL_DEATHS", "19750", "2023S1", "1187"))

    row = evaluate_targets("2023S1", "19750")[("MT01-TVSS", "19750")]

    # 1187 / 125000 × 1000 = 9.496, shown as 9,50: not below 9.5
    assert figures(row) == (1187, 125000, 9.496, "behind")


# --- no data ------------------------------------------------------------------------------------------------


def test_no_data_gives_no_value_and_status_no_data(db):
    result = evaluate_targets("2023S1", "19750", "474")

    assert len(result) == 2 * 23  # every indicator of the plan, for each unit
    for key, row in result.items():
        # the ward 19750 is urban: the rural overweight target does not apply there
        status = "not_applicable" if key == ("MT02-TCBP-NT", "19750") else "no_data"
        assert (row["numerator"], row["denominator"], row["value"], row["status"]) == (
            None,
            None,
            None,
            status,
        )
        assert row["reported_units"] == 0


def test_a_numerator_without_a_denominator_is_no_data(db):
    load(("NEONATAL_DEATHS", "19750", "2023S1", "3"))

    row = evaluate_targets("2023S1", "19750")[("MT01-TVSS", "19750")]

    assert figures(row) == (3, None, None, "no_data")


def test_a_zero_denominator_gives_no_value(db):
    load(("NEONATAL_DEATHS", "19750", "2023S1", "0"), ("LIVE_BIRTHS", "19750", "2023S1", "0"))

    row = evaluate_targets("2023S1", "19750")[("MT01-TVSS", "19750")]

    assert (row["value"], row["status"]) == (None, "no_data")


def test_values_of_another_period_do_not_count(db):
    load(("NEONATAL_DEATHS", "19750", "2022S2", "3"), ("LIVE_BIRTHS", "19750", "2022S2", "400"))

    row = evaluate_targets("2023S1", "19750")[("MT01-TVSS", "19750")]

    assert row["status"] == "no_data"


# --- a year from its two halves -------------------------------------------------------------------------------


@pytest.fixture
def two_halves(db):
    load(
        ("LIVE_BIRTHS", "19750", "2023S1", "400"),
        ("LIVE_BIRTHS", "19750", "2023S2", "500"),
        ("NEONATAL_DEATHS", "19750", "2023S1", "3"),
        ("NEONATAL_DEATHS", "19750", "2023S2", "2"),
        ("CHILDREN_UNDER5", "urban", "19750", "2023S1", "1000"),
        ("CHILDREN_UNDER5", "urban", "19750", "2023S2", "1100"),
        ("OVERWEIGHT_UNDER5", "urban", "19750", "2023S1", "90"),
        ("OVERWEIGHT_UNDER5", "urban", "19750", "2023S2", "55"),
        ("STUNTED_UNDER5", "19750", "2023S1", "60"),  # nothing in S2
    )
    return evaluate_targets("2023", "19750")


def test_a_year_adds_up_births_and_deaths_of_both_halves(two_halves):
    row = two_halves[("MT01-TVSS", "19750")]

    # (3 + 2) / (400 + 500) × 1000 = 5 / 900 × 1000 = 5.5556 (to 4 places)
    assert figures(row) == (5, 900, 5.5556, "achieved")
    assert row["period"] == "2023"


def test_a_year_takes_the_second_half_for_a_population(two_halves):
    row = two_halves[("MT02-TCBP-TT", "19750")]

    # last value: S2, 55 / 1100 × 100 = 5.0 (adding the halves would give 145 / 2100 = 6.90)
    assert figures(row) == (55, 1100, 5, "achieved")


def test_a_year_takes_the_latest_half_that_has_the_figure(two_halves):
    row = two_halves[("MT02-SDD-TC", "19750")]

    # stunted: only S1 has it (60); children under 5: S2 (1100) → 60 / 1100 × 100 = 5.4545
    assert figures(row) == (60, 1100, 5.4545, "achieved")


def test_a_half_year_is_not_affected_by_the_other_half(two_halves):
    row = evaluate_targets("2023S2", "19750")[("MT01-TVSS", "19750")]

    assert figures(row) == (2, 500, 4, "on_track")  # 2 / 500 × 1000


def test_a_year_entered_whole_and_by_halves_is_counted_once(db):
    """Births for 2023 typed as a yearly figure and as two halves: the yearly figure is used, not the sum."""
    for period, births, deaths in [("2023", "1000", "8"), ("2023S1", "400", "3"), ("2023S2", "500", "4")]:
        load(
            ("LIVE_BIRTHS", "19750", period, births),
            ("NEONATAL_DEATHS", "19750", period, deaths),
            ("DEATHS_UNDER1", "19750", period, deaths),
        )
    row = evaluate_targets("2023", "19750")[("MT01-TVSS", "19750")]
    assert (row["numerator"], row["denominator"]) == (8, 1000)  # not 8+3+4 over 1000+400+500


def test_the_latest_figure_of_each_commune_counts_even_when_another_commune_is_further_ahead(db):
    """Children under 1 (a `last` figure): 19750 reported only the first half (500); 19753 both halves
    (500, then 520). The district's 2023 figure is each commune's latest: 500 + 520 = 1020."""
    load(
        ("CHILDREN_UNDER1", "19750", "2023S1", "500"),
        ("CHILDREN_UNDER1", "19753", "2023S1", "500"),
        ("CHILDREN_UNDER1", "19753", "2023S2", "520"),
        ("FULLY_IMMUNISED_UNDER1", "19750", "2023S1", "200"),
        ("FULLY_IMMUNISED_UNDER1", "19753", "2023S1", "240"),
    )
    row = evaluate_targets("2023", "474")[("MT03-TCDD-1T", "474")]
    assert (row["numerator"], row["denominator"], row["reported_units"]) == (440, 1020, 2)


def test_a_commune_reporting_the_year_and_another_reporting_halves_both_count(db):
    """Births (a `sum` figure): 19750 entered the whole year (100); 19753 the two halves (40 + 60)."""
    load(
        ("LIVE_BIRTHS", "19750", "2023", "100"),
        ("NEONATAL_DEATHS", "19750", "2023", "1"),
        ("LIVE_BIRTHS", "19753", "2023S1", "40"),
        ("LIVE_BIRTHS", "19753", "2023S2", "60"),
        ("NEONATAL_DEATHS", "19753", "2023S1", "1"),
        ("NEONATAL_DEATHS", "19753", "2023S2", "1"),
    )
    row = evaluate_targets("2023", "474")[("MT01-TVSS", "474")]
    assert (row["numerator"], row["denominator"]) == (3, 200)
