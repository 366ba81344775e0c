"""Sessions of the roles that open case records end after TREEM_CASE_IDLE_SECONDS (30 minutes) idle,
whatever SESSION_COOKIE_AGE gives everybody else (treem.accounts.middleware.renew_idle_session).

Time passing is played by moving the stored expiry of the session back: a session whose last renewal was
31 minutes ago has an expiry 31 minutes nearer than it was just after that renewal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from treem.accounts.middleware import RENEWED
from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor

PAGE = "/ke-hoach/tth-2023/"  # any page that needs a signed-in user
EIGHT_HOURS = 8 * 3600


@pytest.fixture
def long_sessions_for_others(settings):
    """An installation that lets everybody else stay signed in for a working day."""
    settings.SESSION_COOKIE_AGE = EIGHT_HOURS
    settings.TREEM_CASE_IDLE_SECONDS = 30 * 60


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def idle_for(client, minutes: int) -> None:
    """As if the last request (which renewed the session) had been `minutes` ago."""
    key = client.session.session_key
    before = expiry(client)
    session = client.session
    session[RENEWED] = int(session[RENEWED]) - minutes * 60
    session.save()  # saving writes a new expiry: put back the one wanted after it
    Session.objects.filter(session_key=key).update(expire_date=before - timedelta(minutes=minutes))


def renewed(client) -> None:
    """A request: it renews the session (its last renewal being over a minute ago)."""
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    "role, unit, agency",
    [(Role.COMMUNE_OFFICER, "19903", None), (Role.DISTRICT_OFFICER, "478", "UBND-478"),
     (Role.CASE_MANAGER, "46", None)],
)  # fmt: skip
def test_a_case_role_is_signed_out_after_30_minutes_idle(
    client, make_user, long_sessions_for_others, role, unit, agency
):
    sign_in_with_factor(client, make_user(role, unit, agency))
    renewed(client)
    assert abs((expiry(client) - timezone.now()).total_seconds() - 30 * 60) < 60

    idle_for(client, 31)
    response = client.get(PAGE)

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_case_role_working_within_30_minutes_stays_signed_in(client, make_user, long_sessions_for_others):
    sign_in_with_factor(client, make_user(Role.COMMUNE_OFFICER, "19903"))
    renewed(client)

    idle_for(client, 25)
    renewed(client)  # a request renews the 30 minutes
    idle_for(client, 25)

    assert client.get(PAGE).status_code == 200


def test_a_leaders_session_keeps_the_installations_idle_time(client, make_user, long_sessions_for_others):
    client.force_login(make_user(Role.LEADER, "46"))
    renewed(client)
    assert abs((expiry(client) - timezone.now()).total_seconds() - EIGHT_HOURS) < 60

    idle_for(client, 31)

    assert client.get(PAGE).status_code == 200


def test_the_case_idle_time_comes_from_the_settings(client, make_user, settings):
    settings.TREEM_CASE_IDLE_SECONDS = 10 * 60
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    renewed(client)

    assert abs((expiry(client) - timezone.now()).total_seconds() - 10 * 60) < 60
    idle_for(client, 11)
    assert client.get(PAGE)["Location"].startswith("/dang-nhap/")


def test_a_shorter_idle_time_for_everybody_holds_for_case_roles_too(client, make_user, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    sign_in_with_factor(client, make_user(Role.COMMUNE_OFFICER, "19903"))
    renewed(client)

    assert abs((expiry(client) - timezone.now()).total_seconds() - 15 * 60) < 60


def test_signing_in_again_after_the_timeout_asks_for_the_code_again(
    client, make_user, long_sessions_for_others
):
    from treem.accounts.otp import is_verified

    user = make_user(Role.COMMUNE_OFFICER, "19903")
    sign_in_with_factor(client, user)
    renewed(client)
    idle_for(client, 31)
    client.get(PAGE)

    client.force_login(user)  # a new session: the password again, but no code yet
    response = client.get("/tai-khoan/token/")

    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/xac-thuc/?next=")
    assert not is_verified(response.wsgi_request.user)
