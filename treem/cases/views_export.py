"""The export of personal data: the scope's case list as an Excel workbook (/ho-so/xuat.xlsx).

Only for roles that read case records (a scope with a `case_path`); for everyone else the page is the same
404 as a missing one. The filters are the case API's (state, risk, harm, overdue, commune: see
treem/cases/api_filters.py) and so is the order (by urgency). Above EXPORT_LIMIT cases (setting
TREEM_CASE_EXPORT_LIMIT, default 5,000) the export is refused with a message asking for a filter. Every case
exported leaves one EXPORT access event, written in one transaction with the export: no workbook leaves
without its events, no event is kept for a workbook that failed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.core.deadlines import local_zone
from treem.core.formatting import format_count

from .access import record_accesses
from .api_filters import UnitNotFound, by_urgency, read_filters
from .export_xlsx import cases_workbook
from .models import AccessAction
from .selectors import cases_for

DEFAULT_EXPORT_LIMIT = 5_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WHAT = "export xlsx: code, commune, child name, sex, birth date, received, risk, harms, last step, next due, state"


def export_limit() -> int:
    return int(getattr(settings, "TREEM_CASE_EXPORT_LIMIT", DEFAULT_EXPORT_LIMIT))


def _refused(request: HttpRequest, problems: list[str]) -> HttpResponse:
    context = {"problems": problems, "query": request.GET.urlencode()}
    return render(request, "cases/export_refused.html", context, status=400)


@login_required
@case_factor_required
@require_GET
def export_cases(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.case_path is None:
        raise Http404
    try:
        filters, problems = read_filters(request.GET, scope)
    except UnitNotFound as exc:
        raise Http404 from exc
    if problems:
        return _refused(request, problems)
    now = timezone.now()
    limit = export_limit()
    cases = by_urgency(filters.apply(cases_for(scope), now)).select_related("commune", "child")
    chosen = list(cases[: limit + 1])
    if len(chosen) > limit:
        too_many = _(
            "Có hơn %(limit)s trường hợp: quá nhiều để xuất một lần. Hãy lọc danh sách (theo xã, trạng thái, "
            "mức độ nguy cơ, hành vi xâm hại hoặc quá hạn) rồi xuất lại."
        ) % {"limit": format_count(limit)}
        return _refused(request, [too_many])
    stamp = timezone.localtime(now, local_zone())
    # The workbook is a Vietnamese document whatever the page's language: its title and note are not translated.
    title = f"Danh sách trường hợp bảo vệ trẻ em ({len(chosen)} trường hợp)"
    note = (
        f"Dữ liệu cá nhân, bảo mật. Xuất bởi {request.user.get_username()} lúc {stamp:%d/%m/%Y %H:%M}; "
        "mỗi trường hợp đã được ghi vào nhật ký truy cập."
    )
    with transaction.atomic():
        record_accesses(request.user, AccessAction.EXPORT, chosen, WHAT)
        content = cases_workbook(chosen, title=title, note=note)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ho-so-truong-hop-{stamp:%Y%m%d-%H%M}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
