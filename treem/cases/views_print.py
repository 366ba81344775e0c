"""Placeholder: being written."""

from django.http import Http404


def print_form(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
