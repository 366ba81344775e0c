"""Attach the request's Scope (built by policy, lazily: the API authenticates after this middleware);
renew a signed-in session's idle time."""

import time
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
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


RENEWED = "_treem_renewed"  # when a request last renewed the session (Unix time)
RENEW_EVERY = 60  # seconds


def renew_idle_session(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A signed-in session ends SESSION_COOKIE_AGE seconds after the user's last request. A request saves
    the session again (which moves its expiry) when it was last saved over a minute ago: idle sessions end
    within a minute of their time, and an active user does not write the session on every click."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            if now - int(session.get(RENEWED, 0)) >= RENEW_EVERY:
                session[RENEWED] = now  # modified: SessionMiddleware saves it with a new expiry
        return response

    return middleware
