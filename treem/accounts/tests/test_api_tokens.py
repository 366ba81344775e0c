"""API tokens expire API_TOKEN_DAYS after they were made, and their owner sees and revokes them: on the
page /tai-khoan/token/ and with DELETE /api/token/. Making and revoking one is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.core.models import AuditAction, AuditEvent

PAGE = "/tai-khoan/token/"
API = "/api/token/"
SOME_API = "/api/plans/"


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")


def auth(token: Token | str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {getattr(token, 'key', token)}"}


def test_a_fresh_token_opens_the_api(client, officer, settings):
    token = Token.objects.create(user=officer)
    assert client.get(SOME_API, **auth(token)).status_code == 200


def test_a_token_older_than_its_lifetime_is_refused(client, officer, settings):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=officer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=30, seconds=1))

    response = client.get(SOME_API, **auth(token))

    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
    assert "hết hạn" in response.json()["detail"]


def test_the_owner_revokes_its_token_through_the_api(client, officer):
    token = Token.objects.create(user=officer)

    assert client.delete(API, **auth(token)).status_code == 204

    assert not Token.objects.filter(user=officer).exists()
    assert client.get(SOME_API, **auth(token)).status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_REVOKE)
    assert event.actor == officer and event.object_id == officer.username


def test_the_api_tells_the_owner_when_its_token_expires_and_never_shows_the_key(client, officer, settings):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=officer)

    body = client.get(API, **auth(token)).json()

    assert body["exists"] is True
    assert body["expires"] == (token.created + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert token.key not in str(body)


def test_a_token_cannot_make_another_token(client, officer):
    """Otherwise a token could renew itself forever: a new one is made on the page, after signing in."""
    token = Token.objects.create(user=officer)
    assert client.post(API, **auth(token)).status_code == 405


def test_the_page_makes_a_token_shows_it_once_and_revokes_it(client, officer):
    sign_in_with_factor(client, officer)  # a case role: its token page is behind the factor
    page = client.get(PAGE)
    assert page.status_code == 200 and "Bạn chưa có token API" in page.content.decode()

    made = client.post(PAGE, {"action": "create"})
    token = Token.objects.get(user=officer)
    assert made.status_code == 200 and token.key in made.content.decode()  # shown once, right after
    assert token.key not in client.get(PAGE).content.decode()
    assert "Hết hạn" in client.get(PAGE).content.decode()

    again = client.post(PAGE, {"action": "create"})  # a new token replaces the old one
    assert again.status_code == 200
    assert not Token.objects.filter(key=token.key).exists()

    revoked = client.post(PAGE, {"action": "revoke"})
    assert revoked.status_code == 302 and revoked["Location"] == PAGE
    assert not Token.objects.filter(user=officer).exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == [
        AuditAction.API_TOKEN_CREATE,
        AuditAction.API_TOKEN_CREATE,
        AuditAction.API_TOKEN_REVOKE,
    ]


def test_a_user_sees_and_revokes_only_its_own_token(client, officer, make_user):
    other = make_user(Role.DISTRICT_OFFICER, "474", "UBND-474")
    theirs = Token.objects.create(user=other)
    client.force_login(officer)

    assert theirs.key not in client.get(PAGE).content.decode()
    client.post(PAGE, {"action": "revoke"})
    assert client.delete(API).status_code == 404  # the caller has none: nothing to revoke

    assert Token.objects.filter(pk=theirs.pk).exists()


def test_the_page_needs_a_signed_in_user(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_changed_role_or_area_revokes_the_users_tokens(make_user):
    """Else a token made as a leader (no second factor asked) would open case records once the user is a
    commune officer again."""
    user = make_user(Role.LEADER, "46")
    Token.objects.create(user=user)
    user.first_name = "Lan"
    user.save()
    assert Token.objects.filter(user=user).exists()  # other changes keep it

    user.role = Role.COMMUNE_OFFICER
    user.save()

    assert not Token.objects.filter(user=user).exists()
