"""What the navigation shows, from the request's Scope."""

from typing import Any

from django.http import HttpRequest

from .models import is_demo_site
from .policy import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"demo_site": is_demo_site()}
    scope = scope_of(request)
    return {
        "nav_scope": scope,
        "nav_has_access": scope.has_access,
        "nav_can_manage_plans": scope.can_manage_plans,
        "nav_can_enter_values": scope.can_enter_values,
        "nav_is_staff": user.is_staff,
        "nav_can_read_audit": scope.can_read_audit,
        "demo_site": is_demo_site(),
    }
