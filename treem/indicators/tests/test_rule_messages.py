"""Rule and outlier messages name the figures in words and write numbers the user's way (issue 7, item 6):
no formula syntax (`#{CODE}`), no Python number repr."""

from __future__ import annotations

from django.utils import translation

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ImportSummary, ValueInput, import_values

FULL = EntryScope(True)


def write(*rows: tuple[str, str, str, object], check_outliers: bool = False) -> ImportSummary:
    """(element, combo, unit, value) rows of 2023S1."""
    inputs = [ValueInput(e, c, u, "2023S1", v, where=f"{e}.{c}") for e, c, u, v in rows]
    return import_values(inputs, user=None, scope=FULL, check_outliers=check_outliers)


def test_a_percent_rule_over_combos_names_each_figure_and_its_disaggregation(db: None) -> None:
    summary = write(
        ("CHILDREN_UNDER5", "rural", "19903", "1000"),
        ("OVERWEIGHT_UNDER5", "rural", "19903", "1250"),
    )

    [conflict] = summary.conflicts
    assert conflict.text == (
        "Tử số của chỉ tiêu MT02-TCBP-NT không được lớn hơn mẫu số: "
        "Số trẻ em dưới 5 tuổi thừa cân béo phì (Nông thôn) là 1.250, phải không quá "
        "Số trẻ em dưới 5 tuổi (Nông thôn) là 1.000 (Xã Phú Thuận (19903), 6 tháng đầu năm 2023)"
    )


def test_a_rule_message_follows_the_users_language_for_words_and_numbers(db: None) -> None:
    with translation.override("en"):
        summary = write(
            ("NEONATAL_DEATHS", "default", "19903", "1200"), ("DEATHS_UNDER1", "default", "19903", "1150")
        )

    [conflict] = summary.conflicts
    assert (
        "Số trẻ sơ sinh tử vong is 1,200; it must be at most Số trẻ em dưới 1 tuổi tử vong, which is 1,150"
        in (conflict.text)
    )


def test_small_numbers_have_no_trailing_zeros(db: None) -> None:
    """Values are stored with four decimals; a message writes 5, not 5.0000."""
    assert not write(("DEATHS_UNDER1", "default", "19903", "4")).conflicts  # read back as 4.0000

    summary = write(("NEONATAL_DEATHS", "default", "19903", "5"))

    [conflict] = summary.conflicts
    assert "là 5, phải không quá" in conflict.text and "là 4 (" in conflict.text


def test_the_outlier_warning_writes_numbers_the_users_way(db: None) -> None:
    for period, births in (("2022S1", "1000"), ("2022S2", "1001")):
        import_values([ValueInput("LIVE_BIRTHS", "default", "19903", period, births)], user=None, scope=FULL)

    summary = write(("LIVE_BIRTHS", "default", "19903", "12000"), check_outliers=True)

    [warning] = summary.warnings
    assert warning.text == "giá trị 12.000 khác xa trung bình các kỳ trước (1.000,5); vui lòng kiểm tra lại"
    assert summary.imported == 1
