"""DHIS2 period identifiers: parsing, the periods a period contains, the period before."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treem.core.periods import PeriodError, PeriodType, parse_period, period_dates, period_label
from treem.indicators.periods import contained_periods, get_period, previous_period

D = datetime.date


@pytest.mark.parametrize(
    "code, kind, start, end",
    [
        ("2023", PeriodType.YEARLY, D(2023, 1, 1), D(2023, 12, 31)),
        ("2023S1", PeriodType.SIXMONTHLY, D(2023, 1, 1), D(2023, 6, 30)),
        ("2023S2", PeriodType.SIXMONTHLY, D(2023, 7, 1), D(2023, 12, 31)),
        ("2023Q1", PeriodType.QUARTERLY, D(2023, 1, 1), D(2023, 3, 31)),
        ("2023Q2", PeriodType.QUARTERLY, D(2023, 4, 1), D(2023, 6, 30)),
        ("2023Q4", PeriodType.QUARTERLY, D(2023, 10, 1), D(2023, 12, 31)),
        ("202306", PeriodType.MONTHLY, D(2023, 6, 1), D(2023, 6, 30)),
        ("202312", PeriodType.MONTHLY, D(2023, 12, 1), D(2023, 12, 31)),
        ("202302", PeriodType.MONTHLY, D(2023, 2, 1), D(2023, 2, 28)),
        ("202402", PeriodType.MONTHLY, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("200002", PeriodType.MONTHLY, D(2000, 2, 1), D(2000, 2, 29)),  # divisible by 400: leap
        ("190002", PeriodType.MONTHLY, D(1900, 2, 1), D(1900, 2, 28)),  # divisible by 100: not leap
        ("2024Q1", PeriodType.QUARTERLY, D(2024, 1, 1), D(2024, 3, 31)),
    ],
)
def test_parse_period_gives_type_and_first_and_last_day(code, kind, start, end):
    assert period_dates(code) == (kind, start, end)


@pytest.mark.parametrize(
    "code",
    ["2023S3", "2023S0", "2023Q5", "2023Q0", "202313", "202300", "23", "", "2023s1", "2023W1", " 2023"],
)
def test_an_invalid_period_id_raises_period_error_in_vietnamese(code):
    with pytest.raises(PeriodError) as raised:
        parse_period(code)

    assert f"kỳ '{code}' không hợp lệ" in str(raised.value)


def test_none_is_not_a_period():
    with pytest.raises(PeriodError):
        parse_period(None)


def test_get_period_stores_the_row_once(db):
    first = get_period("2023S1")
    again = get_period("2023S1")

    assert first.pk == again.pk
    assert (first.period_type, first.start_date, first.end_date) == (
        PeriodType.SIXMONTHLY,
        D(2023, 1, 1),
        D(2023, 6, 30),
    )


def test_a_year_contains_its_halves_quarters_and_months_but_not_last_year(db):
    inside = [
        "2023",
        "2023S1",
        "2023S2",
        "2023Q1",
        "2023Q2",
        "2023Q3",
        "2023Q4",
        "202301",
        "202306",
        "202312",
    ]
    outside = ["2022S2", "2022", "202212", "2024Q1", "2024"]
    for code in inside + outside:
        get_period(code)

    contained = set(contained_periods(get_period("2023")).values_list("code", flat=True))

    assert contained == set(inside)


def test_a_half_year_contains_its_quarters_and_months_only(db):
    for code in ["2023", "2023S1", "2023S2", "2023Q2", "2023Q3", "202306", "202307"]:
        get_period(code)

    contained = set(contained_periods(get_period("2023S1")).values_list("code", flat=True))

    assert contained == {"2023S1", "2023Q2", "202306"}


@pytest.mark.parametrize(
    "code, before",
    [
        ("2023S1", "2022S2"),
        ("2023S2", "2023S1"),
        ("2023Q1", "2022Q4"),
        ("2023Q3", "2023Q2"),
        ("202301", "202212"),
        ("202310", "202309"),
        ("2023", "2022"),
    ],
)
def test_previous_period_is_the_one_of_the_same_type_just_before(db, code, before):
    assert previous_period(get_period(code)).code == before


def test_previous_period_chain_walks_back_across_years(db):
    chain = [get_period("2023S2")]
    for _ in range(4):
        chain.append(previous_period(chain[-1]))

    assert [p.code for p in chain] == ["2023S2", "2023S1", "2022S2", "2022S1", "2021S2"]


@pytest.mark.parametrize(
    "code, label",
    [
        ("2023", "Năm 2023"),
        ("2023S1", "6 tháng đầu năm 2023"),
        ("2023S2", "6 tháng cuối năm 2023"),
        ("2023Q2", "Quý 2/2023"),
        ("202306", "Tháng 06/2023"),
    ],
)
def test_period_label_is_vietnamese(code, label):
    assert period_label(code) == label


# --- properties --------------------------------------------------------------------------------------------

years = st.integers(min_value=1000, max_value=9998)
period_ids = st.one_of(
    years.map(str),
    st.tuples(years, st.integers(1, 2)).map(lambda t: f"{t[0]}S{t[1]}"),
    st.tuples(years, st.integers(1, 4)).map(lambda t: f"{t[0]}Q{t[1]}"),
    st.tuples(years, st.integers(1, 12)).map(lambda t: f"{t[0]}{t[1]:02d}"),
)


@given(period_ids)
def test_any_valid_period_lies_within_its_year_and_starts_on_a_first(code):
    kind, start, end = period_dates(code)

    year = int(code[:4])
    assert start <= end
    assert start.year == end.year == year
    assert start.day == 1
    assert (end + datetime.timedelta(days=1)).day == 1  # ends on the last day of a month


@given(years, st.integers(1, 4))
def test_quarters_tile_their_year_without_gaps(year, quarter):
    _, start, end = period_dates(f"{year}Q{quarter}")
    _, half_start, half_end = period_dates(f"{year}S{(quarter + 1) // 2}")

    assert half_start <= start <= end <= half_end
    if quarter < 4:
        _, next_start, _ = period_dates(f"{year}Q{quarter + 1}")
        assert next_start == end + datetime.timedelta(days=1)


@given(years, st.integers(1, 12))
def test_a_month_has_as_many_days_as_the_calendar_says(year, month):
    _, start, end = period_dates(f"{year}{month:02d}")

    next_month = D(year + (month == 12), month % 12 + 1, 1)
    assert end == next_month - datetime.timedelta(days=1)
    assert (end - start).days + 1 in (28, 29, 30, 31)


def test_year_zero_is_a_period_error_not_a_crash():
    with pytest.raises(PeriodError, match="năm 0"):
        parse_period("0000")


@pytest.mark.parametrize("code", ["1000", "1999S1", "2099", "9999Q4", "203712"])
def test_a_year_far_from_any_plan_is_a_clear_period_error(code, settings):
    settings.TREEM_FIRST_YEAR, settings.TREEM_YEARS_AHEAD = 2000, 10
    with pytest.raises(PeriodError, match="nằm ngoài các năm được phép"):
        parse_period(code)


def test_the_allowed_years_follow_the_settings(settings):
    settings.TREEM_FIRST_YEAR, settings.TREEM_YEARS_AHEAD = 1990, 100
    assert parse_period("2099")[0] == PeriodType.YEARLY


@pytest.mark.parametrize(
    "page",
    [
        "/bang-theo-doi/?plan=tth-2023&period=2023S1",
        "/bang-theo-doi/chi-tiet/MT01-TVSS/?plan=tth-2023&period=2023S1",
        "/bang-theo-doi/?plan=tth-2023&period=2023S1&print=1",
        "/so-lieu/",
        "/so-lieu/SYT/2023S1/474/",
    ],
)
def test_no_page_shows_a_raw_period_id_to_the_user(client, make_user, page):
    import re

    client.force_login(make_user("province_coordinator", "46", "SLDTBXH"))
    html = client.get(page).content.decode()
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)

    assert re.findall(r"\b20\d\d(?:S[12]|Q[1-4])\b", text) == []
    assert "6 tháng đầu năm 2023" in text
