"""The gate in front of case records: a verified second factor (TOTP, django-otp) for the roles that open
them (docs/second-factor.md).

A role whose Scope has a `case_path` (commune and district officers, case managers) must have entered a
code from its authenticator app in this session before a case page shows or changes anything. The gate
covers the case area only: these roles' other work (figures, reports) asks for no code. A role without
case access passes the gate untouched and meets the case view's own 404, the same 404 as anyone.

- `case_factor_required`: decorator of every case page view, under `login_required`.
- `CaseFactorVerified`: DRF permission of every case API view. A session must be verified; a token
  (`Authorization: Token …`) is accepted when it was made after the user's authenticator was set up: the
  token page is itself behind the gate for these roles, so such a token was made in a verified session.
- `ensure_totp_device`: a confirmed device with a known key, for demo users and tests.
"""

from __future__ import annotations

import functools
import re
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import hex_validator
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission

from .policy import scope_of

DEVICE_NAME = "Ứng dụng xác thực"  # the one TOTP device a user has (replacing it deletes the old one)


def opens_cases(request: Any) -> bool:
    """Whether the request's user reads case records (and so needs the second factor for them)."""
    return scope_of(request).case_path is not None


def is_verified(user: Any) -> bool:
    """Whether the user entered a valid code in this session (django-otp's middleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and callable(check) and check())


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's authenticator (a confirmed TOTP device), if it set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Where to go after the code: `candidate` when it is an address of this site, else the case list."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("cases:list")


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _current_page(request: HttpRequest) -> str:
    """The address to come back to: for an htmx request the page it was made from, not the fragment."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return str(htmx.current_url_abs_path)
    return request.get_full_path()


def factor_redirect(request: HttpRequest) -> HttpResponse:
    """Send the user to enter a code (or, without an authenticator yet, to set one up), then back."""
    url_name = "otp:verify" if confirmed_device(request.user) is not None else "otp:setup"
    target = with_next(url_name, _current_page(request))
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(target)  # htmx loads the whole page instead of a fragment
    return HttpResponseRedirect(target)


def case_factor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Page views that show or change case records: a role that opens them must have verified its second
    factor in this session (else it is sent to verify, or to set up, with `?next=` back here). Any other
    signed-in role goes on to the view, which answers by its scope (a 404)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if opens_cases(request) and not is_verified(user):
            return factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def token_after_factor(token: Token) -> bool:
    """Whether the token was made after its user's authenticator was set up (so in a verified session)."""
    return TOTPDevice.objects.filter(
        user_id=token.user_id, confirmed=True, created_at__lte=token.created
    ).exists()


class CaseFactorVerified(BasePermission):
    """DRF permission of API views that show or change case records: for a role that opens them, a
    verified session, or a token made after the second factor was set up. Other roles pass (the view
    answers by scope)."""

    message = _(
        "Cần xác thực hai lớp trước khi xem hồ sơ trường hợp: đăng nhập trên trình duyệt, nhập mã ở "
        "/tai-khoan/xac-thuc/, rồi tạo token API mới ở /tai-khoan/token/."
    )

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if not opens_cases(request):
            return True
        if isinstance(request.auth, Token):
            return token_after_factor(request.auth)
        return is_verified(user)


def base32_secret(key_hex: str) -> str:
    """The key as authenticator apps take it when typed: base32, without padding."""
    return b32encode(unhexlify(key_hex)).decode().rstrip("=")


def grouped(secret: str, size: int = 4) -> str:
    """`ABCDEFGH…` → `ABCD EFGH …`, easier to type from a screen."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def clean_code(value: Any, digits: int = 6) -> str | None:
    """A code as typed (spaces allowed) → its digits, or None when it is not `digits` digits."""
    if not isinstance(value, str):
        return None
    code = re.sub(r"\s+", "", value)
    return code if re.fullmatch(rf"[0-9]{{{digits}}}", code) else None


def pending_device(user: Any) -> TOTPDevice:
    """The device being set up: the user's latest unconfirmed one (a reload shows the same key), or new."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_device(user: Any, device: TOTPDevice, code: str) -> bool:
    """Confirm `device` with a code from the app; it replaces every other device of the user. False (and
    one more failed try, throttled) when the code is wrong."""
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if locked is None or not locked.verify_token(code):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
    device.refresh_from_db()
    return True


@transaction.atomic
def ensure_totp_device(user: Any, key_hex: str | None = None, confirmed: bool = True) -> TOTPDevice:
    """The user's TOTP device, made if missing; with `key_hex` (hex, e.g. the demo's published key) its
    key is set to it. For demo data and tests: real users set theirs up on /tai-khoan/xac-thuc/thiet-lap/."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME)
    if key_hex is not None:
        hex_validator()(key_hex)
        device.key = key_hex.lower()
    device.confirmed = confirmed
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device
