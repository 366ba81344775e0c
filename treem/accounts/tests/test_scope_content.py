"""What each scoped role sees inside the pages and lists it may open (the status of each page is in
test_policy_matrix.py). The district officer works in Phú Vang (478) for UBND-478; the commune officer in
Xã Phú Thuận (19903, a commune of 478); the agency reporter for Sở Y tế (SYT, a provincial department, so
its area is the whole province). A second province (48) is loaded for every test: nobody of 46 sees it.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Q

from treem.accounts.models import Role
from treem.units.models import AdministrativeUnit, Agency

DISTRICT = "478"  # Huyện Phú Vang
COMMUNE = "19903"  # Xã Phú Thuận, in 478
OTHER_DISTRICT = "474"  # Thành phố Huế
OTHER_COMMUNE = "19750"  # Phường Tây Lộc, in 474
OVERVIEW = "/ke-hoach/tth-2023/"
UNIT_TREE = "/don-vi/"
API_UNITS = "/api/units/"
API_AGENCIES = "/api/agencies/"
ADMIN = "/admin/"
PROVINCE_WIDE = {"admin", "province_coordinator", "leader"}

SCOPES = {
    "admin": dict(unit_code="46", is_staff=True, is_superuser=True),
    "province_coordinator": dict(unit_code="46", agency_code="SLDTBXH"),
    "leader": dict(unit_code="46"),
    "agency_reporter": dict(agency_code="SYT"),
    "district_officer": dict(unit_code=DISTRICT, agency_code="UBND-478"),
    "commune_officer": dict(unit_code=COMMUNE),
}


@pytest.fixture
def user_for(make_user):
    def make(role: str):
        return make_user(Role(role), **SCOPES[role])

    return make


@pytest.fixture
def client_for(client, user_for):
    def make(role: str):
        client.force_login(user_for(role))
        return client

    return make


def unit_codes_in_tree(html: str) -> set[str]:
    return set(re.findall(r'data-unit="([^"]+)"', html))


def api_codes(response) -> list[str]:
    data = response.json()
    assert data["count"] == len(data["results"]), "scoped lists here fit in one page"
    return [row["code"] for row in data["results"]]


def district_subtree(code: str) -> set[str]:
    return set(
        AdministrativeUnit.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("code", flat=True)
    )


def test_admin_site_is_refused_to_a_non_staff_user_whatever_its_role(client, make_user):
    client.force_login(make_user(Role.ADMIN, "46"))  # role admin but not is_staff

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- content scoping -------------------------------------------------------------------------------------


def test_district_officer_tree_holds_its_district_and_its_communes_only(client_for):
    expected = district_subtree(DISTRICT)
    assert len(expected) == 15  # 478 and its 14 communes

    codes = unit_codes_in_tree(client_for("district_officer").get(UNIT_TREE).content.decode())

    assert codes == expected
    assert OTHER_DISTRICT not in codes and OTHER_COMMUNE not in codes and "46" not in codes


def test_district_officer_api_units_holds_its_district_and_its_communes_only(client_for):
    codes = api_codes(client_for("district_officer").get(API_UNITS))

    assert set(codes) == district_subtree(DISTRICT)
    assert len(codes) == 15
    assert OTHER_DISTRICT not in codes and OTHER_COMMUNE not in codes


def test_district_officer_cannot_fetch_a_unit_outside_its_district_by_code(client_for):
    client = client_for("district_officer")

    assert client.get(f"{API_UNITS}{COMMUNE}/").status_code == 200
    assert client.get(f"{API_UNITS}{OTHER_COMMUNE}/").status_code == 404


def test_district_officer_api_agencies_holds_its_district_committee_only(client_for):
    assert api_codes(client_for("district_officer").get(API_AGENCIES)) == ["UBND-478"]


def test_commune_officer_sees_exactly_its_commune(client_for):
    client = client_for("commune_officer")

    assert unit_codes_in_tree(client.get(UNIT_TREE).content.decode()) == {COMMUNE}
    assert api_codes(client.get(API_UNITS)) == [COMMUNE]


def test_commune_officer_sees_no_agency(client_for):
    assert api_codes(client_for("commune_officer").get(API_AGENCIES)) == []


def test_provincial_agency_reporter_sees_the_whole_province(client_for):
    province = set(AdministrativeUnit.objects.filter(path__startswith="46/").values_list("code", flat=True))
    assert {"46", DISTRICT, COMMUNE, OTHER_DISTRICT, OTHER_COMMUNE} <= province
    client = client_for("agency_reporter")

    assert unit_codes_in_tree(client.get(UNIT_TREE).content.decode()) == province
    response = client.get(API_UNITS, {"limit": 1000})
    assert response.json()["count"] == len(province)
    assert {row["code"] for row in response.json()["results"]} == province


def test_agency_reporter_api_agencies_returns_only_its_own_agency(client_for):
    assert Agency.objects.count() > 1
    assert api_codes(client_for("agency_reporter").get(API_AGENCIES)) == ["SYT"]


@pytest.mark.parametrize("role", sorted(PROVINCE_WIDE))
def test_province_wide_roles_see_every_unit_and_agency_of_their_province_and_none_of_another(
    client_for, role
):
    client = client_for(role)

    units = client.get(API_UNITS, {"limit": 1000}).json()
    agencies = client.get(API_AGENCIES, {"limit": 1000}).json()

    province = AdministrativeUnit.objects.filter(path__startswith="46/")
    assert AdministrativeUnit.objects.filter(path__startswith="48/").exists()
    assert units["count"] == province.count()
    assert {row["code"] for row in units["results"]} == set(province.values_list("code", flat=True))
    bodies = Agency.objects.filter(Q(unit__path__startswith="46/") | Q(unit__isnull=True))
    assert agencies["count"] == bodies.count()
    assert not any(row["code"].startswith("DN-") for row in agencies["results"])


def test_the_national_role_reads_every_province(client, make_user):
    client.force_login(make_user(Role.NATIONAL))

    units = client.get(API_UNITS, {"limit": 1000}).json()
    plans = client.get("/api/plans/").json()

    assert units["count"] == AdministrativeUnit.objects.count()
    assert {p["code"] for p in plans["results"]} == {"tth-2023", "dn-2023"}


def test_the_national_role_writes_nothing(client, make_user):
    client.force_login(make_user(Role.NATIONAL))

    response = client.post(
        "/api/dataValueSets/",
        '{"dataValues": [{"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19750", "value": "5"}]}',
        content_type="application/json",
    )

    assert response.status_code == 403
    assert client.get("/so-lieu/").status_code == 403


def test_a_new_user_has_no_access_until_given_a_role_and_an_area(client, django_user_model):
    user = django_user_model.objects.create_user("moi", password="Mat-khau-thu-2023")
    assert user.role == ""
    client.force_login(user)

    assert "chưa được phân quyền" in client.get("/").content.decode()
    assert client.get(API_UNITS).json()["count"] == 0
    assert client.get("/api/plans/").json()["count"] == 0
    assert client.get(OVERVIEW).status_code == 404


@pytest.mark.parametrize("role", sorted(PROVINCE_WIDE))
def test_a_province_wide_role_without_an_area_sees_nothing(client, make_user, role):
    client.force_login(make_user(Role(role)))

    assert client.get(API_UNITS).json()["count"] == 0
    assert client.get(OVERVIEW).status_code == 404


def overview_agency_links(client) -> set[str]:
    html = client.get(OVERVIEW).content.decode()
    return set(re.findall(r'href="/ke-hoach/tth-2023/co-quan/([^"/]+)/"', html))


def test_overview_links_every_section_agency_for_a_province_wide_user(client_for):
    links = overview_agency_links(client_for("leader"))

    assert {"SYT", "SLDTBXH", "UBND-HUYEN"} <= links


def test_overview_links_only_the_agency_pages_the_user_may_open(client_for):
    assert overview_agency_links(client_for("agency_reporter")) == {"SYT"}
    assert overview_agency_links(client_for("commune_officer")) == set()
