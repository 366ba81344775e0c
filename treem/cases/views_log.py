"""The case access log page (/ho-so/nhat-ky-truy-cap/): who opened or changed which case record, when.

Read by the scopes that read audit logs (the province coordinator and the administrator, of their own
province; a superuser without an area, of every province); for every other role it is a 404, like a page
that does not exist. The national role reads aggregates only, so not this log either. Read only: nothing
here or anywhere in the application changes or deletes an event. An event names the case by its code and
never names the child, so reading the log opens no record and writes no event itself.

Filters (query string): user name, case code, action, date range (dd/mm/yyyy). Wrong input shows the
form's messages and no events, never an error page.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from treem.accounts.policy import scope_of
from treem.core.forms import DateRangeFilterForm

from . import selectors
from .models import AccessAction

PAGE_SIZE = 50


class AccessLogFilterForm(DateRangeFilterForm):
    field_order = ["actor", "case_code", "action", "date_from", "date_to"]

    actor = forms.CharField(label=_("Người truy cập"), required=False, max_length=150)
    case_code = forms.CharField(label=_("Mã trường hợp"), required=False, max_length=40)
    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả")), *AccessAction.choices],
        error_messages={"invalid_choice": _("Hành động không có trong danh sách; hãy chọn lại.")},
    )


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_read_audit:
        raise Http404
    asked = any(name in request.GET for name in AccessLogFilterForm.base_fields)
    form = AccessLogFilterForm(request.GET if asked else None)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        events = selectors.access_events_for(
            scope,
            actor=filters.get("actor") or None,
            case_code=filters.get("case_code") or None,
            action=filters.get("action") or None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/access_log.html",
        {"form": form, "page": page, "province_code": scope.province_code, "querystring": params.urlencode()},
    )
