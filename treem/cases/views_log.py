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

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from treem.accounts.policy import scope_of

from . import selectors
from .models import AccessAction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIRST_YEAR, LAST_YEAR = 1900, 9998
BAD_DATE = _("Ngày không hợp lệ: hãy viết theo dạng dd/mm/yyyy (ví dụ 31/12/2024).")


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": BAD_DATE},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}),
    )


class AccessLogFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người truy cập"), required=False, max_length=150)
    case_code = forms.CharField(label=_("Mã trường hợp"), required=False, max_length=40)
    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả")), *AccessAction.choices],
        error_messages={"invalid_choice": _("Hành động không có trong danh sách; hãy chọn lại.")},
    )
    date_from = _date_field(_("Từ ngày"))
    date_to = _date_field(_("Đến ngày"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("Năm phải từ 1900 đến 9998."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data


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
