"""Roles through the 2025 reform: a scope is the subtree of the user's own unit version, so a 2023
district officer sees its 2023 communes and nothing of 2025's, a 2025 commune officer its commune, and
province roles both trees. A district officer exists only where districts do: the admin refuses one on
a commune or on a district that no longer exists, with the reason."""

from __future__ import annotations

import datetime
import re

import pytest

from treem.accounts import policy
from treem.accounts.models import Role, User
from treem.units.models import AdministrativeUnit, Agency, AgencyKind
from treem.units.testing_reform import user_at

from .reform_units import REFORM_DAY, load_reform_tree

ADD_USER = "/admin/accounts/user/add/"


@pytest.fixture
def communes_2025(db):
    return load_reform_tree()


def thuan_an_2025() -> AdministrativeUnit:
    return AdministrativeUnit.objects.version_of("19900", on=REFORM_DAY)


def test_a_2023_district_officer_sees_the_2023_subtree_and_nothing_of_2025(make_user, communes_2025):
    officer = user_at(
        Role.DISTRICT_OFFICER, AdministrativeUnit.objects.get(code="474")
    )  # Thành phố Huế, a district in 2023

    seen = policy.scope_for(officer).units()

    assert seen.filter(code="19900").get().path == "46/474/19900/"  # the 2023 Thuận An only
    assert seen.count() == AdministrativeUnit.objects.filter(path__startswith="46/474/").count()
    assert not seen.filter(valid_from=REFORM_DAY).exists()


def test_a_2025_commune_officer_sees_their_commune_and_not_the_2023_one_with_its_code(
    make_user, communes_2025
):
    officer = User.objects.create_user("xa-thuan-an-2025", role=Role.COMMUNE_OFFICER, unit=thuan_an_2025())

    scope = policy.scope_for(officer)

    assert list(scope.units()) == [thuan_an_2025()]
    assert scope.entry.allows_unit(thuan_an_2025())
    assert not scope.sees_path("46/474/19900/")
    assert scope.province_path == "46/"


@pytest.mark.parametrize("role", [Role.LEADER, Role.PROVINCE_COORDINATOR, Role.CASE_MANAGER])
def test_province_roles_see_both_trees(make_user, communes_2025, role):
    scope = policy.scope_for(make_user(role, "46"))

    seen = scope.units()

    assert seen.filter(code="19900").count() == 2
    assert seen.filter(valid_from=REFORM_DAY).count() == 40
    assert seen.filter(level="district").count() == 9


def test_a_district_role_needs_a_district_existing_that_day(communes_2025):
    district = AdministrativeUnit.objects.get(code="474")

    assert policy.area_refusal(Role.DISTRICT_OFFICER, district, on=datetime.date(2024, 5, 1)) is None
    gone = policy.area_refusal(Role.DISTRICT_OFFICER, district, on=datetime.date(2026, 1, 5))
    assert "không tồn tại vào ngày 05/01/2026" in gone and "01/07/2025" in gone
    wrong_level = policy.area_refusal(Role.DISTRICT_OFFICER, thuan_an_2025(), on=datetime.date(2026, 1, 5))
    assert "cần một đơn vị huyện" in wrong_level and "Phường Thuận An" in wrong_level
    assert policy.area_refusal(Role.COMMUNE_OFFICER, thuan_an_2025(), on=datetime.date(2026, 1, 5)) is None
    assert policy.area_refusal(Role.LEADER, thuan_an_2025()) is None  # other roles: any unit


def add_user(admin_client, role: str, unit: AdministrativeUnit, username: str = "can-bo-moi"):
    return admin_client.post(
        ADD_USER,
        {
            "username": username,
            "password1": "Bao-ve-tre-em-Hue-2026",
            "password2": "Bao-ve-tre-em-Hue-2026",
            "usable_password": "true",
            "role": role,
            "unit": unit.pk,
            "agency": "",
        },
    )


def test_the_admin_refuses_a_district_officer_on_a_district_that_no_longer_exists(
    admin_client, communes_2025
):
    response = add_user(admin_client, Role.DISTRICT_OFFICER, AdministrativeUnit.objects.get(code="474"))

    assert response.status_code == 200
    assert "không tồn tại vào ngày" in response.content.decode()
    assert not User.objects.filter(username="can-bo-moi").exists()


def test_the_admin_refuses_a_district_officer_on_a_commune(admin_client, communes_2025):
    response = add_user(admin_client, Role.DISTRICT_OFFICER, thuan_an_2025())

    assert response.status_code == 200
    assert "cần một đơn vị huyện" in response.content.decode()
    assert not User.objects.filter(username="can-bo-moi").exists()


def test_the_admin_makes_a_commune_officer_of_a_2025_commune(admin_client, communes_2025):
    response = add_user(admin_client, Role.COMMUNE_OFFICER, thuan_an_2025())

    assert response.status_code == 302
    assert User.objects.get(username="can-bo-moi").unit == thuan_an_2025()


def test_a_district_officer_made_before_the_reform_can_still_be_edited(
    admin_client, make_user, communes_2025
):
    district = AdministrativeUnit.objects.get(code="474")
    officer = User.objects.create_user("huyen-474", role=Role.DISTRICT_OFFICER, unit=district)
    page = admin_client.get(f"/admin/accounts/user/{officer.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {"first_name": "Hoàng Văn Nam", "unit": officer.unit_id, "last_login_0": "", "last_login_1": ""}
    )
    data.update({"date_joined_0": "02/12/2026", "date_joined_1": "08:00:00"})

    response = admin_client.post(f"/admin/accounts/user/{officer.pk}/change/", data)

    errors = re.findall(r"<ul class=\"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert response.status_code == 302, errors
    officer.refresh_from_db()
    assert officer.first_name == "Hoàng Văn Nam" and officer.role == Role.DISTRICT_OFFICER


def test_a_2025_communes_people_s_committee_reports_every_figure_of_its_commune(communes_2025):
    committee = Agency.objects.create(
        code="UBND-THU-19900",
        name="Ủy ban nhân dân phường Thuận An",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        unit=thuan_an_2025(),
        valid_from=REFORM_DAY,
    )
    reporter = User.objects.create_user("bc-thuan-an", role=Role.AGENCY_REPORTER, agency=committee)

    scope = policy.scope_for(reporter)

    assert scope.entry.unit_path == thuan_an_2025().path and scope.entry.supplier_ids is None
    assert not scope.sees_path("46/474/19900/")
