"""Request middleware of treem's own."""

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from treem.core import audit


def vietnamese_unless_chosen(get_response: Callable[[HttpRequest], HttpResponse]):
    """Vietnamese is the working language: the interface is English only when a user picks English
    (the language cookie), never because an office PC's browser asks for English first."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


def reject_nul_bytes(get_response: Callable[[HttpRequest], HttpResponse]):
    """A NUL character in the address or a form field is refused with 400: PostgreSQL cannot store or
    compare text holding one, so letting it through would end in a server error."""

    def middleware(request: HttpRequest) -> HttpResponse:
        fields = [request.path, *request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        if any("\x00" in field for field in fields):
            return HttpResponseBadRequest(
                "Yêu cầu có ký tự không hợp lệ (NUL).".encode(), content_type="text/plain; charset=utf-8"
            )
        return get_response(request)

    return middleware


SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _client_ip(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def request_id(get_response: Callable[[HttpRequest], HttpResponse]):
    """Give each request an id: the caller's X-Request-ID when it is a short safe token (a proxy's), else a
    new one. Audit events written during the request carry it and the client address; the response
    returns it in X-Request-ID."""

    def middleware(request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        token = audit.bind_request(rid, _client_ip(request))
        try:
            response = get_response(request)
        finally:
            audit.unbind_request(token)
        response["X-Request-ID"] = rid
        return response

    return middleware
