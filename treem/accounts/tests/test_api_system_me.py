"""`GET /api/system/info` and `GET /api/me` (treem/accounts/api_dhis2.py): the fields DHIS2 clients read,
under every address they write, for signed-in callers only, and a user's own scope, nothing beyond."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from dhis2.utils import version_to_int
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role

INFO = "/api/system/info"
ME = "/api/me"


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, "46")


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url", [INFO, INFO + "/", INFO + ".json", "/api/40/system/info", "/api/29/system/info.json"]
)
def test_system_info_answers_under_every_address_dhis2_clients_write(client, leader, url):
    assert as_user(client, leader).get(url).status_code == 200


def test_system_info_tells_the_dhis2_version_the_server_time_and_the_calendar(client, leader):
    before = datetime.datetime.now(datetime.UTC)
    info = as_user(client, leader).get(INFO).json()

    assert info["version"] == "2.40.0" and version_to_int(info["version"]) == 40  # as dhis2.py reads it
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", info["serverDate"])
    served = datetime.datetime.fromisoformat(info["serverDate"]).replace(
        tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )
    assert abs((served - before).total_seconds()) < 60  # local time in Asia/Ho_Chi_Minh, no offset written
    assert info["serverTimeZoneId"] == "Asia/Ho_Chi_Minh"
    assert info["serverTimeZoneDisplayName"] == "Indochina Time"
    assert info["calendar"] == "iso8601" and info["dateFormat"] == "yyyy-mm-dd"
    assert info["contextPath"] == "http://testserver"
    assert info["systemName"] == "treem" and info["instanceBaseUrl"]
    assert re.fullmatch(r"[0-9a-f-]{36}", info["systemId"])
    assert info["treemVersion"] == info["revision"] and info["treemVersion"]


def test_system_info_names_the_address_the_client_reached(client, leader, settings):
    settings.ALLOWED_HOSTS = ["treem.example.vn"]
    info = as_user(client, leader).get(INFO, HTTP_HOST="treem.example.vn", secure=True).json()
    assert info["contextPath"] == "https://treem.example.vn"


@pytest.mark.parametrize("url", [INFO, ME, "/api/40/me.json"])
def test_anonymous_callers_get_a_401_webmessage_with_the_challenge(client, db, url):
    response = client.get(url)

    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
    body = response.json()
    assert body["httpStatus"] == "Unauthorized" and body["httpStatusCode"] == 401
    assert body["status"] == "ERROR" and body["message"]


@pytest.mark.parametrize("url", [INFO, ME])
def test_a_write_is_a_405_webmessage(client, leader, url):
    response = as_user(client, leader).post(url)

    assert response.status_code == 405
    assert response.json() == {
        "httpStatus": "Method Not Allowed",
        "httpStatusCode": 405,
        "status": "ERROR",
        "message": "Phương thức “POST” không được chấp nhận.",
    }


# --- /api/me, role by role ---------------------------------------------------------------------------------

ENTRY = ["F_DATAVALUE_ADD", "F_DATAVALUE_DELETE"]
# role → (Role, unit, agency, extra, authorities, (unit code, level) of organisationUnits)
ROLES = {
    "district": (Role.DISTRICT_OFFICER, "478", "UBND-478", {}, ENTRY, [("478", 2)]),
    "commune": (Role.COMMUNE_OFFICER, "19903", None, {}, ENTRY, [("19903", 3)]),
    "coordinator": (Role.PROVINCE_COORDINATOR, "46", "SLDTBXH", {}, ENTRY, [("46", 1)]),
    "reporter": (Role.AGENCY_REPORTER, None, "SYT", {}, ENTRY, [("46", 1)]),
    "leader": (Role.LEADER, "46", None, {}, [], [("46", 1)]),
    "case_manager": (Role.CASE_MANAGER, "474", None, {}, [], [("46", 1)]),  # any area: the province
    "national": (Role.NATIONAL, None, None, {}, [], [("46", 1), ("48", 1)]),
    "province_admin": (Role.ADMIN, "46", None, {"is_superuser": True, "is_staff": True}, ENTRY, [("46", 1)]),
    "superuser": (
        "",
        None,
        None,
        {"is_superuser": True, "is_staff": True},
        ["ALL", *ENTRY],
        [("46", 1), ("48", 1)],
    ),
    "no_role": ("", None, None, {}, [], []),
}


@pytest.mark.parametrize("name", sorted(ROLES))
def test_me_gives_the_authorities_and_units_of_the_users_scope(client, make_user, name):
    role, unit, agency, extra, authorities, units = ROLES[name]
    user = make_user(role, unit, agency, **extra)

    me = as_user(client, user).get(ME).json()

    assert me["authorities"] == authorities
    assert [(u["code"], u["level"]) for u in me["organisationUnits"]] == units
    assert me["dataViewOrganisationUnits"] == me["organisationUnits"]
    assert me["id"] == me["username"] == user.username
    expected_roles = [{"id": "superuser", "name": "Siêu quản trị (mọi tỉnh)"}] if name == "superuser" else []
    if role:
        expected_roles.append({"id": str(role), "name": str(Role(role).label)})
    assert me["userRoles"] == expected_roles
    assert me["settings"]["keyUiLocale"] == "vi"


def test_me_names_the_user_and_its_unit_as_dhis2_does(client, make_user):
    user = make_user(
        Role.DISTRICT_OFFICER,
        "478",
        "UBND-478",
        first_name="Lan",
        last_name="Nguyễn Thị",
        email="lan@example.vn",
    )

    me = as_user(client, user).get("/api/me.json").json()

    assert me["name"] == me["displayName"] == "Lan Nguyễn Thị"
    assert (me["firstName"], me["surname"], me["email"]) == ("Lan", "Nguyễn Thị", "lan@example.vn")
    assert me["organisationUnits"] == [
        {
            "id": "478",
            "code": "478",
            "name": "Huyện Phú Vang",
            "displayName": "Huyện Phú Vang",
            "level": 2,
            "path": "/46/478",
        }
    ]
    assert me["userCredentials"]["username"] == user.username


def test_me_tells_nothing_outside_the_users_scope(client, make_user):
    user = make_user(Role.COMMUNE_OFFICER, "19903")

    text = json.dumps(as_user(client, user).get(ME).json(), ensure_ascii=False)

    for elsewhere in ('478"', "474", '48"', "Đà Nẵng", "ALL", "password"):
        assert elsewhere not in text


def test_me_answers_an_api_token_like_a_session(client, make_user):
    user = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    token = Token.objects.create(user=user)

    me = client.get(ME, HTTP_AUTHORIZATION=f"ApiToken {token.key}").json()

    assert me["username"] == user.username and me["authorities"] == ENTRY


@pytest.mark.parametrize(
    "fields, keys",
    [
        ("id", {"id"}),
        ("id,name,authorities", {"id", "name", "authorities"}),
        ("*", None),
        (":all", None),
        ("*,!email,!userCredentials", "all-but"),
        ("id,unknownField", {"id"}),
        ("id~rename(uid),displayName::size", {"id", "displayName"}),
    ],
)
def test_me_answers_the_fields_asked_for(client, make_user, fields, keys):
    user = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    full = as_user(client, user).get(ME).json()

    me = client.get(ME, {"fields": fields}).json()

    if keys is None:
        assert me == full
    elif keys == "all-but":
        assert set(me) == set(full) - {"email", "userCredentials"}
    else:
        assert set(me) == keys


def test_me_answers_nested_fields_of_the_units(client, make_user):
    user = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")

    me = as_user(client, user).get(ME, {"fields": "id,organisationUnits[id,level],userRoles(name)"}).json()

    assert me == {
        "id": user.username,
        "organisationUnits": [{"id": "478", "level": 2}],
        "userRoles": [{"name": "Cán bộ cấp huyện"}],
    }
