"""The SQL side (treem.register.eligibility) agrees with the Python side (treem.register.benefits) child by
child, and lists and counts the children owed the benefit through the scope."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.cases.models import AccessEvent, Child
from treem.register.benefits import latest_birth_for_age, monthly_amount
from treem.register.eligibility import (
    eligible_q,
    receiving_q,
    unserved,
    unserved_children,
    unserved_counts,
)
from treem.register.models import Circumstance, Support
from treem.units.models import AdministrativeUnit

D = datetime.date
DAYS = [
    D(2021, 6, 30),
    D(2021, 7, 1),
    D(2024, 2, 28),
    D(2024, 2, 29),
    D(2024, 6, 30),
    D(2024, 7, 1),
    D(2025, 2, 28),
    D(2025, 3, 1),
    D(2025, 11, 20),
]
GROUPS = ["orphan_both", "abandoned", "no_carer", "hiv", "disabled", "parents_away"]
DISABILITIES = ["", "", "mild", "severe", "extremely_severe"]


def unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code)


def make_child(commune: AdministrativeUnit, born: D | None, disability: str = "", **extra) -> Child:
    return Child.objects.create(commune=commune, date_of_birth=born, disability=disability, **extra)


def circumstance(child: Child, group: str, started_on: D, ended_on: D | None = None) -> Circumstance:
    return Circumstance.objects.create(
        child=child, kind="special", group=group, started_on=started_on, ended_on=ended_on
    )


def support(child: Child, started_on: D, amount: int | None, ended_on: D | None = None) -> Support:
    return Support.objects.create(
        child=child,
        kind="social_assistance",
        started_on=started_on,
        ended_on=ended_on,
        amount=None if amount is None else Decimal(amount),
        provider="UBND huyện",
    )


def births_near_birthdays() -> list[D]:
    """Dates of birth whose 4th or 16th birthday falls on a checked day, the day before or the day after,
    29 February births, and a spread of others."""
    found = [D(2020, 2, 29), D(2008, 2, 29), D(2016, 2, 29), D(2021, 3, 1), D(2009, 2, 28)]
    for day in DAYS:
        for years in (0, 4, 16):
            edge = latest_birth_for_age(day, years)
            found += [edge - datetime.timedelta(days=1), edge, edge + datetime.timedelta(days=1)]
    rng = random.Random(20240701)
    found += [D(2005, 1, 1) + datetime.timedelta(days=rng.randrange(7300)) for _ in range(60)]
    return found


@pytest.fixture
def generated(db):
    """~120 children with random degrees of disability, circumstances (some ending, some starting on a
    checked day) and supports (some below the amount owed, some without an amount)."""
    rng = random.Random(76)
    communes = [unit("19903"), unit("19912")]
    children = []
    for born in [*births_near_birthdays(), None]:
        child = make_child(rng.choice(communes), born, rng.choice(DISABILITIES))
        for _ in range(rng.choice([0, 1, 1, 2])):
            start = rng.choice([*DAYS, D(2019, 5, 1), D(2023, 1, 1)])
            end = rng.choice([None, None, start + datetime.timedelta(days=rng.randrange(0, 900))])
            circumstance(child, rng.choice(GROUPS), start, end)
        if rng.random() < 0.4:
            start = rng.choice(DAYS)
            end = rng.choice([None, start + datetime.timedelta(days=rng.randrange(0, 400))])
            support(child, start, rng.choice([None, 540000, 900000, 1250000, 2000000]), end)
        children.append(child)
    return children


def python_owed(child: Child, day: D) -> Decimal | None:
    return monthly_amount(child, list(child.circumstances.all()), day)


def python_paid(child: Child, day: D) -> Decimal | None | str:
    active = [
        s for s in child.supports.all() if s.started_on <= day and (s.ended_on is None or s.ended_on >= day)
    ]
    if not active:
        return "none"
    amounts = [s.amount for s in active]
    return None if None in amounts else max(amounts)


def test_sql_eligibility_equals_the_python_one_on_every_checked_day(generated):
    ids = [c.pk for c in generated]
    children = list(Child.objects.filter(pk__in=ids).prefetch_related("circumstances", "supports"))
    for day in DAYS:
        in_sql = set(Child.objects.filter(pk__in=ids).filter(eligible_q(day)).values_list("pk", flat=True))
        in_python = {c.pk for c in children if python_owed(c, day) is not None}
        assert in_sql == in_python, day
    assert any(python_owed(c, D(2024, 7, 1)) for c in children)  # the test checks something


def test_sql_unserved_children_and_amounts_equal_the_python_ones(generated):
    ids = [c.pk for c in generated]
    children = list(Child.objects.filter(pk__in=ids).prefetch_related("circumstances", "supports"))
    for day in DAYS:
        in_sql = set(unserved(Child.objects.filter(pk__in=ids), day).values_list("pk", flat=True))
        expected = set()
        for c in children:
            owed, paid = python_owed(c, day), python_paid(c, day)
            if owed is not None and (paid == "none" or (paid is not None and paid < owed)):
                expected.add(c.pk)
        assert in_sql == expected, day
        receiving = set(
            Child.objects.filter(pk__in=ids).filter(receiving_q(day)).values_list("pk", flat=True)
        )
        assert receiving == {c.pk for c in children if python_paid(c, day) != "none"}, day


def test_the_listed_rule_and_amount_are_those_of_the_python_side(generated, make_user):
    manager = make_user(Role.CASE_MANAGER, "46")
    scope = scope_for(manager)
    for day in (D(2024, 6, 30), D(2024, 7, 1)):
        for code in ("19903", "19912"):
            page, rows = unserved_children(scope, unit(code), day, user=manager, per_page=500)
            assert page.paginator.count == len(rows)
            for row in rows:
                circumstances = list(row.child.circumstances.all())
                assert row.owed == monthly_amount(row.child, circumstances, day)
                assert row.rule.coefficient * (500000 if day.month == 7 else 360000) == row.owed


# --- lists and counts through the scope ---------------------------------------------------------------------


@pytest.fixture
def district_478(db):
    """In commune 19903: an orphan under 4 with nothing, one receiving the old amount after 01/7/2024, one
    receiving in full; in 19912: 2 severely disabled children with nothing; in 474's 19750: 1."""
    phu_thuan, phu_an, tay_loc = unit("19903"), unit("19912"), unit("19750")
    baby = make_child(phu_thuan, D(2022, 3, 1), name="Lê Thị Bé")
    circumstance(baby, "abandoned", D(2022, 3, 5))
    old = make_child(phu_thuan, D(2021, 9, 9), name="Trần Văn Cũ")
    circumstance(old, "orphan_both", D(2022, 1, 1))
    support(old, D(2022, 2, 1), 900000)
    full = make_child(phu_thuan, D(2021, 9, 9), name="Phạm Đủ")
    circumstance(full, "orphan_both", D(2022, 1, 1))
    support(full, D(2022, 2, 1), 1250000)
    for i in range(2):
        make_child(phu_an, D(2015, 1, 1 + i), "severe", name=f"Nguyễn Khuyết Tật {i}")
    make_child(tay_loc, D(2014, 1, 1), "extremely_severe")
    return {"baby": baby, "old": old, "full": full}


