"""Data entry pages: choose what to enter, the grid (one cell saved at a time), completion, and the
Excel round trip (template → upload → preview → confirm).

Every write goes through `datavalues.import_values`, which checks types, scope and rules and writes
nothing when anything is wrong; these views only choose what to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.accounts.policy import scope_of
from treem.core.errors import InputErrors
from treem.core.periods import PeriodError, period_label
from treem.indicators import datavalues
from treem.indicators.models import Period
from treem.indicators.periods import find_period
from treem.units.models import AdministrativeUnit, Agency
from treem.units.scope import Scope, unit_in_scope

from . import excel, selectors, staging
from .forms import CompletionForm, EntryChoiceForm, UploadForm


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
    unit = unit_in_scope(scope, unit_code)
    if agency is None or unit is None:
        raise Http404
    try:
        period = find_period(period_code)
    except PeriodError:
        raise Http404 from None
    return EntryPage(agency, period, unit)


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
        units=selectors.entry_units(scope),
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
    page = _entry_page(scope_of(request), agency, period, unit)
    grid = selectors.entry_grid(scope_of(request), page.agency, page.period, page.unit)
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
    shown = selectors.cell_after_save(scope_of(request), page, element, combo, row)
    errors = "; ".join(m.text for m in summary.conflicts)
    if shown is not None and errors:
        shown.raw, shown.error = raw, errors
    elif shown is not None:
        shown.saved, shown.warning = True, "; ".join(m.text for m in summary.warnings)
    return render(request, "entry/_cell.html", {"cell": shown, "error": errors, "cell_base": page.url + "o/"})


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
    grid = selectors.entry_grid(scope_of(request), page.agency, page.period, page.unit)
    response = HttpResponse(excel.build_template(grid), content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.template_filename(page.meta)}"'
    return response


def _preview(request, page: EntryPage, *, summary=None, pending=None, file_errors=(), filename=""):
    changes, more = selectors.describe_changes(summary.changes) if summary else ([], 0)
    return render(
        request,
        "entry/upload_preview.html",
        {
            "page": page,
            "summary": summary,
            "pending": pending,
            "file_errors": list(file_errors),
            "changes": changes,
            "more_changes": more,
            "filename": filename,
        },
    )


@login_required
@require_POST
def upload(request, agency: str, period: str, unit: str):
    """Read a filled template and show what it would change (a dry run); keep it for confirmation."""
    page = _entry_page(scope_of(request), agency, period, unit)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _preview(request, page, file_errors=[e for errs in form.errors.values() for e in errs])
    upload = form.cleaned_data["file"]
    try:
        inputs = excel.read_workbook(upload, expect=page.meta)
    except InputErrors as exc:
        return _preview(request, page, file_errors=exc.messages, filename=upload.name)
    summary = datavalues.import_values(inputs, user=request.user, dry_run=True)
    pending = None
    if not summary.conflicts and (summary.imported or summary.updated or summary.deleted):
        pending = excel.stage_import(summary, user=request.user, filename=upload.name)
    return _preview(request, page, summary=summary, pending=pending, filename=upload.name)


@login_required
@require_POST
def confirm(request, agency: str, period: str, unit: str, pk: int):
    page = _entry_page(scope_of(request), agency, period, unit)
    pending = staging.staged_for(request.user, pk, excel.STAGED_KIND)
    if pending is None:
        raise Http404
    confirmed = staging.confirm(pending, user=request.user)
    summary = confirmed.result
    if summary is None:
        messages.warning(
            request,
            _("Tệp “%(name)s” đã được ghi lúc %(when)s; không ghi lại lần nữa.")
            % {"name": pending.filename, "when": _when(confirmed.staged.applied_at)},
        )
        return redirect(page.url)
    if not confirmed.written:  # the stored values changed since the check: nothing was written
        return _preview(request, page, summary=summary, filename=pending.filename)
    messages.success(
        request,
        _("Đã ghi số liệu từ tệp “%(name)s”: %(new)d giá trị mới, %(changed)d giá trị thay đổi.")
        % {"name": pending.filename, "new": summary.imported, "changed": summary.updated},
    )
    return redirect(page.url)
