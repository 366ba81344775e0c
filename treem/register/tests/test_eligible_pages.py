"""The page of children owed monthly social assistance (/so-theo-doi/chua-duoc-huong/)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Child
from treem.register.models import Circumstance, Support
from treem.units.models import AdministrativeUnit

D = datetime.date
URL = "/so-theo-doi/chua-duoc-huong/"


def years_ago(years: int) -> D:
    """A date of birth `years` years and a month before today (the page counts from today; the amounts
    below hold from 01/7/2024 on, whatever day the tests run)."""
    today = timezone.localdate()
    return D(today.year - years, 1, 1) if today.month > 1 else D(today.year - years - 1, 12, 1)


@pytest.fixture
def owed(db):
    """19903: an abandoned 2-year-old with nothing, a 6-year-old orphan with 540.000 đ recorded; 19912: one
    severely disabled child with nothing."""
    phu_thuan = AdministrativeUnit.objects.get(code="19903")
    baby = Child.objects.create(commune=phu_thuan, date_of_birth=years_ago(2), name="Lê Thị Bé")
    Circumstance.objects.create(child=baby, kind="special", group="abandoned", started_on=years_ago(2))
    older = Child.objects.create(commune=phu_thuan, date_of_birth=years_ago(6), name="Trần Văn Lớn")
    Circumstance.objects.create(child=older, kind="special", group="orphan_both", started_on=D(2022, 1, 1))
    Support.objects.create(
        child=older, kind="social_assistance", started_on=D(2023, 1, 1), amount=540000, provider="UBND"
    )
    other = Child.objects.create(
        commune=AdministrativeUnit.objects.get(code="19912"),
        date_of_birth=years_ago(12),
        disability="severe",
        name="Nguyễn Khác Xã",
    )
    return {"baby": baby, "older": older, "other": other}


def test_the_url_is_named_register_eligible():
    assert reverse("register:eligible") == URL


def test_a_commune_officer_sees_its_children_owed_with_the_amount_and_a_link(client, make_user, owed):
    officer = make_user(Role.COMMUNE_OFFICER, "19903")
    sign_in_with_factor(client, officer)
    before = AccessEvent.objects.count()
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lê Thị Bé" in html and "Trần Văn Lớn" in html
    assert "Nguyễn Khác Xã" not in html
    assert "1.250.000 đ" in html  # 2,5 × 500.000 for the baby
    assert "750.000 đ" in html and "540.000 đ" in html  # the older one owed 750.000, gets 540.000
    assert reverse("register:detail", args=[owed["baby"].pk]) in html
    assert "Trẻ em dưới 4 tuổi không có nguồn nuôi dưỡng" in html
    assert AccessEvent.objects.count() - before == 2


def test_the_filter_narrows_the_list_to_one_rule(client, make_user, owed):
    officer = make_user(Role.COMMUNE_OFFICER, "19903")
    sign_in_with_factor(client, officer)
    html = client.get(URL, {"rule": "no_support_from_4"}).content.decode()
    assert "Trần Văn Lớn" in html and "Lê Thị Bé" not in html


def test_a_case_role_without_the_second_factor_is_sent_to_verify(client, make_user, owed):
    officer = make_user(Role.COMMUNE_OFFICER, "19903")
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_a_role_without_case_records_gets_the_missing_page(client, make_user, owed):
    leader = make_user(Role.LEADER, "46")
    client.force_login(leader)
    assert client.get(URL).status_code == 404


def test_a_district_officer_sees_counts_per_commune_then_picks_one(client, make_user, owed):
    officer = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    sign_in_with_factor(client, officer)
    html = client.get(URL).content.decode()
    assert 'data-unit="19903"' in html and "Lê Thị Bé" not in html
    assert "data-total>3<" in html  # in case management: exact, no "< 5"
    html = client.get(URL, {"dv": "19912"}).content.decode()
    assert "Nguyễn Khác Xã" in html and "1.000.000 đ" in html


def test_a_commune_outside_the_scope_answers_like_a_missing_one(client, make_user, owed, main_of):
    officer = make_user(Role.COMMUNE_OFFICER, "19912")
    sign_in_with_factor(client, officer)
    outside = client.get(URL, {"dv": "19903"})
    missing = client.get(URL, {"dv": "99999"})
    assert outside.status_code == missing.status_code == 404
    assert main_of(outside) == main_of(missing)


def test_the_province_case_manager_drills_down_from_districts(client, make_user, owed):
    manager = make_user(Role.CASE_MANAGER, "46")
    sign_in_with_factor(client, manager)
    html = client.get(URL).content.decode()
    assert 'data-unit="478"' in html and 'data-unit="19903"' not in html
    html = client.get(URL, {"dv": "478"}).content.decode()
    assert 'data-unit="19903"' in html
