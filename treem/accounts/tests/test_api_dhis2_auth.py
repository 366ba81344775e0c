"""Signing in to the API as DHIS2 clients do (treem/accounts/authentication.py): HTTP Basic with the
password (counted and locked out by django-axes, never past the second factor), `ApiToken` beside
`Token`, and a 401 with a `WWW-Authenticate` challenge for a missing or bad credential."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role
from treem.accounts.otp import ensure_totp_device
from treem.accounts.testing_otp import sign_in_with_factor
from treem.core.models import AuditAction, AuditEvent

PASSWORD = "Mat-khau-thu-2023"  # conftest.make_user's password
ME = "/api/me"
PLANS = "/api/plans/"
CASES = "/api/cases/"
VALUES = "/api/dataValueSets"


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {pair}"}


pytestmark = pytest.mark.usefixtures("fresh_axes")


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")


def refused(response) -> str:
    """The message of a 401 with its challenge (the DHIS2 views' WebMessage or DRF's detail)."""
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Basic realm="treem"'
    body = response.json()
    return body.get("message") or body["detail"]


# --- HTTP Basic --------------------------------------------------------------------------------------------


def test_the_right_password_opens_the_api_with_the_users_scope(client, officer):
    response = client.get("/api/units/", **basic(officer.username))

    assert response.status_code == 200
    assert {u["code"] for u in response.json()["results"]} >= {"478"}
    assert "474" not in {u["code"] for u in response.json()["results"]}
    assert client.get(ME, **basic(officer.username)).json()["username"] == officer.username


def test_a_wrong_password_is_a_401_with_the_basic_challenge_and_a_failed_sign_in(client, officer):
    message = refused(client.get(ME, **basic(officer.username, "sai-mat-khau")))

    assert message == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_id=officer.username).exists()


def test_an_unknown_user_is_refused_as_a_wrong_password(client, db):
    assert refused(client.get(PLANS, **basic("khong-co-ai"))) == "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.mark.parametrize("url", [ME, PLANS, "/api/system/info", CASES])
def test_no_credential_is_a_401_with_the_challenge_not_a_403(client, db, url):
    assert refused(client.get(url))


@pytest.mark.parametrize(
    "header",
    [
        "Basic",
        "Basic a b",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":" + PASSWORD.encode()).decode(),  # no username
        "Basic " + base64.b64encode(b"a\x00b:" + PASSWORD.encode()).decode(),  # a NUL: no 500 on PostgreSQL
        "Basic " + base64.b64encode(b"u" * 151 + b":x").decode(),
        "Basic " + "A" * 5000,
    ],
)
def test_a_malformed_basic_header_is_a_401_in_vietnamese(client, db, header):
    message = refused(client.get(ME, HTTP_AUTHORIZATION=header))
    assert "không" in message


@pytest.mark.parametrize(
    "password, encoding", [("Mật-khẩu-thử-2023", "utf-8"), ("Mat-khau-ïé-2023", "latin-1")]
)
def test_a_password_beyond_ascii_is_read_in_utf_8_or_latin_1_as_clients_send_it(
    client, make_user, password, encoding
):
    user = make_user(Role.LEADER, "46")
    user.set_password(password)
    user.save()
    pair = base64.b64encode(f"{user.username}:{password}".encode(encoding)).decode()

    assert client.get(ME, HTTP_AUTHORIZATION=f"Basic {pair}").status_code == 200


def test_an_inactive_user_is_refused_even_with_the_right_password(client, officer):
    officer.is_active = False
    officer.save()

    assert refused(client.get(ME, **basic(officer.username))) == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_axes_locks_the_account_out_after_the_configured_failures_with_a_clear_401(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.get(ME, **basic(officer.username, "sai")).status_code == 401
    assert client.get(ME, **basic(officer.username)).status_code == 200  # not yet locked

    last = client.get(ME, **basic(officer.username, "sai"))
    then = client.get(ME, **basic(officer.username))  # even the right password, now

    for response in (last, then):
        assert "Tài khoản tạm khóa" in refused(response)  # JSON, not the sign-in page's HTML
        assert response["Content-Type"] == "application/json"
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, object_id=officer.username).exists()
    # the web sign-in is locked too: the same account and address
    page = client.post("/dang-nhap/", {"username": officer.username, "password": PASSWORD})
    assert "Tài khoản tạm khóa" in page.content.decode()


def test_a_lockout_of_one_account_leaves_another_free(client, officer, make_user):
    other = make_user(Role.LEADER, "46")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.get(ME, **basic(officer.username, "sai"))

    assert client.get(ME, **basic(other.username)).status_code == 200


def test_basic_over_plain_http_is_refused_when_https_is_required(client, officer, settings):
    settings.TREEM_API_BASIC_HTTPS_ONLY = True

    message = refused(client.get(ME, **basic(officer.username)))

    assert "HTTPS" in message
    assert not AccessAttempt.objects.exists()  # refused before the password is even checked
    assert client.get(ME, secure=True, **basic(officer.username)).status_code == 200


def test_https_is_required_for_basic_by_default_only_when_deployed():
    from tests.test_deploy import PRODUCTION_ENV, settings_of

    name = ["TREEM_API_BASIC_HTTPS_ONLY"]
    assert settings.TREEM_API_BASIC_HTTPS_ONLY is False  # tests are not deployed
    assert settings_of(name, **PRODUCTION_ENV) == {name[0]: True}
    assert settings_of(name, DEBUG="1") == {name[0]: False}  # `make run`
    assert settings_of(name, **PRODUCTION_ENV, TREEM_API_BASIC_HTTPS_ONLY="0") == {name[0]: False}


def test_another_sites_page_cannot_write_with_a_password_the_browser_remembers(client, officer):
    """A browser that answered the Basic challenge once resends the password by itself; no CSRF token
    guards Basic, so a write from another site's page is refused."""
    cross = client.post(ME, HTTP_ORIGIN="https://evil.example", **basic(officer.username))
    fetch = client.post(ME, HTTP_SEC_FETCH_SITE="cross-site", **basic(officer.username))
    own = client.post(ME, HTTP_ORIGIN="http://testserver", **basic(officer.username))
    script = client.post(ME, **basic(officer.username))  # a DHIS2 client: no Origin

    assert cross.status_code == 403 and fetch.status_code == 403
    assert own.status_code == 405 and script.status_code == 405  # signed in; /api/me only answers GET
    assert client.get(ME, HTTP_ORIGIN="https://evil.example", **basic(officer.username)).status_code == 200


