"""Attach the request's Scope (built by policy, lazily: the API authenticates after this middleware)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .policy import scope_for


def attach_scope(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        # Built on first use, after the API's own authentication has set request.user.
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore[attr-defined]
        return get_response(request)

    return middleware
