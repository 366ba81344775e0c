"""Demo register: about forty DEMO children of the demo communes, in every situation the register pages show,
with monthly social assistance at the amount of each day, loaded through the services, idempotent."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from treem.accounts.models import User
from treem.accounts.policy import scope_for
from treem.cases.models import Child
from treem.demo.cases import demo_communes
from treem.demo.register import CHILDREN, NAME_SUFFIX, birth_date, load_demo_register
from treem.register.benefits import age_on, birthday_in, monthly_amount
from treem.register.eligibility import receiving_q, unserved
from treem.register.models import Circumstance, CircumstanceKind, Support
from treem.register.selectors import children_for

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEW_BASE_FROM = datetime.date(2024, 7, 1)
OLD_BASE, NEW_BASE = Decimal(360000), Decimal(500000)
COEFFICIENTS = {Decimal("1.5"), Decimal("2.0"), Decimal("2.5")}


def load(**options) -> str:
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load_demo", no_figures=True, stdout=out, **options)
    return out.getvalue()


def demo_children() -> list[Child]:
    manager = User.objects.get(username="truonghop")
    return list(
        children_for(scope_for(manager))
        .filter(is_demo=True, cases__isnull=True)  # not the demo cases' children
        .prefetch_related("circumstances", "supports")
        .select_related("commune")
    )


def active(rows, day: datetime.date) -> list:
    return [r for r in rows if r.started_on <= day and (r.ended_on is None or r.ended_on >= day)]


@pytest.fixture
def demo(db):
    output = load()
    return output, demo_children()


def test_loading_the_demo_twice_adds_no_child_group_or_support(demo):
    output, children = demo
    counts = (Child.objects.count(), Circumstance.objects.count(), Support.objects.count())

    again = load()

    assert len(children) == len(CHILDREN) >= 40
    assert f"Sổ theo dõi trẻ em minh họa (DEMO): {len(CHILDREN)} trẻ em tạo mới, 0 không đổi." in output
    assert f"0 trẻ em tạo mới, {len(CHILDREN)} không đổi." in again
    assert (Child.objects.count(), Circumstance.objects.count(), Support.objects.count()) == counts


def test_no_register_and_no_cases_leave_the_register_empty(db):
    load(no_register=True)
    load(no_cases=True)

    assert not Circumstance.objects.exists() and not Support.objects.exists()


def test_every_demo_child_is_demo_named_as_demo_and_in_a_demo_commune(demo, plan):
    _, children = demo
    communes = {c.pk for district in demo_communes(plan.province.code) for c in district}

    assert all(child.is_demo for child in children)
    assert {child.name for child in children} == {spec.name + NAME_SUFFIX for spec in CHILDREN}
    assert {child.commune_id for child in children} <= communes
    assert len({child.commune_id for child in children}) == len(communes) == 9
    assert not Child.objects.filter(is_demo=False).exists()


def test_the_commune_officer_sees_the_children_of_her_commune_only(demo):
    _, children = demo
    officer = User.objects.get(username="xa")
    seen = set(
        children_for(scope_for(officer)).filter(circumstances__isnull=False).values_list("pk", flat=True)
    )

    assert seen == {child.pk for child in children if child.commune_id == officer.unit_id} != set()


def test_names_are_encrypted_in_the_database(demo):
    _, children = demo
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_child WHERE id = %s", [children[0].pk])
        stored = cursor.fetchone()[0]

    assert "DEMO" not in stored


def test_children_of_the_provinces_minorities_and_with_severe_disabilities(demo):
    _, children = demo
    ethnicities = {child.ethnicity for child in children}
    disabilities = {child.disability for child in children}

    assert {"01", "23", "26", "31"} <= ethnicities  # Kinh, Bru - Vân Kiều, Cơ Tu, Tà Ôi (Pa Kô)
    assert {"severe", "extremely_severe"} <= disabilities
    assert {child.household for child in children} >= {"poor", "near_poor"}


def test_some_children_are_in_two_special_groups_at_once_some_at_risk_only_some_ended(demo):
    _, children = demo
    today = timezone.localdate()
    special = CircumstanceKind.SPECIAL

    two_groups = [
        c
        for c in children
        if len([r for r in active(c.circumstances.all(), today) if r.kind == special]) >= 2
    ]
    risk_only = [c for c in children if {r.kind for r in c.circumstances.all()} == {CircumstanceKind.AT_RISK}]
    ended = [
        r for c in children for r in c.circumstances.all() if r.ended_on is not None and r.ended_on < today
    ]

    assert len(two_groups) >= 2
    assert len(risk_only) >= 5
    assert {r.kind for r in ended} == {CircumstanceKind.SPECIAL, CircumstanceKind.AT_RISK}
    assert all(child.circumstances.exists() for child in children)


def test_supports_and_benefits_of_every_kind_some_ended(demo):
    _, children = demo
    supports = [s for child in children for s in child.supports.all()]
    today = timezone.localdate()

    assert {s.kind for s in supports} >= {
        "care", "nurturing", "help", "social_assistance", "health_insurance", "education_support"
    }  # fmt: skip
    assert any(
        s.ended_on is not None and s.ended_on < today for s in supports if s.kind != "social_assistance"
    )
    assert all(s.provider.endswith("(DEMO)") for s in supports)


def test_monthly_assistance_is_the_base_of_its_day_times_a_coefficient(demo):
    _, children = demo
    rows = [(c, s) for c in children for s in c.supports.all() if s.kind == "social_assistance"]

    assert len(rows) >= 15
    never_raised = {spec.name + NAME_SUFFIX for spec in CHILDREN if not spec.raised}
    for child, support in rows:
        base = OLD_BASE if support.started_on < NEW_BASE_FROM else NEW_BASE
        assert support.amount / base in COEFFICIENTS
        if support.started_on < NEW_BASE_FROM and child.name not in never_raised:  # a new base: a new row
            assert support.ended_on is not None and support.ended_on < NEW_BASE_FROM
        assert monthly_amount(child, child.circumstances.all(), support.started_on) == support.amount
    if any(s.started_on < NEW_BASE_FROM for _, s in rows):
        assert {s.amount for _, s in rows} >= {OLD_BASE * Decimal("2.5"), NEW_BASE * Decimal("2.5")}


def test_a_child_turned_four_weeks_ago_and_its_coefficient_went_down_that_day(demo):
    _, children = demo
    today = timezone.localdate()
    four = [
        c
        for c in children
        if age_on(c.date_of_birth, today) == 4
        and age_on(c.date_of_birth, today - datetime.timedelta(days=60)) == 3
    ]

    assert four
    child = four[0]
    birthday = birthday_in(child.date_of_birth, child.date_of_birth.year + 4)
    rows = {s.started_on: s for s in child.supports.all() if s.kind == "social_assistance"}
    assert rows[birthday].amount == NEW_BASE * Decimal("1.5") and rows[birthday].ended_on is None
    before = next(s for s in rows.values() if s.ended_on == birthday - datetime.timedelta(days=1))
    assert before.amount == NEW_BASE * Decimal("2.5")


def test_a_child_who_turned_sixteen_no_longer_receives_assistance(demo):
    _, children = demo
    today = timezone.localdate()
    sixteen = [c for c in children if age_on(c.date_of_birth, today) >= 16]

    assert sixteen
    for child in sixteen:
        paid = [s for s in child.supports.all() if s.kind == "social_assistance"]
        assert paid and all(
            s.ended_on is not None and age_on(child.date_of_birth, s.ended_on) < 16 for s in paid
        )


def test_children_eligible_for_assistance_and_not_receiving_it_are_listed(demo):
    _, children = demo
    today = timezone.localdate()
    ids = [child.pk for child in children]

    owed = set(unserved(Child.objects.filter(pk__in=ids), today).values_list("pk", flat=True))
    nothing = owed - set(Child.objects.filter(receiving_q(today), pk__in=ids).values_list("pk", flat=True))

    assert len(nothing) >= 3
    assert any(c.disability in ("severe", "extremely_severe") for c in children if c.pk in nothing)
    if min(s.started_on for c in children for s in c.supports.all()) < NEW_BASE_FROM:
        assert len(owed - nothing) >= 1  # paid the amount of the older base, never raised
    receiving = [
        c for c in children if active([s for s in c.supports.all() if s.kind == "social_assistance"], today)
    ]
    assert len(receiving) >= 10


def test_dates_count_back_from_the_day_of_loading(db, plan):
    load(no_register=True)
    day = timezone.localdate() - datetime.timedelta(days=400)

    load_demo_register(plan.province.code, today=day)

    children = {c.name: c for c in demo_children()}
    for spec in CHILDREN:
        born = birth_date(spec, day)
        assert children[spec.name + NAME_SUFFIX].date_of_birth == born
        assert age_on(born, day) == spec.age[0]
        assert age_on(born, day - datetime.timedelta(days=spec.age[1] + 1)) == spec.age[0] - 1
