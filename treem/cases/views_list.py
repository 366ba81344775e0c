"""Placeholder: being written."""

from django.http import Http404


def case_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