def test_the_commune_list_shows_who_gets_nothing_or_too_little_with_one_access_event_each(
    district_478, make_user
):
    officer = make_user(Role.COMMUNE_OFFICER, "19903")
    before = AccessEvent.objects.count()
    page, rows = unserved_children(scope_for(officer), unit("19903"), D(2024, 7, 1), user=officer)
    listed = {row.child.pk: row for row in rows}
    assert set(listed) == {district_478["baby"].pk, district_478["old"].pk}
    assert listed[district_478["baby"].pk].owed == Decimal(1_250_000)
    assert listed[district_478["baby"].pk].paid is None
    assert listed[district_478["old"].pk].paid == Decimal(900_000)
    assert listed[district_478["old"].pk].rule.code == "no_support_under_4"
    events = AccessEvent.objects.order_by("pk")[before:]
    assert sorted(e.child_id for e in events) == sorted(listed)
    # the day before the new base, the old amount was paid in full
    _page, rows = unserved_children(scope_for(officer), unit("19903"), D(2024, 6, 30), user=officer)
    assert [row.child.pk for row in rows] == [district_478["baby"].pk]


def test_a_commune_outside_the_case_scope_lists_nobody_and_logs_nothing(district_478, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, "19912")
    leader = make_user(Role.LEADER, "46")
    before = AccessEvent.objects.count()
    for user in (officer, leader):
        page, rows = unserved_children(scope_for(user), unit("19903"), D(2024, 7, 1), user=user)
        assert rows == [] and page.paginator.count == 0
    assert AccessEvent.objects.count() == before


def test_the_filter_by_rule_keeps_only_that_rule(district_478, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "478")
    _page, rows = unserved_children(
        scope_for(officer), unit("19912"), D(2024, 7, 1), user=officer, rule="no_support_under_4"
    )
    assert rows == []
    _page, rows = unserved_children(
        scope_for(officer), unit("19912"), D(2024, 7, 1), user=officer, rule="disability_severe"
    )
    assert len(rows) == 2


def test_counts_per_commune_are_exact_in_case_management(district_478, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "478")
    counts = unserved_counts(scope_for(officer), unit("478").path, D(2024, 7, 1))
    by_code = {row.unit.code: row.count for row in counts.units}
    assert counts.total == 4
    assert by_code["19903"] == 2 and by_code["19912"] == 2
    assert all(row.unit.level == "commune" for row in counts.units)
    assert sum(n for n in by_code.values() if n) == 4


def test_counts_outside_case_management_hide_small_ones_and_a_complement(district_478, make_user):
    leader = make_user(Role.LEADER, "46")
    counts = unserved_counts(scope_for(leader), unit("46").path, D(2024, 7, 1))
    by_code = {row.unit.code: row.count for row in counts.units}
    assert by_code["478"] is None and by_code["474"] is None  # 4 and 1: both below 5
    assert by_code["476"] == 0
    assert counts.total == 5
    assert all(row.unit.level == "district" for row in counts.units)


def test_counts_of_an_area_the_scope_does_not_see_are_empty(district_478, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "474")
    counts = unserved_counts(scope_for(officer), unit("478").path, D(2024, 7, 1))
    assert counts.total is None and counts.units == []


def test_counts_per_district_use_one_group_by(district_478, make_user, django_assert_max_num_queries):
    manager = make_user(Role.CASE_MANAGER, "46")
    scope, province = scope_for(manager), unit("46").path
    with django_assert_max_num_queries(3):
        counts = unserved_counts(scope, province, D(2024, 7, 1))
    assert {row.unit.code: row.count for row in counts.units}["478"] == 4
