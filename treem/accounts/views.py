"""The user's own API token (where a signed-in user lands: dashboard.views.home).

A role that opens case records reaches this page only after its second factor (treem.accounts.otp): its
token is always made in a verified session, and the case API accepts it (docs/second-factor.md)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .authentication import token_expires_at
from .models import User
from .otp import case_factor_required
from .services import issue_api_token, revoke_api_token


@never_cache  # the page shows a new key once: no copy of it in any cache
@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API token: when it was made and expires; make a new one (its key is shown
    once, right after), or revoke it. Nobody sees or revokes another user's token here."""
    user = request.user
    assert isinstance(user, User)
    action = request.POST.get("action") if request.method == "POST" else None
    context: dict[str, Any] = {"days": settings.API_TOKEN_DAYS}
    if action == "create":
        context["new_key"] = issue_api_token(user).key
    elif action == "revoke":
        if revoke_api_token(user, by=user):
            messages.success(request, _("Đã thu hồi token API: token cũ không dùng được nữa."))
        return redirect("api-token-page")
    token = Token.objects.filter(user=user).first()
    if token is not None:
        context.update(
            token=token, expires=token_expires_at(token), expired=token_expires_at(token) <= timezone.now()
        )
    return render(request, "accounts/api_token.html", context)
