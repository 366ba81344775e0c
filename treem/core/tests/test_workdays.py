"""Working-day clocks: weekends, Vietnamese public holidays (with the days off moved to bridge them and the
Saturdays worked in exchange), an office's own days off, local dates in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treem.core.deadlines import local_date, local_zone
from treem.core.workdays import (
    add_hours,
    add_working_days,
    is_public_holiday,
    is_working_day,
    working_days_between,
)

D = datetime.date
UTC = datetime.UTC


def local(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=local_zone())


def test_five_working_days_skip_a_weekend_the_bridging_day_off_and_two_holidays():
    # Received Thu 25/04/2024. Working days after it:
    #   Fri 26/04 (1)
    #   Sat 27, Sun 28: weekend
    #   Mon 29/04: day off moved to bridge the holidays (worked back on Sat 04/05)
    #   Tue 30/04: Liberation Day; Wed 01/05: Labour Day
    #   Thu 02/05 (2), Fri 03/05 (3)
    #   Sat 04/05 (4): the Saturday worked in exchange for Mon 29/04
    #   Sun 05/05: weekend
    #   Mon 06/05 (5) → the limit ends at 00:00 on Tue 07/05, local time.
    deadline = add_working_days(local(2024, 4, 25, 10), 5)

    assert deadline == local(2024, 5, 7)
    assert deadline.tzinfo == local_zone()


def test_the_saturday_worked_in_exchange_for_a_bridging_day_off_is_a_working_day():
    assert not is_working_day(D(2024, 4, 29))  # Monday, day off
    assert is_working_day(D(2024, 5, 4))  # Saturday, worked
    assert not is_working_day(D(2024, 5, 11))  # an ordinary Saturday
    assert not is_working_day(D(2024, 5, 5))  # Sunday


def test_tet_2024_is_not_counted():
    # Tết 2024: Thu 08/02 to Wed 14/02 are days off. Received Wed 07/02 in the afternoon:
    # Thu 15/02 (1), Fri 16/02 (2), [Sat 17, Sun 18], Mon 19/02 (3) → ends 00:00 Tue 20/02.
    assert all(is_public_holiday(D(2024, 2, day)) for day in range(8, 15))

    assert add_working_days(local(2024, 2, 7, 15), 3) == local(2024, 2, 20)


def test_an_office_day_off_is_skipped_for_that_office_only():
    # Received Mon 03/06/2024; the office is closed on Tue 04/06.
    received = local(2024, 6, 3, 9)

    assert add_working_days(received, 2) == local(2024, 6, 6)  # Tue (1), Wed (2)
    assert add_working_days(received, 2, days_off={D(2024, 6, 4)}) == local(2024, 6, 7)  # Wed, Thu
    assert not is_working_day(D(2024, 6, 4), days_off=[D(2024, 6, 4)])


def test_a_receipt_at_2330_local_time_counts_from_that_local_day():
    received = datetime.datetime(2024, 6, 6, 16, 30, tzinfo=UTC)  # Thu 06/06 23:30 local
    assert local_date(received) == D(2024, 6, 6)

    deadline = add_working_days(received, 1)  # Fri 07/06 (1)

    assert deadline == local(2024, 6, 8)
    assert deadline == datetime.datetime(2024, 6, 7, 17, 0, tzinfo=UTC)


def test_a_receipt_at_0030_local_time_is_the_next_local_day_though_still_the_day_before_in_utc():
    received = datetime.datetime(2024, 6, 6, 17, 30, tzinfo=UTC)  # Fri 07/06 00:30 local
    assert local_date(received) == D(2024, 6, 7)

    deadline = add_working_days(received, 1)  # [Sat 08, Sun 09], Mon 10/06 (1)

    assert deadline == local(2024, 6, 11)


def test_a_receipt_on_a_weekend_counts_from_the_next_working_day():
    assert add_working_days(local(2024, 6, 8, 10), 1) == local(2024, 6, 11)  # Sat → Mon 10/06


def test_a_count_below_one_working_day_is_refused():
    with pytest.raises(ValueError):
        add_working_days(local(2024, 6, 3), 0)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime.datetime(2024, 6, 3, 9), 1)
    with pytest.raises(ValueError):
        add_hours(datetime.datetime(2024, 6, 3, 9), 12)


def test_hours_are_plain_clock_hours_through_the_night_and_weekend():
    # Fri 07/06/2024 20:00 local + 12 h → Sat 08/06 08:00 local, a weekend day counts like any other.
    assert add_hours(local(2024, 6, 7, 20), 12) == local(2024, 6, 8, 8)
    assert add_hours(datetime.datetime(2024, 6, 7, 13, tzinfo=UTC), 12) == local(2024, 6, 8, 8)
    assert add_hours(local(2024, 6, 7, 20), 12).tzinfo == local_zone()


def test_working_days_between_counts_after_the_first_day_up_to_the_last():
    assert working_days_between(D(2024, 6, 7), D(2024, 6, 7)) == 0
    assert working_days_between(D(2024, 6, 7), D(2024, 6, 10)) == 1  # Fri → Mon
    assert working_days_between(D(2024, 4, 25), D(2024, 5, 6)) == 5  # the first test's span
    assert working_days_between(D(2024, 5, 6), D(2024, 4, 25)) == -5
    assert working_days_between(D(2024, 6, 3), D(2024, 6, 7), days_off={D(2024, 6, 4)}) == 3


instants = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2040, 12, 31),
    timezones=st.just(UTC),
)
office_days_off = st.frozensets(st.dates(min_value=D(2000, 1, 1), max_value=D(2041, 6, 30)), max_size=20)


@settings(max_examples=200, deadline=None)
@given(start=instants, n=st.integers(min_value=1, max_value=60), days_off=office_days_off)
def test_a_deadline_is_always_the_end_of_a_working_day_n_working_days_later(start, n, days_off):
    deadline = add_working_days(start, n, days_off=days_off)
    last_day = deadline.date() - datetime.timedelta(days=1)

    assert deadline.tzinfo == local_zone()
    assert deadline.time() == datetime.time(0)
    assert deadline > start
    assert is_working_day(last_day, days_off=days_off)
    assert working_days_between(local_date(start), last_day, days_off=days_off) == n


@settings(max_examples=100, deadline=None)
@given(start=instants, hours=st.integers(min_value=0, max_value=24 * 30))
def test_adding_hours_adds_exactly_that_much_elapsed_time(start, hours):
    assert add_hours(start, hours) - start == datetime.timedelta(hours=hours)
