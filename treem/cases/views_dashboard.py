"""Placeholder: being written."""

from django.http import Http404


def dashboard(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
