"""Request middleware of treem's own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def vietnamese_unless_chosen(get_response: Callable[[HttpRequest], HttpResponse]):
    """Vietnamese is the working language: the interface is English only when a user picks English
    (the language cookie), never because an office PC's browser asks for English first."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
