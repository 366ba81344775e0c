"""The second factor in front of case records (treem.accounts.otp, docs/second-factor.md): the roles that
open case records set up an authenticator app once and enter its code once per session before any case
page or case API answers; other roles are never asked and get the case views' own 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from treem import urls as project_urls
from treem.accounts.models import Role
from treem.accounts.otp import CaseFactorVerified, case_factor_required, ensure_totp_device
from treem.accounts.policy import scope_of
from treem.accounts.testing_otp import code_for_key, current_code, sign_in_with_factor

# A stand-in case page and case API (the real ones answer 404 by scope in the same way).
CASE_PAGE = "/ho-so-thu/"
CASE_API = "/api-ho-so-thu/"
SETUP = "/tai-khoan/xac-thuc/thiet-lap/"
VERIFY = "/tai-khoan/xac-thuc/"


@login_required
@case_factor_required
def case_page(request):
    if scope_of(request).case_path is None:
        raise Http404
    return HttpResponse("hồ sơ trẻ em")


class CaseApi(APIView):
    permission_classes = [IsAuthenticated, CaseFactorVerified]

    def get(self, request):
        if scope_of(request).case_path is None:
            raise Http404
        return Response({"cases": []})


urlpatterns = [
    path(CASE_PAGE.strip("/") + "/", case_page),
    path(CASE_API.strip("/") + "/", CaseApi.as_view()),
    *project_urls.urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def commune(make_user):
    return make_user(Role.COMMUNE_OFFICER, "19903")


def location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def page_text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


# Pages


def test_a_case_role_without_an_authenticator_is_sent_to_set_one_up(client, commune):
    client.force_login(commune)

    response = client.get(CASE_PAGE + "?trang=2")

    assert location(response) == SETUP + "?next=%2Fho-so-thu%2F%3Ftrang%3D2"


def test_setting_up_with_the_right_code_opens_the_case_page(client, commune):
    client.force_login(commune)
    page = client.get(SETUP, {"next": CASE_PAGE})
    device = TOTPDevice.objects.get(user=commune, confirmed=False)
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "otpauth://totp/" in page.content.decode()
    assert client.get(CASE_PAGE).status_code == 302  # an unconfirmed device verifies nothing

    response = client.post(SETUP, {"code": current_code(device), "next": CASE_PAGE})

    assert location(response) == CASE_PAGE
    assert client.get(CASE_PAGE).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_the_setup_page_shows_the_same_key_on_reload_grouped_for_typing(client, commune):
    client.force_login(commune)
    first = client.get(SETUP).content.decode()
    second = client.get(SETUP).content.decode()

    secret = re.search(r'id="otp-secret">([^<]+)<', first).group(1)
    assert re.search(r'id="otp-secret">([^<]+)<', second).group(1) == secret
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    assert TOTPDevice.objects.filter(user=commune).count() == 1


def test_a_case_role_with_an_authenticator_is_sent_to_enter_its_code(client, commune):
    ensure_totp_device(commune)
    client.force_login(commune)

    assert location(client.get(CASE_PAGE)) == VERIFY + "?next=%2Fho-so-thu%2F"


def test_the_right_code_opens_case_pages_for_the_rest_of_the_session(client, commune):
    device = ensure_totp_device(commune)
    client.force_login(commune)
    before = client.session.session_key

    response = client.post(VERIFY, {"code": current_code(device), "next": CASE_PAGE})

    assert location(response) == CASE_PAGE
    assert client.get(CASE_PAGE).status_code == 200
    assert client.get(CASE_PAGE).status_code == 200
    assert client.session.session_key != before  # the session gained rights: a new key


def test_a_code_typed_with_spaces_is_accepted(client, commune):
    device = ensure_totp_device(commune)
    client.force_login(commune)
    code = current_code(device)

    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} ", "next": CASE_PAGE})

    assert location(response) == CASE_PAGE


def test_a_wrong_code_says_so_in_vietnamese_and_opens_nothing(client, commune):
    device = ensure_totp_device(commune)
    client.force_login(commune)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong, "next": CASE_PAGE})

    assert response.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in page_text(response)
    assert client.get(CASE_PAGE).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_right_after_a_wrong_code_the_next_try_must_wait(client, commune):
    device = ensure_totp_device(commune)
    client.force_login(commune)
    client.post(VERIFY, {"code": "000000" if current_code(device) != "000000" else "111111"})

    response = client.post(VERIFY, {"code": current_code(device)})  # even the right one, too soon

    assert "Hãy đợi" in page_text(response)
    assert client.get(CASE_PAGE).status_code == 302


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_a_code_that_is_not_six_digits_is_explained(client, commune, typed):
    ensure_totp_device(commune)
    client.force_login(commune)

    response = client.post(VERIFY, {"code": typed})

    assert response.status_code == 200
    assert "gồm 6 chữ số" in page_text(response)


def test_a_used_code_cannot_be_used_again_in_another_session(client, commune):
    from django.test import Client

    device = ensure_totp_device(commune)
    code = current_code(device)
    client.force_login(commune)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    other.force_login(commune)

    response = other.post(VERIFY, {"code": code})

    assert "Mã không đúng" in page_text(response)


def test_an_authenticator_is_replaced_only_after_the_old_ones_code(client, commune):
    old = ensure_totp_device(commune)
    client.force_login(commune)
    assert location(client.get(SETUP)).startswith(VERIFY)  # a password alone cannot add a device
    assert client.post(VERIFY, {"code": current_code(old)}).status_code == 302

    page = client.get(SETUP)
    new = TOTPDevice.objects.get(user=commune, confirmed=False)
    response = client.post(SETUP, {"code": current_code(new), "next": CASE_PAGE})

    assert page.status_code == 200 and "Đổi ứng dụng xác thực" in page_text(page)
    assert location(response) == CASE_PAGE
    assert list(TOTPDevice.objects.filter(user=commune)) == [new]
    assert client.get(CASE_PAGE).status_code == 200


def test_a_role_without_case_access_is_never_asked_and_gets_the_views_404(client, make_user):
    leader = make_user(Role.LEADER, "46")
    client.force_login(leader)

    assert client.get(CASE_PAGE).status_code == 404
    assert client.get(VERIFY).status_code == 404
    assert client.get(SETUP).status_code == 404
    assert client.get("/tai-khoan/token/").status_code == 200  # its token page asks nothing
    assert not TOTPDevice.objects.filter(user=leader).exists()


def test_anonymous_is_sent_to_sign_in(client, db):
    for url in (CASE_PAGE, VERIFY, SETUP):
        assert location(client.get(url)).startswith("/dang-nhap/?next=")


def test_the_token_page_of_a_case_role_needs_the_factor(client, commune):
    client.force_login(commune)
    assert location(client.get("/tai-khoan/token/")).startswith(SETUP)

    sign_in_with_factor(client, commune)

    assert client.get("/tai-khoan/token/").status_code == 200


def test_an_htmx_request_is_told_to_load_the_verify_page(client, commune):
    ensure_totp_device(commune)
    client.force_login(commune)

    response = client.get(
        CASE_PAGE + "?phan=danh-sach",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/ho-so-thu/",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == VERIFY + "?next=%2Fho-so-thu%2F"


# Where to after the code: never another site


OPEN_REDIRECTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
    "https:///evil.example/",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_after_the_code_only_addresses_of_this_site_are_followed(client, commune, target, main_of):
    device = ensure_totp_device(commune)
    client.force_login(commune)

    page = client.get(VERIFY, {"next": target})
    response = client.post(VERIFY, {"code": current_code(device), "next": target})

    assert location(response) == "/ho-so/"
    assert "evil" not in main_of(page) and "javascript:" not in main_of(page)  # nor in the form's next


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_after_setting_up_only_addresses_of_this_site_are_followed(client, commune, target):
    client.force_login(commune)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=commune)

    response = client.post(SETUP, {"code": current_code(device), "next": target})

    assert location(response) == "/ho-so/"


def test_a_same_site_address_with_its_query_is_followed(client, commune):
    device = ensure_totp_device(commune)
    client.force_login(commune)

    response = client.post(VERIFY, {"code": current_code(device), "next": "/ho-so/?muc=qua-han"})

    assert location(response) == "/ho-so/?muc=qua-han"


# API


def test_the_case_api_refuses_an_unverified_session(client, commune):
    ensure_totp_device(commune)
    client.force_login(commune)

    response = client.get(CASE_API)

    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]


def test_the_case_api_answers_a_verified_session(client, commune):
    sign_in_with_factor(client, commune)

    assert client.get(CASE_API).status_code == 200


def test_the_case_api_accepts_a_token_made_after_the_factor_was_set_up(client, commune):
    sign_in_with_factor(client, commune)
    client.post("/tai-khoan/token/", {"action": "create"})
    key = Token.objects.get(user=commune).key

    response = client.__class__().get(CASE_API, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200


def test_the_case_api_refuses_a_token_made_before_the_factor(client, commune):
    key = Token.objects.create(user=commune).key  # e.g. made while the user had another role
    ensure_totp_device(commune)

    response = client.get(CASE_API, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 403


def test_the_case_api_lets_other_roles_through_to_the_views_404(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))

    assert client.get(CASE_API).status_code == 404


def test_the_case_api_refuses_anonymous(client, db):
    assert client.get(CASE_API).status_code == 401


# Helpers other tests and the demo use


def test_sign_in_with_factor_gives_a_verified_session(client, commune):
    sign_in_with_factor(client, commune)

    assert client.get(CASE_PAGE).status_code == 200
    assert client.get(VERIFY).status_code == 200  # says the session is verified


def test_a_published_demo_key_gives_the_codes_the_app_would_show(client, commune):
    key = "3132333435363738393031323334353637383930"  # RFC 6238's test key, as demos publish one
    device = ensure_totp_device(commune, key_hex=key)
    ensure_totp_device(commune, key_hex=key)  # repeating it (load_demo twice) changes nothing
    client.force_login(commune)

    response = client.post(VERIFY, {"code": code_for_key(key), "next": CASE_PAGE})

    assert location(response) == CASE_PAGE
    assert list(TOTPDevice.objects.filter(user=commune).values_list("pk", "key", "confirmed")) == [
        (device.pk, key, True)
    ]


def test_the_qr_code_is_inline_svg_without_script_or_style(client, commune):
    client.force_login(commune)

    html = client.get(SETUP).content.decode()

    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "<script" not in svg and "style=" not in svg and not re.search(r"\son\w+=", svg)


def test_an_administrator_can_remove_a_lost_device_but_never_reads_its_key(admin_client, commune):
    device = ensure_totp_device(commune, key_hex="3132333435363738393031323334353637383930")

    listing = admin_client.get("/admin/otp_totp/totpdevice/")
    change = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    delete = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200 and change.status_code == 200
    assert device.key not in change.content.decode() and "otpauth://" not in change.content.decode()
    assert "Xác thực hai lớp (TOTP)" in page_text(admin_client.get("/admin/"))
    assert delete.status_code == 302 and not TOTPDevice.objects.filter(user=commune).exists()
