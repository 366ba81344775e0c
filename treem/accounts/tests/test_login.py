"""Signing in: the Vietnamese login page, django-axes lockout, password rules and the demo users."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from treem.accounts.models import Role, User
from treem.demo.users import DEMO_PASSWORD

LOGIN = "/dang-nhap/"
PASSWORD = "Mat-khau-thu-2023"  # conftest.make_user's password
WRONG_PASSWORD_ERROR = "Tên đăng nhập hoặc mật khẩu không đúng"
LOCKED_OUT = "Tài khoản tạm khóa"


pytestmark = pytest.mark.usefixtures("fresh_axes")


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_login_page_is_in_vietnamese(client, db):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<h1>Đăng nhập</h1>" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_correct_login_signs_in_and_redirects_home(client, officer):
    response = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(officer.pk)


def test_correct_login_follows_next(client, officer):
    response = client.post(
        LOGIN, {"username": officer.username, "password": PASSWORD, "next": "/ke-hoach/tth-2023/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/ke-hoach/tth-2023/"


def test_wrong_password_shows_the_vietnamese_error_and_does_not_sign_in(client, officer):
    response = client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})

    assert response.status_code == 200
    assert WRONG_PASSWORD_ERROR in response.content.decode()
    assert not signed_in(client)


def test_correct_login_is_refused_after_five_failures(client, officer):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})

    response = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert not signed_in(client)


def test_four_failures_do_not_lock_the_account(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})

    response = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in(client)


def test_lockout_of_one_username_leaves_other_users_free(client, officer, make_user):
    other = make_user(Role.LEADER, "46")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})

    response = client.post(LOGIN, {"username": other.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other.pk)


@pytest.mark.parametrize("password", ["abc12", "password123", "1234567890123", "treem"])
def test_password_validation_rejects_short_common_or_numeric_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_validation_accepts_a_long_uncommon_password():
    validate_password("Bao-ve-tre-em-Hue-2023")  # raises if rejected


def test_password_validation_rejects_a_password_like_the_username(db):
    user = User(username="nguyenvanhung", first_name="Nguyễn Văn Hùng")
    with pytest.raises(ValidationError):
        validate_password("nguyenvanhung1", user=user)


def run_load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


DEMO_LOGINS = {
    "quantri": Role.ADMIN,
    "dieuphoi": Role.PROVINCE_COORDINATOR,
    "lanhdao": Role.LEADER,
    "coquan": Role.AGENCY_REPORTER,
    "huyen": Role.DISTRICT_OFFICER,
    "xa": Role.COMMUNE_OFFICER,
    "trunguong": Role.NATIONAL,
    "truonghop": Role.CASE_MANAGER,
}


def test_load_demo_creates_one_user_per_role(db):
    before = User.objects.count()

    run_load_demo()

    demo = User.objects.filter(username__in=DEMO_LOGINS)
    # every role but "no role yet", plus one demo reporter per body that owes a report (`bc-<code>`)
    body_reporters = User.objects.filter(is_demo=True, username__startswith="bc-")
    assert User.objects.count() == before + len(Role) - 1 + body_reporters.count()
    assert body_reporters.exists()
    assert all(u.agency_id is not None for u in body_reporters)
    assert sorted(u.role for u in demo) == sorted(r for r in Role.values if r != Role.NONE)
    assert {u.username: u.role for u in demo} == DEMO_LOGINS
    assert [u.username for u in User.objects.filter(is_staff=True)] == ["quantri"]


def test_load_demo_scopes_users_to_real_units_and_agencies(db):
    run_load_demo()

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)}
    assert users["huyen"].unit.level == "district" and users["huyen"].agency.unit == users["huyen"].unit
    assert users["xa"].unit.parent == users["huyen"].unit
    assert users["coquan"].agency is not None and users["coquan"].agency.code != "SLDTBXH"
    assert users["dieuphoi"].agency.code == "SLDTBXH"


def test_load_demo_is_idempotent(db):
    run_load_demo()
    after_first = User.objects.count()

    run_load_demo()

    assert User.objects.count() == after_first
    assert User.objects.filter(username__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)


def test_load_demo_prints_every_login_and_the_password(db):
    output = run_load_demo()

    assert DEMO_PASSWORD in output
    for username in DEMO_LOGINS:
        assert f"  {username} " in output


def test_demo_users_can_sign_in_with_the_printed_password(client, db):
    run_load_demo()

    response = client.post(LOGIN, {"username": "xa", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert signed_in(client)


def test_pages_say_demo_data_only_where_the_demo_was_loaded(client, db):
    from django.core.management import call_command

    assert "dữ liệu DEMO" not in client.get("/dang-nhap/").content.decode()
    call_command("load_demo", no_figures=True, stdout=StringIO())
    assert "dữ liệu DEMO" in client.get("/dang-nhap/").content.decode()
