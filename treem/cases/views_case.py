"""Placeholder: being written."""

from django.http import Http404


def case_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def record_step(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def move_case(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
