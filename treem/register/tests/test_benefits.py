"""Monthly social assistance from the rules file, one child at a time (treem.register.benefits)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treem.cases.models import Child
from treem.core.errors import InputErrors
from treem.register.benefits import (
    age_on,
    amount_changes,
    applicable_rules,
    base_on,
    benefit_rules,
    facts_on,
    format_money,
    latest_birth_for_age,
    monthly_amount,
    read_rules,
)
from treem.register.models import Circumstance

D = datetime.date


def child(born: D | None, disability: str = "") -> Child:
    return Child(date_of_birth=born, disability=disability)


LONG_AGO = D(2020, 1, 1)


def group(code: str, started_on: D = LONG_AGO, ended_on: D | None = None) -> Circumstance:
    return Circumstance(group=code, kind="special", started_on=started_on, ended_on=ended_on)


def test_the_base_is_360000_until_30_june_2024_and_500000_from_1_july_2024():
    assert base_on(D(2021, 6, 30)) is None
    assert base_on(D(2021, 7, 1)) == Decimal(360000)
    assert base_on(D(2024, 6, 30)) == Decimal(360000)
    assert base_on(D(2024, 7, 1)) == Decimal(500000)


def test_coefficients_and_amounts_are_decimals():
    rules = benefit_rules()
    assert {r.code: r.coefficient for r in rules.rules}["no_support_under_4"] == Decimal("2.5")
    assert all(isinstance(r.coefficient, Decimal) for r in rules.rules)
    assert isinstance(monthly_amount(child(D(2022, 1, 1)), [group("orphan_both")], D(2024, 7, 1)), Decimal)


def test_the_amount_changes_on_the_day_the_child_turns_4():
    orphan = child(D(2020, 8, 15))
    rows = [group("orphan_both")]
    assert monthly_amount(orphan, rows, D(2024, 8, 14)) == Decimal(1_250_000)  # 2,5 × 500.000
    assert monthly_amount(orphan, rows, D(2024, 8, 15)) == Decimal(750_000)  # 1,5 × 500.000


def test_the_amount_changes_on_the_day_the_new_base_takes_effect():
    orphan = child(D(2022, 3, 1))
    rows = [group("abandoned")]
    assert monthly_amount(orphan, rows, D(2024, 6, 30)) == Decimal(900_000)  # 2,5 × 360.000
    assert monthly_amount(orphan, rows, D(2024, 7, 1)) == Decimal(1_250_000)  # 2,5 × 500.000


def test_turning_4_under_the_old_base():
    orphan = child(D(2019, 3, 10))
    rows = [group("no_carer")]
    assert monthly_amount(orphan, rows, D(2023, 3, 9)) == Decimal(900_000)
    assert monthly_amount(orphan, rows, D(2023, 3, 10)) == Decimal(540_000)


def test_a_child_meeting_two_rules_gets_the_highest_coefficient_once():
    # from 4: no source of support (1,5) and a severe disability (2,0) → 2,0 once, not 3,5
    older = child(D(2015, 5, 5), disability="severe")
    rows = [group("orphan_both")]
    facts = facts_on(older, rows, D(2024, 7, 1))
    assert facts is not None
    met = applicable_rules(facts, D(2024, 7, 1))
    assert [r.code for r in met] == ["disability_severe", "no_support_from_4"]
    assert monthly_amount(older, rows, D(2024, 7, 1)) == Decimal(1_000_000)
    # under 4: 2,5 and 2,5 → 2,5 once
    baby = child(D(2023, 1, 1), disability="extremely_severe")
    assert monthly_amount(baby, rows, D(2024, 7, 1)) == Decimal(1_250_000)


def test_a_disabled_child_without_circumstances_is_eligible_by_its_degree():
    assert monthly_amount(child(D(2012, 1, 1), "extremely_severe"), [], D(2024, 7, 1)) == Decimal(1_250_000)
    assert monthly_amount(child(D(2012, 1, 1), "severe"), [], D(2024, 7, 1)) == Decimal(1_000_000)
    assert monthly_amount(child(D(2012, 1, 1), "mild"), [], D(2024, 7, 1)) is None


def test_nobody_is_eligible_from_the_16th_birthday():
    teen = child(D(2008, 9, 2), "severe")
    assert monthly_amount(teen, [], D(2024, 9, 1)) == Decimal(1_000_000)
    assert monthly_amount(teen, [], D(2024, 9, 2)) is None


def test_a_circumstance_counts_only_while_it_lasts():
    orphan = child(D(2018, 1, 1))
    rows = [group("orphan_both", D(2024, 1, 10), D(2024, 3, 31)), group("hiv", D(2020, 1, 1))]
    assert monthly_amount(orphan, rows, D(2024, 1, 9)) is None
    assert monthly_amount(orphan, rows, D(2024, 1, 10)) == Decimal(540_000)
    assert monthly_amount(orphan, rows, D(2024, 3, 31)) == Decimal(540_000)
    assert monthly_amount(orphan, rows, D(2024, 4, 1)) is None  # hiv alone is not a rule of the file


def test_an_unknown_or_future_date_of_birth_is_not_eligible():
    assert monthly_amount(child(None, "severe"), [], D(2024, 7, 1)) is None
    assert monthly_amount(child(D(2024, 7, 2), "severe"), [], D(2024, 7, 1)) is None
    assert monthly_amount(child(D(2024, 7, 1), "severe"), [], D(2024, 7, 1)) == Decimal(1_000_000)


def test_amount_changes_lists_exactly_the_days_the_amount_changes():
    orphan = child(D(2020, 8, 15))
    rows = [group("orphan_both", D(2023, 2, 1), D(2025, 1, 31))]
    changes = amount_changes(orphan, rows, D(2023, 1, 1), D(2025, 12, 31))
    assert changes == [
        (D(2023, 1, 1), None),
        (D(2023, 2, 1), Decimal(900_000)),
        (D(2024, 7, 1), Decimal(1_250_000)),
        (D(2024, 8, 15), Decimal(750_000)),
        (D(2025, 2, 1), None),
    ]


def test_a_29_february_birthday_is_kept_on_1_march_in_other_years():
    born = D(2020, 2, 29)
    assert age_on(born, D(2024, 2, 28)) == 3
    assert age_on(born, D(2024, 2, 29)) == 4
    assert age_on(born, D(2025, 2, 28)) == 4
    assert age_on(born, D(2025, 3, 1)) == 5
    teen = child(D(2009, 2, 28), "severe")  # turns 16 on 28/02/2025
    assert monthly_amount(teen, [], D(2025, 2, 28)) is None
    leapling = child(D(2008, 2, 29), "severe")  # turns 16 on 29/02/2024 (a leap year)
    assert monthly_amount(leapling, [], D(2024, 2, 28)) == Decimal(720_000)
    assert monthly_amount(leapling, [], D(2024, 2, 29)) is None


@given(
    born=st.dates(D(1990, 1, 1), D(2030, 12, 31)),
    day=st.dates(D(2000, 1, 1), D(2040, 12, 31)),
    years=st.integers(0, 20),
)
def test_the_sql_age_bound_matches_the_age_in_whole_years(born, day, years):
    assert (age_on(born, day) >= years) == (born <= latest_birth_for_age(day, years))


def test_money_is_written_with_dots_and_the_dong_sign():
    assert format_money(Decimal(1_250_000)) == "1.250.000 đ"
    assert format_money(None) == "—"


# --- a bad rules file --------------------------------------------------------------------------------------

GOOD = """benefit: social_assistance
title: "Trợ cấp"
bases:
  - {decree: "ND 20", from: 2021-07-01, amount: 360000}
