"""How API callers sign in, in the order DRF tries them (settings.REST_FRAMEWORK):

1. `Authorization: Basic …` (`PasswordAuthentication`): the username and password, as DHIS2 clients send
   them. Through Django's `authenticate(request=…)`, so django-axes counts failures and locks an account
   out as on the sign-in page. It never passes the second factor: a case role signed in this way is
   unverified (no exact small counts, no case records; accounts.otp).
2. `Authorization: Token <key>` and `Authorization: ApiToken <key>` (DHIS2's personal access token
   header): the same DRF tokens, refused once older than `settings.API_TOKEN_DAYS` days.
3. The browser's session (with CSRF).

Basic comes first because DRF answers a missing or bad credential with 401 and the FIRST class's
`WWW-Authenticate` challenge (a first class without one, like the session's, turns it into a 403)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BasicAuthentication, TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from .models import User

# A Basic header longer than this is refused before decoding (a username is at most 150 characters).
MAX_BASIC_HEADER_BYTES = 4096
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, but a token past its lifetime no longer signs anyone in."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            raise AuthenticationFailed(
                _("Token API đã hết hạn. Hãy tạo token mới ở trang Token API (/tai-khoan/token/).")
            )
        return user, token


class ApiTokenAuthentication(ExpiringTokenAuthentication):
    """`Authorization: ApiToken <key>`: DHIS2's personal access token header, with treem's own tokens
    (the same key works after `Token` and after `ApiToken`, with the same expiry and the same rights)."""

    keyword = "ApiToken"


def basic_needs_https() -> bool:
    return bool(getattr(settings, "TREEM_API_BASIC_HTTPS_ONLY", False))


def _cross_site(request: Any) -> bool:
    """A browser's request from another site's page. A browser that once answered the Basic challenge
    resends the password by itself, and no CSRF token guards Basic: such a request must not change data."""
    if request.method not in UNSAFE_METHODS:
        return False
    if request.META.get("HTTP_SEC_FETCH_SITE", "") in {"cross-site", "same-site"}:
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False  # not a browser's page (DHIS2 clients, scripts send no Origin)
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def lockout_message() -> str:
    hours = settings.AXES_COOLOFF_TIME
    if isinstance(hours, int | float) and not isinstance(hours, bool):
        return _(
            "Tài khoản tạm khóa: đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(hours)s giờ hoặc "
            "liên hệ quản trị hệ thống."
        ) % {"hours": f"{hours:g}"}
    return _(
        "Tài khoản tạm khóa: đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau hoặc liên hệ quản trị "
        "hệ thống."
    )


def mark_unverified(user: User) -> User:
    """The second factor was not entered: what django-otp's middleware sets on a session's user without
    a verified device, so that accounts.otp.is_verified (and with it the disclosure Reader and the case
    API) treats this user as any session that has not entered its code."""
    user.otp_device = None  # type: ignore[attr-defined]
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    return user


class PasswordAuthentication(BasicAuthentication):
    """`Authorization: Basic base64(username:password)`, refused over plain HTTP when
    `TREEM_API_BASIC_HTTPS_ONLY` is on (deployments), and from other sites' pages for writes."""

    www_authenticate_realm = "treem"

    def authenticate(self, request: Any) -> tuple[User, None] | None:
        header = get_authorization_header(request)
        parts = header.split()
        if not parts or parts[0].lower() != b"basic":
            return None
        if basic_needs_https() and not request.is_secure():
            raise AuthenticationFailed(
                _(
                    "Chỉ được gửi tên đăng nhập và mật khẩu (HTTP Basic) qua HTTPS. Hãy dùng địa chỉ "
                    "https://, và đổi mật khẩu vì nó vừa được gửi đi không mã hóa."
                )
            )
        if _cross_site(request):
            raise PermissionDenied(
                _(
                    "Một trang của trang web khác không được gửi yêu cầu thay đổi dữ liệu bằng mật khẩu "
                    "(HTTP Basic)."
                )
            )
        userid, password = self._decoded(parts, len(header))
        return self.authenticate_credentials(userid, password, request)

    @staticmethod
    def _decoded(parts: list[bytes], length: int) -> tuple[str, str]:
        bad = AuthenticationFailed(
            _(
                "Tiêu đề Authorization không hợp lệ: cần “Basic ” rồi chuỗi base64 của "
                "“tên đăng nhập:mật khẩu”."
            )
        )
        if len(parts) != 2 or length > MAX_BASIC_HEADER_BYTES:
            raise bad
        try:
            raw = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bad from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # what DRF and most clients fall back to
        userid, colon, password = text.partition(":")
        if not colon:
            raise bad
        return userid, password

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> tuple[User, None]:
        invalid = AuthenticationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        max_length = getattr(User._meta.get_field(User.USERNAME_FIELD), "max_length", None) or 150
        if not userid or len(userid) > max_length or any(ord(c) < 32 for c in userid):
            raise invalid  # no such account can exist; a NUL would also fail in PostgreSQL
        # axes reads the client's address from Django's request and flags a lockout on it.
        http = getattr(request, "_request", request)
        user = authenticate(request=http, **{User.USERNAME_FIELD: userid, "password": password})
        locked = bool(getattr(http, "axes_locked_out", False))
        if locked:
            # Answered here, in the API's shape: AxesMiddleware would replace it by the sign-in page's HTML.
            http.axes_locked_out = False
        if user is None:
            raise AuthenticationFailed(lockout_message()) if locked else invalid
        if not user.is_active:  # ModelBackend already refuses them; a custom backend might not
            raise invalid
        assert isinstance(user, User)
        return mark_unverified(user), None


class PasswordScheme(OpenApiAuthenticationExtension):
    target_class = PasswordAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "basic"}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiTokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="ApiToken")
