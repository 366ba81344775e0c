"""Reporting pages (submission): the rounds, a round's bodies, and one body's submission with its steps
(save, submit, accept, return, reopen), versions and attachments.

Every page finds its round and body through the selectors with the request's Scope: a round, body,
version or file that does not exist and one outside the scope are the same 404. Every step goes through a
named service, which decides who may take it; a refusal comes back as a message on the submission page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from treem.accounts.models import User
from treem.accounts.policy import scope_of
from treem.core.periods import period_label
from treem.units.models import Agency
from treem.units.scope import Scope

from . import attachments, selectors, services
from .forms import AttachmentForm, CommentForm, SubmissionForm
from .models import Attachment, ProgressStatus, ReportingRound, Submission, SubmissionState
from .services import ReportingError
from .timeliness import timeliness

NOT_FOUND = "Không tìm thấy báo cáo trong phạm vi của bạn."
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


@dataclass
class Page:
    """The round and body a submission page is about, checked against the scope."""

    scope: Scope
    round: ReportingRound
    agency: Agency
    submission: Submission | None

    @property
    def args(self) -> tuple[str, str, str]:
        return (self.round.plan.code, self.round.code, self.agency.code)

    @property
    def url(self) -> str:
        return reverse("reporting:submission", args=self.args)

    @property
    def may_report(self) -> bool:
        return selectors.may_report_for(self.scope, self.agency)

    @property
    def may_review(self) -> bool:
        return selectors.may_review(self.scope)


def _round(scope: Scope, plan: str, round: str) -> ReportingRound:
    rnd = selectors.round_in_scope(scope, plan, round)
    if rnd is None:
        raise Http404(NOT_FOUND)
    return rnd


def _page(request: HttpRequest, plan: str, round: str, agency: str) -> Page:
    scope = scope_of(request)
    rnd = _round(scope, plan, round)
    body = selectors.body_in_round(scope, rnd, agency)
    if body is None:
        raise Http404(NOT_FOUND)
    return Page(scope, rnd, body, selectors.submission_for(rnd, body))


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _status(rnd: ReportingRound, submission: Submission | None) -> Any:
    state = submission.state if submission else None
    first = submission.first_submitted_at if submission else None
    return timeliness(rnd.deadline, state, first, timezone.now())


def _figures(scope: Scope, rnd: ReportingRound, agency: Agency) -> list[tuple[str, str]]:
    """(label, address) of the body's figures for the round's period: linked, never copied. A district
    People's Committee's figures are every supplier's in its district; another body's those it supplies."""
    if not rnd.period or agency.unit is None:
        return []
    if agency.is_local_committee:
        suppliers = scope.province_agencies().filter(data_elements__isnull=False)
    else:
        suppliers = Agency.objects.filter(
            pk__in=[agency.pk, *agency.groups.values_list("pk", flat=True)], data_elements__isnull=False
        )
    if not scope.can_enter_values:
        query = f"?plan={rnd.plan.code}&unit={agency.unit.code}"
        return [(_("Bảng theo dõi chỉ tiêu"), "/bang-theo-doi/" + query)] if suppliers.exists() else []
    return [
        (supplier.name, reverse("entry:entry", args=(supplier.code, rnd.period, agency.unit.code)))
        for supplier in suppliers.distinct().order_by("code")
    ]


# --- lists ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.has_access:
        return render(request, "accounts/no_access.html", status=200)
    own = Agency.objects.filter(pk__in=scope.reports_for).order_by("code")
    plans = []
    for plan in selectors.active_plans(scope):
        rounds = []
        for rnd in selectors.rounds_of(plan):
            mine = []
            for body in own:
                if selectors.owes(rnd, body):
                    sub = selectors.submission_for(rnd, body)
                    mine.append((body, sub, _status(rnd, sub)))
            rounds.append(
                {"round": rnd, "period": period_label(rnd.period) if rnd.period else "", "mine": mine}
            )
        plans.append({"plan": plan, "rounds": rounds})
    # Roles that read every body (province-wide and national) have the board, task progress and the
    # consolidated reports.
    boards = scope.agency_ids is None
    return render(
        request,
        "reporting/index.html",
        {"plans": plans, "reports": bool(scope.reports_for), "boards": boards},
    )


@login_required
@require_GET
def round_page(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    scope = scope_of(request)
    rnd = _round(scope, plan, round)
    bodies = []
    for body in selectors.owed_bodies(rnd.milestone):
        if selectors.sees_body(scope, body):
            sub = selectors.submission_for(rnd, body)
            bodies.append((body, sub, _status(rnd, sub)))
    context = {"round": rnd, "period": period_label(rnd.period) if rnd.period else "", "bodies": bodies}
    return render(request, "reporting/round_detail.html", context)


# --- the submission --------------------------------------------------------------------------------------


def _render(request: HttpRequest, page: Page, form: SubmissionForm | None = None) -> HttpResponse:
    sub = page.submission
    editable = page.may_report and (sub is None or sub.is_editable)
    # A save refused (the report was handed in meanwhile, from another tab or by a colleague): what was
    # typed is shown again, marked unsaved, so nothing typed is lost.
    unsaved = form is not None and form.is_bound and not editable
    if form is None and editable:
        form = SubmissionForm(tasks=selectors.owed_tasks(page.round.plan, page.agency), submission=sub)
    # A draft is the body's working copy: others see that it exists, not what it says yet.
    visible = sub is not None and selectors.content_visible(page.scope, sub)
    context = {
        "page": page,
        "round": page.round,
        "agency": page.agency,
        "submission": sub,
        "status": _status(page.round, sub),
        "period": period_label(page.round.period) if page.round.period else "",
        "form": form if editable or unsaved else None,
        "unsaved": unsaved,
        "draft_hidden": sub is not None and not visible,
        "progress": sub.progress.select_related("task") if sub and visible else [],
        "versions": sub.versions.select_related("submitted_by") if sub else [],
        "attachments": sub.attachments.filter(removed_at__isnull=True) if sub and visible else [],
        "attachment_form": AttachmentForm() if editable and sub is not None else None,
        "figures": _figures(page.scope, page.round, page.agency),
        "may_submit": page.may_report and sub is not None and sub.is_editable,
        "may_accept": page.may_review and sub is not None and sub.state == SubmissionState.SUBMITTED,
        "may_reopen": page.may_review and sub is not None and sub.state == SubmissionState.ACCEPTED,
    }
    return render(request, "reporting/submission_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def submission_page(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    if request.method != "POST":
        return _render(request, page)
    if not page.may_report:
        messages.error(request, _("Bạn không báo cáo thay cho đơn vị này."))
        return redirect(page.url)
    form = SubmissionForm(
        request.POST, tasks=selectors.owed_tasks(page.round.plan, page.agency), submission=page.submission
    )
    if not form.is_valid():
        messages.error(request, _("Chưa lưu: xin sửa các ô được đánh dấu."))
        return _render(request, page, form)
    try:
        page.submission = services.do_save_submission(
            _actor(request), page.round, page.agency, note=form.cleaned_data["note"], entries=form.entries()
        )
    except ReportingError as error:
        for message in error.messages:
            messages.error(request, message)
        return _render(request, page, form)
    messages.success(request, _("Đã lưu bản nháp báo cáo."))
    return redirect(page.url)


def _step(request: HttpRequest, page: Page, action: Any, done: str) -> HttpResponse:
    """Run a step on the page's submission; its refusal or its success comes back as a message."""
    if page.submission is None:
        messages.error(request, _("Đơn vị chưa lưu báo cáo nào ở đợt này."))
        return redirect(page.url)
    try:
        action(_actor(request), page.submission)
    except ReportingError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(page.url)


