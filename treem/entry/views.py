"""Data entry pages: choose what to enter, the grid (one cell saved at a time), completion, and the
Excel round trip (template → upload → preview → confirm).

Every write goes through `datavalues.import_values`, which checks types, scope and rules and writes
nothing when anything is wrong; these views only choose what to show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from treem.accounts.models import User
from treem.accounts.policy import scope_of
from treem.core.periods import PeriodError, period_label
from treem.core.uploads import limit
from treem.indicators import datavalues
from treem.indicators.disclosure import Reader, small_count_label
from treem.indicators.models import DataElement, Period
from treem.indicators.periods import find_period
from treem.units.models import AdministrativeUnit, Agency
from treem.units.scope import Scope, unit_in_scope

from . import excel, selectors, staging, upload_jobs
from .forms import CompletionForm, EntryChoiceForm, UploadForm
from .models import StagedImport


@dataclass(frozen=True)
class EntryPage:
    """The (reporting entity, period, unit) a page is about, already checked against the user's rights."""

    agency: Agency
    period: Period
    unit: AdministrativeUnit

    @property
    def args(self) -> tuple[str, str, str]:
        return (self.agency.code, self.period.code, self.unit.code)

    @property
    def url(self) -> str:
        return reverse("entry:entry", args=self.args)

    @property
    def meta(self) -> excel.TemplateMeta:
        return excel.TemplateMeta(*self.args)

    @property
    def period_label(self) -> str:
        return period_label(self.period.code)


def _entry_page(scope: Scope, agency_code: str, period_code: str, unit_code: str) -> EntryPage:
    """The page, if the scope may enter figures there. An agency or unit that does not exist and one
    outside the scope are the same 404."""
    if not scope.can_enter_values:
        raise PermissionDenied
    agency = selectors.entry_agencies(scope).filter(code=agency_code).first()
    try:
        period = find_period(period_code)
    except PeriodError:
        raise Http404 from None
    # The code names the version of the unit that existed in the period (2023 commune 19900 for 2023,
    # 2025 phường 19900 for 2026); none then is a 404 too, its reason on the entry page (`entry`).
    unit = selectors.unit_for_period(unit_code, period, scope)
    if agency is None or unit is None:
        raise Http404
    return EntryPage(agency, period, unit)


def _absent_in_period(scope: Scope, period_code: str, unit_code: str) -> str | None:
    """Why the entry page of a unit the scope sees cannot open for this period: the unit did not exist then
    (a 2023 district for 2026, a 2025 commune for 2023); None when that is not the reason."""
    try:
        period = find_period(period_code)
    except PeriodError:
        return None
    unit = unit_in_scope(scope, unit_code)
    if unit is None or unit.exists_during(period.start_date, period.end_date):
        return None
    return _("Đơn vị %(unit)s (%(code)s) không tồn tại trong kỳ %(period)s; hãy chọn đơn vị của kỳ này.") % {
        "unit": unit.name,
        "code": unit.code,
        "period": period_label(period.code),
    }


def _derived_elements(cells: Iterable[selectors.Cell], period: Period) -> list[DataElement]:
    """The elements computed from records for this period (DataElement.derived_rule, from its
    `derived_since`), for the page's explanation: their cells are read-only (treem.entry.selectors) and the
    engine refuses a typed value anyway (indicators.resolver.derived_refusal)."""
    derived: dict[int, DataElement] = {}
    for cell in cells:
        element = cell.column.element
        if element.is_derived_for(period.start_date):
            derived[element.pk] = element
    return list(derived.values())


def _reader(request: HttpRequest) -> Reader:
    """Who reads the grid: derived counts are exact only for a case role in its area with the second
    factor (indicators.disclosure); province coordinators, agency reporters and the rest see small ones as
    "< 5"."""
    return Reader.of(scope_of(request), request.user)


def _grid_cells(grid: selectors.Grid) -> Iterator[selectors.Cell]:
    return (cell for row in grid.rows for cell in row.cells)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@login_required
def index(request):
    scope = scope_of(request)
    if not scope.can_enter_values:
        raise PermissionDenied
    periods = selectors.entry_periods(scope)
    form = EntryChoiceForm(
        request.GET or None,
        agencies=selectors.entry_agencies(scope),
        periods=periods,
        units=selectors.entry_units(scope, periods),
        initial={
            "period": selectors.default_period(periods),
            "unit": getattr(selectors.default_unit(scope), "code", None),
        },
    )
    if form.is_valid():
        data = form.cleaned_data
        return redirect("entry:entry", data["agency"], data["period"], data["unit"])
    return render(request, "entry/index.html", {"form": form})


