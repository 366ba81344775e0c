"""Request middleware of treem's own."""

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

from treem.core import audit, uploads
from treem.core.dhis2_message import answers_web_messages, web_message


def vietnamese_unless_chosen(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Vietnamese is the working language: the interface is English only when a user picks English
    (the language cookie), never because an office PC's browser asks for English first."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


def reject_nul_bytes(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
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


def request_id(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Give each request an id: the caller's X-Request-ID when it is a short safe token (a proxy's), else a
    new one. Audit events written during the request carry it and the client address; the response
    returns it in X-Request-ID."""

    def middleware(request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        setattr(request, "request_id", rid)  # noqa: B010 (an attribute HttpRequest does not declare)
        token = audit.bind_request(rid, _client_ip(request))
        try:
            response = get_response(request)
        finally:
            audit.unbind_request(token)
        response["X-Request-ID"] = rid
        return response

    return middleware


def limit_request_size(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse, before anything reads it, a body larger than its limit (413: `uploads.body_limit`) and a
    query string with more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS (400). The API answers in its
    error shape (JSON), pages in plain text; both in Vietnamese."""

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        most_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if most_fields is not None and query.count("&") >= most_fields:
            fields = sum(1 for part in query.split("&") if part)
            if fields > most_fields:
                return _refusal(
                    request,
                    400,
                    gettext("Địa chỉ có %(n)d tham số, nhiều hơn giới hạn %(most)d.")
                    % {"n": fields, "most": most_fields},
                )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400, gettext("Độ dài nội dung (Content-Length) không hợp lệ."))
        most = uploads.body_limit(request.path, request.content_type or "")
        if length > most:
            return _refusal(
                request,
                413,
                gettext("Nội dung gửi lên quá lớn (%(size)s, tối đa %(most)s); không có gì được ghi.")
                % {"size": uploads.size_text(length), "most": uploads.size_text(most)},
            )
        return get_response(request)

    return middleware


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/") and answers_web_messages(request.path_info):
        return JsonResponse(web_message(status, message), status=status)
    if request.path.startswith("/api/"):
        return JsonResponse({"status": "ERROR", "conflicts": [message]}, status=status)
    return HttpResponse(message.encode(), status=status, content_type="text/plain; charset=utf-8")
