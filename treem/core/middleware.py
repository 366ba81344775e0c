"""Request middleware of treem's own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


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
