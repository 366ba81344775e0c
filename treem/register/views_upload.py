"""Uploading an existing commune register from Excel (/so-theo-doi/tai-len/): template → upload → preview →
confirm, through the generic staged import (treem.entry.staging, kind "register").

Who: the roles with a case scope (commune and district officers, the province case manager), with their
second factor; everybody else gets the 404 of a missing page. A staged upload is its uploader's own: anyone
else's answers 404 like a missing one. The preview shows the children already registered that a row may
name (one access event per child shown, treem.cases.access) and lets the officer link each duplicate row to
that child or create a new one; confirming writes everything once, or nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.cases.access import record_child_accesses
from treem.cases.duplicates import children_for
from treem.cases.models import AccessAction, Child
from treem.core.errors import InputErrors
from treem.core.formatting import format_date
from treem.entry import staging
from treem.entry.forms import UploadForm
from treem.entry.models import StagedImport
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .reference import reference
from .upload import check_upload, max_rows
from .upload_apply import KIND, NEW, choice_for, duplicate_rows, find_duplicates, seal, unseal
from .upload_template import build_template

NOT_FOUND = "Không tìm thấy trang."
MAX_SHOWN = 500  # rows (and errors) listed on a page; the rest are counted
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _case_scope(request: HttpRequest) -> Scope:
    scope = scope_of(request)
    if scope.case_path is None:
        raise Http404(NOT_FOUND)
    return scope


@login_required
@case_factor_required
@require_GET
def upload_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(build_template(_case_scope(request)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="so-theo-doi-mau.xlsx"'
    return response


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a posted file is checked whole and, only when every row is right, staged."""
    scope = _case_scope(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                rows = check_upload(file, scope)
            except InputErrors as exc:
                errors = exc.messages
            else:
                find_duplicates(scope, rows)
                staged = staging.stage(KIND, user=request.user, filename=file.name, payload=seal(rows))
                return redirect("register:upload-preview", staged.pk)
        else:
            errors = [str(e) for errs in form.errors.values() for e in errs]
    context = {
        "form": form,
        "errors": errors[:MAX_SHOWN],
        "more_errors": max(len(errors) - MAX_SHOWN, 0),
        "max_rows": max_rows(),
    }
    return render(request, "register/upload.html", context, status=400 if errors else 200)


def _row_view(row: dict[str, Any], communes: dict[str, AdministrativeUnit]) -> dict[str, Any]:
    ref = reference()
    support = row["support"]
    commune = communes.get(row["commune"])
    born = row["date_of_birth"]
    return {
        "row": row["row"],
        "name": row["name"],
        "date_of_birth": format_date(datetime.date.fromisoformat(born)) if born else "—",
        "commune": commune.name if commune else row["commune"],
        "groups": [ref.group_label(item["group"]) for item in row["circumstances"]],
        "support": ref.labels("support_kinds").get(support["kind"], "") if support else "",
        "same_as": row.get("same_as"),
    }


def _preview_context(request: HttpRequest, scope: Scope, staged: StagedImport) -> dict[str, Any]:
    rows = unseal(staged.payload)
    # The rows name today's communes (upload.Lookups): the version of each code valid today.
    today = timezone.localdate()
    communes = {
        u.code: u
        for u in AdministrativeUnit.objects.valid_on(today).filter(code__in={r["commune"] for r in rows})
    }
    duplicates = duplicate_rows(rows)
    shown_duplicates = duplicates[:MAX_SHOWN]
    wanted = {pk for row in shown_duplicates for pk in row.get("matches") or []}
    known: dict[int, Child] = {
        child.pk: child for child in children_for(scope).filter(pk__in=wanted).select_related("commune")
    }
    record_child_accesses(request.user, AccessAction.READ, known.values(), "register: upload duplicates")
    duplicate_views = []
    for row in shown_duplicates:
        view = _row_view(row, communes)
        view["choice"] = choice_for(row, {})
        view["matches"] = [
            {
                "choice": f"child:{pk}",
                "child": known[pk],
                "date_of_birth": format_date(known[pk].date_of_birth),
            }
            for pk in row.get("matches") or []
            if pk in known
        ]
        duplicate_views.append(view)
    fresh = [row for row in rows if row.get("same_as") is None and not row.get("matches")]
    expired = staged.applied_at is None and staging.expires_at(staged) <= timezone.now()
    return {
        "staged": staged,
        "rows": len(rows),
        "new_rows": [_row_view(row, communes) for row in fresh[:MAX_SHOWN]],
        "more_new": max(len(fresh) - MAX_SHOWN, 0),
        "new_count": len(fresh),
        "duplicates": duplicate_views,
        "more_duplicates": max(len(duplicates) - MAX_SHOWN, 0),
        "circumstances": sum(len(row["circumstances"]) for row in rows),
        "supports": sum(1 for row in rows if row["support"]),
        "expired": expired,
        "confirmable": staged.applied_at is None and not expired,
        "NEW": NEW,
        "errors": [],
    }


def _confirm(request: HttpRequest, staged: StagedImport) -> HttpResponse | list[str]:
    """Apply the staged upload with the officer's choices (handed to the applier, never saved); a
    response, or the errors that refused it (nothing written)."""
    choices = {key[4:]: value for key, value in request.POST.items() if key.startswith("row-")}
    staged.payload = {**staged.payload, "choices": choices}
    confirmed = staging.confirm(staged, user=request.user)
    name, Outcome = staged.filename, staging.Outcome
    if confirmed.outcome == Outcome.APPLIED:
        counts = confirmed.result
        messages.success(
            request,
            _(
                "Đã ghi sổ theo dõi từ tệp “%(name)s”: %(created)d trẻ em mới, %(linked)d trẻ em đã có, "
                "%(circumstances)d hoàn cảnh, %(supports)d hỗ trợ."
            )
            % {"name": name, **counts},
        )
        return redirect("register:list")
    if confirmed.outcome == Outcome.ALREADY_APPLIED:
        messages.warning(request, _("Tệp “%(name)s” đã được ghi; không ghi lại lần nữa.") % {"name": name})
        return redirect("register:list")
    if confirmed.outcome == Outcome.EXPIRED:
        messages.error(
            request,
            _("Tệp “%(name)s” đã hết hạn xác nhận; không có gì được ghi. Hãy tải tệp lên lại.")
            % {"name": name},
        )
        return redirect("register:upload")
    if confirmed.outcome == Outcome.CONTENDED:
        messages.error(request, _("Sổ đang được ghi cùng lúc; chưa ghi gì. Hãy xác nhận lại."))
        return redirect("register:upload-preview", staged.pk)
    errors: list[str] = list(confirmed.result.get("errors", []))
    return errors


@login_required
@case_factor_required
@require_http_methods(["GET", "POST"])
def upload_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What a checked upload will write, its duplicate rows with a choice each, and the confirm button."""
    scope = _case_scope(request)
    staged = staging.staged_for(request.user, pk, KIND)
    if staged is None:
        raise Http404(NOT_FOUND)
    errors: list[str] = []
    if request.method == "POST":
        outcome = _confirm(request, staged)
        if isinstance(outcome, HttpResponse):
            return outcome
        errors = outcome
    context = _preview_context(request, scope, staged)
    context["errors"] = errors
    return render(request, "register/upload_preview.html", context, status=409 if errors else 200)