@login_required
def entry(request, agency: str, period: str, unit: str):
    try:
        page = _entry_page(scope_of(request), agency, period, unit)
    except Http404:
        # A reason is given only for the scope's own agency: a missing one is the same 404 in every period.
        known_agency = selectors.entry_agencies(scope_of(request)).filter(code=agency).exists()
        reason = _absent_in_period(scope_of(request), period, unit) if known_agency else None
        if reason is None:
            raise
        messages.error(request, reason)
        return redirect("entry:index")
    grid = selectors.entry_grid(
        scope_of(request), page.agency, page.period, page.unit, reader=_reader(request)
    )
    derived = _derived_elements(_grid_cells(grid), page.period)
    try:
        page_number = min(max(int(request.GET.get("trang", 1)), 1), len(grid.pages))
    except ValueError:
        page_number = 1
    return render(
        request,
        "entry/entry.html",
        {
            "page": page,
            "grid": grid,
            "rows": grid.pages[page_number - 1],
            "page_number": page_number,
            "page_numbers": range(1, len(grid.pages) + 1),
            "cell_base": page.url + "o/",
            "completion": selectors.completion(page.agency, page.unit, page.period),
            "may_complete": selectors.may_complete(scope_of(request), page.agency, page.unit),
            "upload_form": UploadForm(),
            "derived": derived,
            "derived_codes": {element.code for element in derived},
            "any_hidden": any(cell.hidden for cell in _grid_cells(grid)),
            "small_count": small_count_label(),
        },
    )


@login_required
@require_POST
def cell(request, agency: str, period: str, unit: str, row: str, element: str, combo: str):
    """Save one grid cell and return it: the stored value, or the typed text with why it was refused."""
    page = _entry_page(scope_of(request), agency, period, unit)
    if selectors.cell_after_save(scope_of(request), page, element, combo, row) is None:
        raise Http404("not a cell of this page")
    raw = request.POST.get("value", "").strip()
    summary = datavalues.save_cell(request.user, element, combo, row, page.period.code, raw)
    shown = selectors.cell_after_save(scope_of(request), page, element, combo, row, reader=_reader(request))
    derived = _derived_elements([shown] if shown is not None else [], page.period)
    errors = "; ".join(m.text for m in summary.conflicts)
    if shown is not None and errors:
        shown.raw, shown.error = raw, errors
    elif shown is not None:
        shown.saved, shown.warning = True, "; ".join(m.text for m in summary.warnings)
    return render(
        request,
        "entry/_cell.html",
        {
            "cell": shown,
            "error": errors,
            "cell_base": page.url + "o/",
            "derived_codes": {e.code for e in derived},
        },
    )


@login_required
@require_POST
def complete(request, agency: str, period: str, unit: str):
    page = _entry_page(scope_of(request), agency, period, unit)
    if not selectors.may_complete(scope_of(request), page.agency, page.unit):
        raise PermissionDenied
    form = CompletionForm(request.POST)
    if form.is_valid():
        done = form.save(user=request.user, agency=page.agency, unit=page.unit, period_code=page.period.code)
        if done:
            messages.success(
                request, _("Đã đánh dấu hoàn thành lúc %(when)s.") % {"when": _when(done.completed_at)}
            )
        else:
            messages.success(request, _("Đã bỏ đánh dấu hoàn thành."))
    return redirect(page.url)


@login_required
def template(request, agency: str, period: str, unit: str):
    page = _entry_page(scope_of(request), agency, period, unit)
    grid = selectors.entry_grid(
        scope_of(request), page.agency, page.period, page.unit, reader=_reader(request)
    )
    response = HttpResponse(excel.build_template(grid), content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.template_filename(page.meta)}"'
    return response


def _preview(
    request: HttpRequest,
    page: EntryPage,
    report: upload_jobs.Report,
    *,
    pending: StagedImport | None = None,
    filename: str = "",
    job: StagedImport | None = None,
) -> HttpResponse:
    """The check of an upload: its report, the confirm button when it can be written, or the progress of
    a background check (`job`), which the page polls."""
    context = {"page": page, "report": report, "pending": pending, "filename": filename, "job": job}
    if job is not None and request.headers.get("HX-Request"):  # a poll: the progress, or reload when done
        if job.status in (StagedImport.Status.QUEUED, StagedImport.Status.RUNNING):
            return render(request, "entry/_upload_progress.html", context)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "entry/upload_preview.html", context)


