"""Reporting pages (report): the consolidated report of a round (draft, edit, issue, downloads) and each
body's own submission as a Word document.

The round is found through the selectors with the request's Scope; a round outside the scope, one the
user may not read the report of, and one that does not exist are the same 404. Writes go through
`consolidated` services, which decide who may edit and issue; a refusal comes back as a message.
"""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from treem.accounts.models import User
from treem.accounts.policy import scope_of
from treem.core.formatting import format_date
from treem.core.periods import allowed_years

from . import consolidated, selectors
from .documents.docx import submission_docx
from .documents.pdf import PdfError, docx_to_pdf
from .models import ConsolidatedReport, ReportingRound, ReportState
from .report_content import EDITABLE, SENTENCES, submission_content
from .services import ReportingError

NOT_FOUND = "Không tìm thấy báo cáo trong phạm vi của bạn."
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _round(request: HttpRequest, plan: str, round: str) -> ReportingRound:
    """The round, if the user reads its consolidated report; else the same 404 as a missing one."""
    scope = scope_of(request)
    found = selectors.round_in_scope(scope, plan, round)
    if found is None or not consolidated.may_read(scope, found):
        raise Http404(NOT_FOUND)
    return found


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def disposition(name: str) -> str:
    """An attachment named in ASCII for every browser, and in UTF-8 for those that read `filename*`."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def ascii_name(name: str) -> str:
    """'báo-cáo-Sở.docx' → 'bao-cao-So.docx' (đ → d): a filename every browser keeps."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D").replace(" ", "-"))
    return "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch in "-_.")) or "bao-cao"


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        years = allowed_years()
        if day.year not in years:
            raise ReportingError(
                _("Ngày ban hành phải trong các năm %(first)s–%(last)s.")
                % {"first": years[0], "last": years[-1]}
            )
        return day
    raise ReportingError(_("Ngày ban hành ghi theo dạng ngày/tháng/năm, ví dụ 05/12/2023."))


def _posted_texts(request: HttpRequest) -> dict:
    texts: dict = {part: request.POST.get(part, "") for part in EDITABLE}
    prefix = "sentence-"
    texts[SENTENCES] = {
        key[len(prefix) :]: value for key, value in request.POST.items() if key.startswith(prefix)
    }
    return texts


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    rnd = _round(request, plan, round)
    scope = scope_of(request)
    report = consolidated.report_of(rnd)
    editable = consolidated.may_edit(scope, rnd) and report.state == ReportState.DRAFT
    posted_date = None
    if request.method == "POST":
        if not consolidated.may_edit(scope, rnd):
            raise Http404(NOT_FOUND)
        try:
            report_date = _parse_date(request.POST.get("report_date", ""))
            draft = consolidated.get_or_create_draft(_user(request), rnd)
            consolidated.do_edit_report(
                _user(request), draft, _posted_texts(request), request.POST.get("number", ""), report_date
            )
        except ReportingError as error:
            for message in error.messages:
                messages.error(request, message)
            # Shown again as typed, nothing saved: one wrong field does not cost the others' text.
            report.texts = _posted_texts(request)
            report.number = request.POST.get("number", "")[:60]
            posted_date = request.POST.get("report_date", "")[:40]
        else:
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect("reporting:consolidated", plan=rnd.plan.code, round=rnd.code)
    content = consolidated.content_of(report) if report.state == ReportState.DRAFT else None
    context = {
        "round": rnd,
        "plan": rnd.plan,
        "report": report,
        "content": content,
        "source": report.source if report.state == ReportState.ISSUED else None,
        "editable": editable,
        "texts": report.texts,
        "report_date": posted_date
        if posted_date is not None
        else (format_date(report.report_date) if report.report_date else ""),
        "issued_date": format_date(report.report_date),
    }
    if content is not None:
        context["sections"] = {
            "difficulties": "\n\n".join(content.sections[0].paragraphs),
            "proposals": "\n\n".join(content.sections[1].paragraphs),
            "closing": "\n\n".join(content.sections[3].paragraphs),
        }
        context["introduction"] = "\n\n".join(content.introduction)
    return render(request, "reporting/consolidated.html", context)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_POST
def issue(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    rnd = _round(request, plan, round)
    if not consolidated.may_edit(scope_of(request), rnd):
        raise Http404(NOT_FOUND)
    try:
        draft = consolidated.get_or_create_draft(_user(request), rnd)
        report = consolidated.do_issue_report(_user(request), draft)
        messages.success(request, _("Đã ban hành báo cáo tổng hợp."))
        note = getattr(report, "pdf_note", "")
        if note:
            messages.warning(request, _("Chưa có bản PDF: %(reason)s") % {"reason": note})
    except ReportingError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("reporting:consolidated", plan=rnd.plan.code, round=rnd.code)


def _stored(report: ConsolidatedReport, kind: str) -> bytes | None:
    try:
        return consolidated.stored(report, kind)
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None


@login_required
@require_GET
def download_docx(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    report = consolidated.report_of(_round(request, plan, round))
    data = _stored(report, "docx")
    if data is None:
        data = consolidated.draft_document(report, "docx")
    return _file_response(data, consolidated.filename(report, "docx"), DOCX)


@login_required
@require_GET
def download_xlsx(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    report = consolidated.report_of(_round(request, plan, round))
    data = _stored(report, "xlsx")
    if data is None:
        data = consolidated.draft_document(report, "xlsx")
    return _file_response(data, consolidated.filename(report, "xlsx"), XLSX)


@login_required
@require_GET
def download_pdf(request: HttpRequest, plan: str, round: str) -> HttpResponse:
    """The stored PDF of an issued report; else one converted now from the Word file. Without
    LibreOffice (or when it fails) a page says so, with status 503, and offers the Word file."""
    rnd = _round(request, plan, round)
    report = consolidated.report_of(rnd)
    data = _stored(report, "pdf")
    if data is None:
        docx_bytes = _stored(report, "docx") or consolidated.draft_document(report, "docx")
        try:
            data = docx_to_pdf(docx_bytes)
        except PdfError as error:
            context = {"round": rnd, "plan": rnd.plan, "reason": str(error)}
            return render(request, "reporting/consolidated_no_pdf.html", context, status=503)
    return _file_response(data, consolidated.filename(report, "pdf"), PDF)


@login_required
@require_GET
def body_docx(request: HttpRequest, plan: str, round: str, agency: str) -> HttpResponse:
    """A body's own submission as a Word document in the same frame, for anyone who sees it."""
    scope = scope_of(request)
    rnd = selectors.round_in_scope(scope, plan, round)
    if rnd is None:
        raise Http404(NOT_FOUND)
    body = selectors.body_in_round(scope, rnd, agency)
    submission = selectors.submission_for(rnd, body) if body is not None else None
    if body is None or submission is None or not selectors.content_visible(scope, submission):
        raise Http404(NOT_FOUND)
    data = submission_docx(submission_content(submission))
    return _file_response(data, f"Báo cáo {rnd.code} {body}.docx", DOCX)


REPORT = "<slug:plan>/<str:round>/tong-hop/"
urlpatterns: list[URLPattern] = [
    path(REPORT, report_page, name="consolidated"),
    path(REPORT + "bao-cao.docx", download_docx, name="consolidated_docx"),
    path(REPORT + "bao-cao.xlsx", download_xlsx, name="consolidated_xlsx"),
    path(REPORT + "bao-cao.pdf", download_pdf, name="consolidated_pdf"),
    path(REPORT + "ban-hanh/", issue, name="consolidated_issue"),
    path("<slug:plan>/<str:round>/<str:agency>/bao-cao.docx", body_docx, name="submission_docx"),
]
