"""Attach the request's Scope (built by policy, lazily: the API authenticates after this middleware);
renew a signed-in session's idle time (shorter for the roles that open case records)."""

import time
from collections.abc import Callable

from django.conf import settings
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


def idle_seconds(request: HttpRequest) -> int | None:
    """How long this user's session may stay idle: TREEM_CASE_IDLE_SECONDS (or SESSION_COOKIE_AGE, if
    shorter) for a role that opens case records; None (SESSION_COOKIE_AGE) for everybody else."""
    # Built afresh, not request.scope: a sign-in during this request changed the user after it was built.
    if scope_for(getattr(request, "user", None)).case_path is None:
        return None
    return min(settings.TREEM_CASE_IDLE_SECONDS, settings.SESSION_COOKIE_AGE)


def renew_idle_session(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A signed-in session ends SESSION_COOKIE_AGE seconds after the user's last request (a role that
    opens case records: TREEM_CASE_IDLE_SECONDS). A request saves the session again (which moves its
    expiry) when it was last saved over a minute ago: idle sessions end within a minute of their time, and
    an active user does not write the session on every click. The idle time follows the user's role at
    each renewal (a role changed by an administrator counts from the next one)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            if now - int(session.get(RENEWED, 0)) >= RENEW_EVERY:
                session[RENEWED] = now  # modified: SessionMiddleware saves it with a new expiry
                session.set_expiry(idle_seconds(request))  # seconds from now; None: SESSION_COOKIE_AGE
        return response

    return middleware
