"""The audit log page (/nhat-ky/): coordinators and admins read their province's events; read only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from treem.core.forms import DateRangeFilterForm
from treem.core.models import AuditAction

from . import policy, selectors

PAGE_SIZE = 50
CHANGE_MAX_LENGTH = 300


class AuditFilterForm(DateRangeFilterForm):
    field_order = ["action", "actor", "date_from", "date_to", "object_id"]

    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả"))] + list(AuditAction.choices),
        error_messages={"invalid_choice": _("Hành động không có trong danh sách; hãy chọn lại.")},
    )
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=200)


def _plain(value: Any) -> str:
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def compact_change(old: Any, new: Any) -> str:
    """Old → new in one short line: only the keys that differ when both are mappings."""
    if old is None and new is None:
        return ""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
        text = "; ".join(f"{k}: {_plain(old.get(k))} → {_plain(new.get(k))}" for k in keys)
    elif old is None:
        text = (
            _plain(new)
            if not isinstance(new, dict)
            else "; ".join(f"{k}: {_plain(v)}" for k, v in new.items())
        )
    elif new is None:
        text = f"{_plain(old)} → —"
    else:
        text = f"{_plain(old)} → {_plain(new)}"
    return text if len(text) <= CHANGE_MAX_LENGTH else text[: CHANGE_MAX_LENGTH - 1] + "…"


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    allowed, province_code = policy.audit_province(request.user)
    if not allowed:
        raise Http404
    form = AuditFilterForm(
        request.GET if any(k in request.GET for k in AuditFilterForm.base_fields) else None
    )
    page = None
    if form.is_bound and not form.is_valid():
        events = None
    else:
        filters = form.cleaned_data if form.is_bound else {}
        events = selectors.audit_events(
            province_code,
            action=filters.get("action") or None,
            actor=filters.get("actor") or None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            object_id=filters.get("object_id") or None,
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        for event in page.object_list:
            event.change = compact_change(event.old, event.new)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {
            "form": form,
            "page": page,
            "province_code": province_code,
            "querystring": params.urlencode(),
        },
    )