rules:
  - code: r1
    label: "R1"
    basis: "ND 20"
    from: 2021-07-01
    groups_any: [orphan_both]
    coefficient: 2.5
"""


def write(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_reads(tmp_path):
    rules = read_rules(write(tmp_path, GOOD))
    assert rules.rules[0].coefficient == Decimal("2.5")
    assert rules.max_age == 16


def test_a_bad_coefficient_is_named_by_line_and_field(tmp_path):
    with pytest.raises(InputErrors) as raised:
        read_rules(write(tmp_path, GOOD.replace("coefficient: 2.5", "coefficient: hai")))
    assert "rules.yaml, dòng 11, rules[0].coefficient" in str(raised.value)


def test_an_unknown_group_and_reversed_dates_are_named(tmp_path):
    text = GOOD.replace("[orphan_both]", "[orphan_bothh]").replace(
        "from: 2021-07-01, amount", "from: 2021-07-01, to: 2021-01-01, amount"
    )
    with pytest.raises(InputErrors) as raised:
        read_rules(write(tmp_path, text))
    message = str(raised.value)
    assert "dòng 4, bases[0].to: ngày kết thúc trước ngày bắt đầu" in message
    assert "dòng 10, rules[0].groups_any[0]: nhóm 'orphan_bothh' không có trong danh mục" in message


def test_overlapping_bases_are_refused(tmp_path):
    text = GOOD.replace(
        '  - {decree: "ND 20", from: 2021-07-01, amount: 360000}\n',
        '  - {decree: "ND 20", from: 2021-07-01, amount: 360000}\n'
        '  - {decree: "ND 76", from: 2024-07-01, amount: 500000}\n',
    )
    with pytest.raises(InputErrors) as raised:
        read_rules(write(tmp_path, text))
    assert "bases[1].from: mức chuẩn trùng thời gian" in str(raised.value)


def test_a_rule_without_any_condition_is_refused(tmp_path):
    with pytest.raises(InputErrors):
        read_rules(write(tmp_path, GOOD.replace("    groups_any: [orphan_both]\n", "")))