def test_the_session_still_needs_its_csrf_token(officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)

    assert browser.get(ME).status_code == 200
    assert browser.post(ME).status_code == 403  # CSRF, before the method is even looked at


# --- ApiToken and Token ------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["ApiToken", "Token"])
def test_a_token_opens_the_api_after_apitoken_as_after_token(client, officer, keyword):
    token = Token.objects.create(user=officer)

    response = client.get(ME, HTTP_AUTHORIZATION=f"{keyword} {token.key}")

    assert response.status_code == 200 and response.json()["username"] == officer.username


@pytest.mark.parametrize("keyword", ["ApiToken", "Token"])
def test_an_expired_token_is_a_401_after_either_keyword(client, officer, settings, keyword):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=officer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=30, seconds=1))

    assert "hết hạn" in refused(client.get(ME, HTTP_AUTHORIZATION=f"{keyword} {token.key}"))


@pytest.mark.parametrize(
    "header", ["ApiToken 0123456789abcdef0123456789abcdef01234567", "ApiToken", "ApiToken a b"]
)
def test_a_wrong_apitoken_is_a_401(client, db, header):
    assert refused(client.get(PLANS, HTTP_AUTHORIZATION=header))


def test_a_signed_in_caller_without_the_right_is_still_a_403(client, make_user):
    """401 is for the credential; a known caller the case API refuses (no second factor) gets 403."""
    commune = make_user(Role.COMMUNE_OFFICER, "19903")
    ensure_totp_device(commune)

    response = client.get(CASES, **basic(commune.username))

    assert response.status_code == 403


# --- Basic never passes the second factor ------------------------------------------------------------------


def test_basic_is_refused_by_the_case_api_where_a_verified_session_and_a_later_token_are_not(
    client, make_user
):
    commune = make_user(Role.COMMUNE_OFFICER, "19903")
    sign_in_with_factor(client, commune)
    token = Token.objects.create(user=commune)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() + timedelta(seconds=1))

    assert client.get(CASES).status_code == 200  # the verified session
    assert client.get(CASES, HTTP_AUTHORIZATION=f"ApiToken {token.key}").status_code == 200
    # the same browser, its verified session cookie sent along: the password alone decides
    assert client.get(CASES, **basic(commune.username)).status_code == 403


@pytest.fixture
def figures(db):
    from treem.indicators.tests.test_disclosure_rule import derived_figures

    return derived_figures()


def withheld(response) -> int:
    assert response.status_code == 200, response.content
    return int(response["X-Withheld-Values"])


def test_a_case_manager_with_the_factor_gets_small_counts_withheld_through_basic(client, figures, make_user):
    """test_disclosure_export's figures: 3 and its complement are left out for an unverified reader."""
    manager = make_user(Role.CASE_MANAGER, "46")
    ensure_totp_device(manager)
    token = Token.objects.create(user=manager)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() + timedelta(seconds=1))
    query = {"period": "2026S1", "orgUnit": "474", "children": "true", "dataElement": "SPECIAL_CIRCUMSTANCES"}

    assert withheld(client.get(VALUES, query, **basic(manager.username))) == 2
    assert withheld(client.get(VALUES, query, HTTP_AUTHORIZATION=f"ApiToken {token.key}")) == 0
    assert withheld(client.get(VALUES, query, HTTP_AUTHORIZATION=f"Token {token.key}")) == 0
    sign_in_with_factor(client, manager)
    assert withheld(client.get(VALUES, query)) == 0
    assert withheld(client.get(VALUES, query, **basic(manager.username))) == 2  # Basic wins over the cookie
