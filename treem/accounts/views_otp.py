"""Placeholder: being written."""

from django.http import Http404


def verify(request):  # type: ignore[no-untyped-def]
    raise Http404


def setup(request):  # type: ignore[no-untyped-def]
    raise Http404