@login_required
@require_POST
def upload(request: HttpRequest, agency: str, period: str, unit: str) -> HttpResponse:
    """Check a filled template: what it would change (a dry run), kept for confirmation. A large file is
    checked by a background job and the preview page follows it."""
    page = _entry_page(scope_of(request), agency, period, unit)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _preview(
            request, page, upload_jobs.file_report([str(e) for errs in form.errors.values() for e in errs])
        )
    upload = form.cleaned_data["file"]
    if upload.size > limit("TREEM_UPLOAD_BACKGROUND_BYTES"):
        user = cast(User, request.user)  # login_required
        job = upload_jobs.start(user=user, filename=upload.name, data=upload.read(), meta=page.meta)
        return redirect("entry:upload_status", *page.args, job.pk)
    report, rows = upload_jobs.check(upload, page.meta, request.user)
    pending = None
    if rows:
        pending = staging.stage(excel.STAGED_KIND, user=request.user, filename=upload.name, payload=rows)
        StagedImport.objects.filter(pk=pending.pk).update(report=report)  # its page can show it again
    return _preview(request, page, report, pending=pending, filename=upload.name)


@login_required
def upload_status(request: HttpRequest, agency: str, period: str, unit: str, pk: int) -> HttpResponse:
    """The preview of an upload checked in the background: its progress until done, then its report."""
    page = _entry_page(scope_of(request), agency, period, unit)
    staged = staging.staged_for(request.user, pk, excel.STAGED_KIND)
    if staged is None:
        raise Http404
    if upload_jobs.is_stale(staged):
        message = _("Việc kiểm tra tệp đã dừng giữa chừng; không có gì được ghi. Hãy tải tệp lên lại.")
        return _preview(request, page, upload_jobs.file_report([message]), filename=staged.filename)
    pending = staged if upload_jobs.confirmable(staged) else None
    return _preview(request, page, staged.report, pending=pending, filename=staged.filename, job=staged)


@login_required
@require_POST
def confirm(request: HttpRequest, agency: str, period: str, unit: str, pk: int) -> HttpResponse:
    """Write a checked upload: once, unless it has expired or the values it would replace changed since
    the preview (then its conflicts are shown and nothing is written)."""
    page = _entry_page(scope_of(request), agency, period, unit)
    pending = staging.staged_for(request.user, pk, excel.STAGED_KIND)
    if pending is None or not upload_jobs.confirmable(pending):  # unknown, or a check still running/failed
        raise Http404
    confirmed = staging.confirm(pending, user=request.user)
    name = pending.filename
    Outcome = staging.Outcome
    if confirmed.outcome == Outcome.ALREADY_APPLIED:
        when = _when(confirmed.staged.applied_at)
        messages.warning(
            request,
            _("Tệp “%(name)s” đã được ghi lúc %(when)s; không ghi lại lần nữa.")
            % {"name": name, "when": when},
        )
        return redirect(page.url)
    if confirmed.outcome == Outcome.EXPIRED:
        hours = int(staging.lifetime().total_seconds() // 3600)
        messages.error(
            request,
            ngettext(
                "Tệp “%(name)s” đã hết hạn xác nhận (quá %(hours)d giờ sau khi tải lên); không có gì được "
                "ghi. Hãy tải tệp lên lại để kiểm tra và xác nhận.",
                "Tệp “%(name)s” đã hết hạn xác nhận (quá %(hours)d giờ sau khi tải lên); không có gì được "
                "ghi. Hãy tải tệp lên lại để kiểm tra và xác nhận.",
                hours,
            )
            % {"name": name, "hours": hours},
        )
        return redirect(page.url)
    if confirmed.outcome == Outcome.CONTENDED:
        messages.error(
            request,
            _("Số liệu đang được người khác ghi cùng lúc; chưa ghi gì từ tệp “%(name)s”. Hãy xác nhận lại.")
            % {"name": name},
        )
        return redirect("entry:upload_status", *page.args, pending.pk)
    summary = confirmed.result
    if not confirmed.written:  # values changed since the preview, or a rule broke: nothing was written
        return _preview(request, page, upload_jobs.summary_report(summary), filename=name)
    messages.success(
        request,
        _("Đã ghi số liệu từ tệp “%(name)s”: %(new)d giá trị mới, %(changed)d giá trị thay đổi.")
        % {"name": name, "new": summary.imported, "changed": summary.updated},
    )
    return redirect(page.url)
