"""The second-factor pages of the roles that open case records (docs/second-factor.md): set up an
authenticator app (TOTP), then enter its code once per session before case records open.

Other roles get the 404 of a missing page: they have no case records to guard. Every `next` is checked to
stay on this site (else the case list)."""

from __future__ import annotations

import math
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from .otp import (
    base32_secret,
    clean_code,
    confirm_device,
    confirmed_device,
    grouped,
    is_verified,
    opens_cases,
    pending_device,
    safe_next,
    with_next,
)


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _refusal(device: TOTPDevice, code: str | None) -> str:
    """Why a code cannot be checked now ("" when it can): too many wrong tries, or not 6 digits."""
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("locked_until"):
        wait = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
        return ngettext(
            "Bạn đã nhập sai nhiều lần. Hãy đợi %(seconds)d giây rồi nhập mã mới.",
            "Bạn đã nhập sai nhiều lần. Hãy đợi %(seconds)d giây rồi nhập mã mới.",
            wait,
        ) % {"seconds": wait}
    if not allowed:
        return _("Tạm thời chưa thể kiểm tra mã. Hãy thử lại sau.")
    if code is None:
        return _("Mã xác thực gồm %(digits)d chữ số, lấy từ ứng dụng xác thực trên điện thoại.") % {
            "digits": device.digits
        }
    return ""


def _wrong_code() -> str:
    return _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng (mã đổi sau mỗi 30 giây).")


def _signed_with(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified by `device`, under a new session key (the session just gained rights)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def qr_svg(data: str) -> SafeString:
    """`data` as a QR code: an inline <svg> of one path (no script, no style: the CSP allows it)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 - markup made by qrcode from our own URI


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the 6-digit code of the authenticator app; then back to `next`."""
    if not opens_cases(request):
        raise Http404
    next_url = _next(request)
    device = confirmed_device(request.user)
    if device is None:
        return redirect(with_next("otp:setup", next_url))
    context: dict[str, Any] = {"next": next_url, "verified": is_verified(request.user)}
    if request.method == "POST":
        code = clean_code(request.POST.get("code"), device.digits)
        context["error"] = _refusal(device, code)
        if not context["error"]:
            verified = django_otp.verify_token(request.user, device.persistent_id, code)
            if verified is not None:
                _signed_with(request, verified)
                return redirect(next_url)
            context["error"] = _wrong_code()
    return render(request, "accounts/otp_verify.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code. A user who
    has one already replaces it here, but only in a session verified with the old one."""
    if not opens_cases(request):
        raise Http404
    next_url = _next(request)
    replacing = confirmed_device(request.user) is not None
    if replacing and not is_verified(request.user):
        return redirect(with_next("otp:verify", next_url))
    device = pending_device(request.user)
    context: dict[str, Any] = {"next": next_url, "replacing": replacing}
    if request.method == "POST":
        code = clean_code(request.POST.get("code"), device.digits)
        context["error"] = _refusal(device, code)
        if not context["error"]:
            if code is not None and confirm_device(request.user, device, code):
                _signed_with(request, device)
                messages.success(
                    request,
                    _("Đã thiết lập xác thực hai lớp. Mỗi lần đăng nhập, hãy nhập mã trước khi mở hồ sơ."),
                )
                return redirect(next_url)
            context["error"] = _wrong_code()
    secret = base32_secret(device.key)
    context.update(secret=grouped(secret), uri=device.config_url, qr=qr_svg(device.config_url))
    return render(request, "accounts/otp_setup.html", context)
