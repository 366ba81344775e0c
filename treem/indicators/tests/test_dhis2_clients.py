"""Two DHIS2 client libraries from PyPI, unmodified, drive treem over real HTTP with Basic auth as they drive a
DHIS2 server: `dhis2-client` (httpx; /api/system/info, /api/me, /api/dataValueSets) and `dhis2.py` (requests;
reads system/info for the version and appends `.json` to every GET).

pytest-django's `live_server` runs treem in a thread on the loopback interface; the requests go nowhere else
(proxy settings are cleared so that even a proxy configured on the machine is not used). These tests commit, so
they load the province and its plan themselves and the database is flushed after each."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

import pytest
from dhis2 import Api
from dhis2.exceptions import RequestException
from dhis2.utils import version_to_int
from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError
from django.core.management import call_command
from django.db import connections
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role
from treem.indicators.models import DataValue

PASSWORD = "Mat-khau-thu-2023"  # conftest.make_user's
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
# DHIS2's documented first example: period and orgUnit once, on the data value set.
VALUE_SET = {
    "period": "2023S1",
    "orgUnit": "19903",
    "dataValues": [
        {"dataElement": "LIVE_BIRTHS", "value": "600", "comment": "Trạm y tế xã Phú Thuận"},
        {"dataElement": "NEONATAL_DEATHS", "value": "5"},
    ],
}
READ = {"period": "2023S1", "orgUnit": "19903"}


@pytest.fixture
def province(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """Units, agencies and the plan in a database the server thread sees (see test_concurrent_writes)."""
    from conftest import PLAN_FILE

    call_command("load_units", verbosity=0)
    call_command("load_agencies", verbosity=0)
    call_command("load_plan", str(PLAN_FILE), verbosity=0)


@pytest.fixture
def server(live_server, monkeypatch: pytest.MonkeyPatch) -> str:
    """The live server's URL, on the loopback interface, with no proxy between the client and it. The
    server's request threads close their database connections after each request (CONN_MAX_AGE 0), so none
    is left open when the test database is dropped."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    assert urlparse(live_server.url).hostname in {"localhost", "127.0.0.1"}
    return live_server.url


@pytest.fixture
def reporter(province: None, make_user):
    """The health department's reporter: enters its figures for every unit of the province."""
    return make_user(Role.AGENCY_REPORTER, agency_code="SYT")


def stored() -> dict[tuple[str, str, str], Decimal]:
    rows = DataValue.objects.select_related("element", "unit", "period")
    return {(dv.element.code, dv.unit.code, dv.period.code): dv.value for dv in rows}


def read_back(data_value_set: dict) -> dict[tuple[str, str, str], str]:
    return {(v["dataElement"], v["orgUnit"], v["period"]): v["value"] for v in data_value_set["dataValues"]}


def test_dhis2_client_signs_in_with_basic_auth_posts_a_value_set_and_reads_it_back(server, reporter):
    client = DHIS2Client(base_url=server, username=reporter.username, password=PASSWORD, retries=0)
    try:
        info = client.get_system_info()
        me = client.get_current_user()
        answer = client.post_data_value_set(VALUE_SET)
        back = client.get_data_value_set(READ)
    finally:
        client.close()

    assert version_to_int(info["version"]) is not None, info
    assert info["serverDate"]
    assert me["username"] == reporter.username
    assert answer["httpStatusCode"] == 200 and answer["status"] == "OK", answer
    assert answer["response"]["status"] == "SUCCESS"
    assert answer["response"]["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    assert read_back(back) == {
        ("LIVE_BIRTHS", "19903", "2023S1"): "600",
        ("NEONATAL_DEATHS", "19903", "2023S1"): "5",
    }
    assert {v["storedBy"] for v in back["dataValues"]} == {reporter.username}
    assert stored() == {
        ("LIVE_BIRTHS", "19903", "2023S1"): Decimal(600),
        ("NEONATAL_DEATHS", "19903", "2023S1"): Decimal(5),
    }


def test_dhis2_client_with_a_wrong_password_gets_a_401_and_writes_nothing(server, reporter):
    client = DHIS2Client(base_url=server, username=reporter.username, password="not-the-password", retries=0)
    try:
        with pytest.raises(DHIS2HTTPError) as refused:
            client.post_data_value_set(VALUE_SET)
    finally:
        client.close()

    assert refused.value.status_code == 401
    assert stored() == {}


def test_dhis2_client_with_a_personal_access_token_sends_apitoken_and_imports(server, reporter):
    key = Token.objects.create(user=reporter).key
    client = DHIS2Client(base_url=server, token=key, retries=0)  # sends `Authorization: ApiToken <key>`
    try:
        me = client.get_current_user()
        answer = client.post_data_value_set(VALUE_SET)
    finally:
        client.close()

    assert me["username"] == reporter.username
    assert answer["response"]["importCount"]["imported"] == 2, answer
    assert DataValue.objects.filter(stored_by=reporter).count() == 2


def test_dhis2_py_reads_the_version_posts_a_value_set_and_reads_it_back(server, reporter):
    api = Api(server, reporter.username, PASSWORD)

    version = api.version_int
    posted = api.post("dataValueSets", json=VALUE_SET).json()
    back = api.get("dataValueSets", params=READ).json()  # GET /api/dataValueSets.json

    assert version is not None and version >= 28, api.info
    assert api.info["version"].startswith("2.")
    assert posted["status"] == "OK" and posted["response"]["importCount"]["imported"] == 2, posted
    assert read_back(back) == {
        ("LIVE_BIRTHS", "19903", "2023S1"): "600",
        ("NEONATAL_DEATHS", "19903", "2023S1"): "5",
    }


def test_dhis2_py_under_an_api_version_reads_me_and_updates_a_value(server, reporter):
    api = Api(server, reporter.username, PASSWORD, api_version=40)  # /api/40/…
    api.post("dataValueSets", json=VALUE_SET)

    me = api.get("me").json()  # GET /api/40/me.json
    changed = {**VALUE_SET, "dataValues": [{"dataElement": "LIVE_BIRTHS", "value": "610"}]}
    answer = api.post("dataValueSets", json=changed).json()

    assert me["username"] == reporter.username
    assert answer["response"]["importCount"] == {"imported": 0, "updated": 1, "ignored": 0, "deleted": 0}
    assert stored()[("LIVE_BIRTHS", "19903", "2023S1")] == Decimal(610)


def test_dhis2_py_with_a_wrong_password_gets_a_401(server, reporter):
    api = Api(server, reporter.username, "not-the-password")

    with pytest.raises(RequestException) as refused:
        api.get("system/info")

    assert refused.value.code == 401