def _comment(request: HttpRequest) -> str:
    form = CommentForm(request.POST)
    return form.cleaned_data["comment"] if form.is_valid() else request.POST.get("comment", "")


@login_required
@require_POST
def submit(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    return _step(request, page, services.do_submit, _("Đã gửi báo cáo."))


@login_required
@require_POST
def accept(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    comment = _comment(request)
    return _step(request, page, lambda a, s: services.do_accept(a, s, comment), _("Đã tiếp nhận báo cáo."))


@login_required
@require_POST
def return_to_body(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    comment = _comment(request)
    return _step(request, page, lambda a, s: services.do_return(a, s, comment), _("Đã trả lại báo cáo."))


@login_required
@require_POST
def reopen(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    reason = _comment(request)
    return _step(request, page, lambda a, s: services.do_reopen(a, s, reason), _("Đã mở lại báo cáo."))


@login_required
@require_GET
def version(request: HttpRequest, plan: str, round: str, agency: str, number: int) -> HttpResponse:
    page = _page(request, plan, round, agency)
    found = page.submission.versions.filter(number=number).first() if page.submission else None
    if found is None:
        raise Http404(NOT_FOUND)
    tasks = {t.code: t for t in selectors.owed_tasks(page.round.plan, page.agency)}
    progress = [
        {
            **entry,
            "text": getattr(tasks.get(entry["task"]), "text", ""),
            "status_label": dict(ProgressStatus.choices).get(entry.get("status"), entry.get("status")),
        }
        for entry in found.content.get("progress", [])
    ]
    context = {
        "page": page,
        "round": page.round,
        "agency": page.agency,
        "version": found,
        "progress": progress,
    }
    return render(request, "reporting/submission_version.html", context)


# --- attachments -----------------------------------------------------------------------------------------


@login_required
@require_POST
def add_attachment(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    page = _page(request, plan, round, agency)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn một tệp để đính kèm."))
        return redirect(page.url)
    upload = form.cleaned_data["file"]
    return _step(
        request, page, lambda a, s: attachments.do_add_attachment(a, s, upload), _("Đã đính kèm tệp.")
    )


def _attachment(page: Page, pk: int) -> Attachment:
    if page.submission is None or not selectors.content_visible(page.scope, page.submission):
        raise Http404(NOT_FOUND)
    found = page.submission.attachments.filter(pk=pk, removed_at__isnull=True).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


@login_required
@require_GET
def download(request: HttpRequest, plan: str, round: str, agency: str, pk: int) -> FileResponse:
    found = _attachment(_page(request, plan, round, agency), pk)
    try:
        handle = found.file.storage.open(found.file.name, "rb")
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.name,
        content_type=CONTENT_TYPES.get(found.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove_attachment(request: HttpRequest, plan: str, round: str, agency: str, pk: int) -> HttpResponse:
    page = _page(request, plan, round, agency)
    found = _attachment(page, pk)
    return _step(
        request, page, lambda a, s: attachments.do_remove_attachment(a, found), _("Đã gỡ tệp đính kèm.")
    )


PAGE = "<slug:plan>/<str:round>/<str:agency>/"
urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("<slug:plan>/<str:round>/", round_page, name="round"),
    path(PAGE, submission_page, name="submission"),
    path(PAGE + "gui/", submit, name="submit"),
    path(PAGE + "tiep-nhan/", accept, name="accept"),
    path(PAGE + "tra-lai/", return_to_body, name="return"),
    path(PAGE + "mo-lai/", reopen, name="reopen"),
    path(PAGE + "phien-ban/<int:number>/", version, name="version"),
    path(PAGE + "tep/", add_attachment, name="attachment_add"),
    path(PAGE + "tep/<int:pk>/", download, name="attachment"),
    path(PAGE + "tep/<int:pk>/go/", remove_attachment, name="attachment_remove"),
]
