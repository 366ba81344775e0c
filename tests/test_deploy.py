"""Production configuration: DEBUG only when asked for, `check --deploy` clean with settings from the
environment, treem's own Vietnamese error pages, idle sessions that expire, and a Content-Security-Policy
that no page's markup breaks (no inline script without the request's nonce, no inline event handler)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.utils import timezone

from treem.accounts.middleware import RENEWED
from treem.accounts.models import Role
from treem.urls import urlpatterns as treem_urlpatterns

# 50+ characters, many distinct ones: what Django's deploy check asks of a real key.
PRODUCTION_KEY = "t3st-Only_9fK2#qLz8@Wm4!Xv7$Rb1%Nc6^Hd0&Jg5*Pe-k~Ys8=Ua2+Ti"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "treem.example.org",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto,https",
}


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module is also a URLconf (the 500 test): treem's patterns and one view that fails.
urlpatterns = [path("loi-thu/", boom), *treem_urlpatterns]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in a fresh process with treem's settings and exactly these variables of ours."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last: browser tests'
    base = {k: v for k, v in os.environ.items() if k not in ours}
    base.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def settings_of(names: list[str], **env: str) -> dict[str, object]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    done = run_python(code, **env)
    assert done.returncode == 0, done.stderr
    import ast

    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


# DEBUG


def test_debug_is_off_without_a_secret_key_and_on_only_when_asked_for():
    assert settings_of(["DEBUG"]) == {"DEBUG": False}
    assert settings_of(["DEBUG"], DEBUG="1") == {"DEBUG": True}
    assert settings_of(["DEBUG"], SECRET_KEY=PRODUCTION_KEY) == {"DEBUG": False}


def test_make_run_and_setup_ask_for_debug_and_the_tests_do_not():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    runs = [line for line in makefile.splitlines() if "runserver" in line]
    assert runs and all("DEBUG=1" in line for line in runs)
    # `setup` writes the demo children's encrypted names: it runs with DEBUG like the server, so both use the
    # same local key (without DEBUG each command would have a throw-away one). The tests run with DEBUG off.
    assert "setup: export DEBUG = 1" in makefile
    test_recipe = makefile.split("\ntest:")[1].split("\n\n")[0]
    assert "DEBUG" not in test_recipe


# check --deploy


def test_check_deploy_prints_no_warning_with_production_settings_from_the_environment():
    done = run_python(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION_ENV,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_production_settings_come_from_the_environment():
    values = settings_of(
        [
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_AGE",
        ],
        **PRODUCTION_ENV,
        SESSION_COOKIE_AGE="900",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SESSION_COOKIE_AGE": 900,
    }
    development = settings_of(
        ["SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"], DEBUG="1"
    )
    assert development == {
        "SESSION_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def test_serving_without_a_secret_key_is_refused_unless_debug():
    refused = run_python("import treem.wsgi")
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
    assert run_python("import treem.wsgi", DEBUG="1").returncode == 0
    assert run_python("import treem.wsgi", **PRODUCTION_ENV).returncode == 0


# Error pages (the tests run with DEBUG off)


def test_the_404_page_is_treems_own_in_vietnamese_and_lists_no_url_pattern(client, db):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html and "Không tìm thấy trang" in html
    assert "ke-hoach/" not in html and "URLconf" not in html


def test_the_403_page_is_treems_own_in_vietnamese(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))
    response = client.get("/so-lieu/")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="vi">' in html and "Không có quyền truy cập" in html


def test_a_refused_csrf_token_gets_a_vietnamese_403(db):
    response = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="vi">' in html and "Không có quyền truy cập" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html


@pytest.mark.urls("tests.test_deploy")
def test_the_500_page_is_treems_own_in_vietnamese(client, db):
    client.raise_request_exception = False
    response = client.get("/loi-thu/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="vi">' in html and "Hệ thống gặp lỗi" in html
    assert "Server Error" not in html and "a bug" not in html


def test_the_400_page_is_treems_own_in_vietnamese(client, db):
    response = client.get("/", HTTP_HOST="not-ours.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="vi">' in html and "Yêu cầu không hợp lệ" in html
    assert "Bad Request" not in html


# Sessions


def test_a_session_expires_after_an_idle_time_and_a_request_renews_it(client, make_user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(make_user(Role.LEADER, "46"))
    key = client.session.session_key
    session = client.session
    session[RENEWED] = 0  # last renewed long ago
    session.save()

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/ke-hoach/tth-2023/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)  # a request renews the idle time

    soon = timezone.now() + timedelta(minutes=20)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/ke-hoach/tth-2023/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon  # renewed under a minute ago: no write

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/ke-hoach/tth-2023/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_session_and_csrf_cookies_are_secure_with_debug_off(client, make_user):
    user = make_user(Role.LEADER, "46")
    client.get("/dang-nhap/")
    response = client.post("/dang-nhap/", {"username": user.username, "password": "Mat-khau-thu-2023"})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


# Content-Security-Policy

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def policy(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH", is_staff=True, is_superuser=True)


CSP_PAGES = [
    "/ke-hoach/tth-2023/",
    "/bang-theo-doi/?period=2023S1",
    "/bang-theo-doi/bieu-do/MT01-TVSS/?period=2023S1",
    "/so-lieu/SYT/2023S1/478/",
    "/so-lieu/",
    "/nhat-ky/",
    "/don-vi/",
    "/api/docs/",
    "/admin/",
]


@pytest.mark.parametrize("url", CSP_PAGES)
def test_pages_send_a_strict_policy_and_carry_no_inline_code_without_its_nonce(client, coordinator, url):
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    found = policy(response)
    assert found["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in found["script-src"] and "'unsafe-eval'" not in found["script-src"]
    assert found["style-src"] == ["'self'", "'unsafe-inline'"]  # plotly.js inserts its style sheets
    assert found["object-src"] == ["'none'"] and found["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    nonce = next((s[len("'nonce-") : -1] for s in found["script-src"] if s.startswith("'nonce-")), None)
    for tag in INLINE_SCRIPT.findall(html):
        assert nonce and f'nonce="{nonce}"' in tag, f"{url}: {tag} runs without the request's nonce"
    assert EVENT_HANDLER.findall(html) == [], f"{url}: inline event handlers are blocked by the policy"


def test_the_login_page_sends_the_policy_too(client, db):
    response = client.get("/dang-nhap/")
    assert policy(response)["script-src"] == ["'self'"]  # no nonce when the page has no inline code
