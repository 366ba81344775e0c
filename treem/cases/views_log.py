"""Placeholder: being written."""

from django.http import Http404


def access_log(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
