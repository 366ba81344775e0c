"""The consolidated report of a round: reads and writes of its ConsolidatedReport.

A draft is built live from the database each time it is shown or downloaded, with the coordinator's edited
parts (`texts`: only what differs from the text written from the figures is kept, so an unedited sentence
follows the figures). Issuing builds the documents once, keeps the files and the content they came from
(`source`), and freezes the report: a second edit or issue is refused.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.models import User
from treem.accounts.policy import Scope, scope_for
from treem.core import audit
from treem.core.formatting import format_count
from treem.core.models import AuditAction
from treem.plans.selectors import plan_in_scope

from . import selectors, services
from .documents.content import ReportContent
from .documents.docx import consolidated_docx
from .documents.pdf import PdfError, docx_to_pdf, pdf_available
from .documents.xlsx import annex_xlsx
from .models import ConsolidatedReport, ReportingRound, ReportState
from .report_content import EDITABLE, SENTENCES, consolidated_content
from .services import TEXT_LIMIT, ReportingError

NUMBER_LIMIT = 60


# --- who may --------------------------------------------------------------------------------------


def may_read(scope: Scope, round: ReportingRound) -> bool:
    """Province-wide roles of the plan's province (coordinators, administrators, leaders) and national."""
    return scope.agency_ids is None and plan_in_scope(scope, round.plan.code) is not None


def may_edit(scope: Scope, round: ReportingRound) -> bool:
    return selectors.may_review(scope) and plan_in_scope(scope, round.plan.code) is not None


def _editor(actor: User, round: ReportingRound) -> None:
    if not may_edit(scope_for(actor), round):
        raise ReportingError(_("Chỉ cơ quan điều phối cấp tỉnh soạn và ban hành báo cáo tổng hợp."))


# --- reads ----------------------------------------------------------------------------------------


def report_of(round: ReportingRound) -> ConsolidatedReport:
    """The round's report, or an unsaved empty draft when nobody has edited one yet."""
    return ConsolidatedReport.objects.filter(round=round).first() or ConsolidatedReport(round=round)


def content_of(report: ConsolidatedReport) -> ReportContent:
    """What the report says now: a draft built live with its edits (issued reports keep their files)."""
    return consolidated_content(
        report.round, texts=report.texts, number=report.number, report_date=report.report_date
    )


def draft_documents(report: ConsolidatedReport) -> tuple[bytes, bytes]:
    content = content_of(report)
    return consolidated_docx(content), annex_xlsx(content)


def draft_document(report: ConsolidatedReport, kind: str) -> bytes:
    """One document of a draft, built now: "docx" (the report) or "xlsx" (its annex)."""
    render = consolidated_docx if kind == "docx" else annex_xlsx
    return render(content_of(report))


def stored(report: ConsolidatedReport, kind: str) -> bytes | None:
    """The file (docx, xlsx, pdf) kept when the report was issued; None for a draft or a missing PDF."""
    field = getattr(report, kind)
    if report.state != ReportState.ISSUED or not field:
        return None
    with field.open("rb") as handle:
        return bytes(handle.read())


def filename(report: ConsolidatedReport, extension: str) -> str:
    return f"bao-cao-tong-hop-{report.round.plan.code}-{report.round.code}.{extension}"


# --- writes ---------------------------------------------------------------------------------------


def get_or_create_draft(actor: User, round: ReportingRound) -> ConsolidatedReport:
    _editor(actor, round)
    try:
        with transaction.atomic():
            report, _created = ConsolidatedReport.objects.get_or_create(round=round)
    except IntegrityError:  # another request made it first
        report = ConsolidatedReport.objects.get(round=round)
    return report


def _locked(report: ConsolidatedReport) -> ConsolidatedReport:
    return (
        ConsolidatedReport.objects.select_for_update()
        .select_related("round__plan__province")
        .get(pk=report.pk)
    )


def _refuse_if_issued(report: ConsolidatedReport) -> None:
    if report.state != ReportState.DRAFT:
        raise ReportingError(_("Báo cáo đã ban hành, không sửa hay ban hành lại được."))


def _event(action: AuditAction, actor: User, report: ConsolidatedReport, summary: str, **new: Any) -> None:
    audit.record_event(
        action,
        actor=actor,
        object_kind="consolidated_report",
        object_id=str(report.pk),
        province_code=report.round.plan.province.code,
        new={"round": report.round.code, "state": report.state, "number": report.number, **new},
        summary=summary,
    )


def clean_texts(round: ReportingRound, texts: dict) -> dict:
    """The edited parts worth keeping: strings within the limit that differ from the generated text."""
    default = consolidated_content(round)
    generated: dict[str, str] = {
        "introduction": "\n\n".join(default.introduction),
        "difficulties": "\n\n".join(default.sections[0].paragraphs),
        "proposals": "\n\n".join(default.sections[1].paragraphs),
        "closing": "\n\n".join(default.sections[3].paragraphs),
        "signer_title": default.header.signer_title,
        "signer_name": default.header.signer_name,
    }
    sentences = {row.indicator_code: row.sentence for row in default.target_rows}
    problems = []
    kept: dict[str, Any] = {}
    for part in EDITABLE:
        value = _text(texts.get(part))
        if len(value) > TEXT_LIMIT:
            problems.append(_("Mỗi phần ghi tối đa %(n)s ký tự.") % {"n": format_count(TEXT_LIMIT)})
        elif value and value != _text(generated[part]):
            kept[part] = value
    edited = {}
    for code, sentence in (texts.get(SENTENCES) or {}).items():
        value = _text(sentence)
        if code in sentences and len(value) > TEXT_LIMIT:
            problems.append(
                _("Câu nhận xét chỉ tiêu %(code)s ghi tối đa %(n)s ký tự.")
                % {"code": code, "n": format_count(TEXT_LIMIT)}
            )
        elif code in sentences and value and value != sentences[code]:
            edited[code] = value
    if edited:
        kept[SENTENCES] = edited
    if problems:
        raise ReportingError(sorted(set(problems)))
    return kept


def _text(value: object) -> str:
    return str(value).replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def do_edit_report(
    actor: User,
    report: ConsolidatedReport,
    texts: dict,
    number: str,
    report_date: datetime.date | None,
) -> ConsolidatedReport:
    """Save the coordinator's edits of a draft: number, date and the editable parts."""
    _editor(actor, report.round)
    number = number.strip()
    if len(number) > NUMBER_LIMIT:
        raise ReportingError(_("Số, ký hiệu ghi tối đa %(n)s ký tự.") % {"n": NUMBER_LIMIT})
    kept = clean_texts(report.round, texts)
    with transaction.atomic():
        report = _locked(report)
        _refuse_if_issued(report)
        report.texts, report.number, report.report_date = kept, number, report_date
        report.save()
        _event(AuditAction.CONSOLIDATED_EDIT, actor, report,
               f"Sửa dự thảo báo cáo tổng hợp {report.round.code}", parts=sorted(kept))  # fmt: skip
    return report


def do_issue_report(actor: User, report: ConsolidatedReport) -> ConsolidatedReport:
    """Issue the report: build its documents once from the figures as they are, keep the files and the
    content, and freeze it. A PDF that cannot be made does not stop the issue (`report.pdf_note`)."""
    _editor(actor, report.round)
    with transaction.atomic():
        report = _locked(report)
        _refuse_if_issued(report)
        report.report_date = report.report_date or timezone.localdate()
        content = content_of(report)
        docx_bytes = consolidated_docx(content)
        name = filename(report, "")[:-1]
        report.docx.save(f"{name}.docx", ContentFile(docx_bytes), save=False)
        report.xlsx.save(f"{name}.xlsx", ContentFile(annex_xlsx(content)), save=False)
        pdf_note = ""
        if pdf_available():
            try:
                report.pdf.save(f"{name}.pdf", ContentFile(docx_to_pdf(docx_bytes)), save=False)
            except PdfError as error:
                pdf_note = str(error)
        else:
            pdf_note = _("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF.")
        report.source = dataclasses.asdict(content)
        report.state = ReportState.ISSUED
        report.issued_at, report.issued_by = timezone.now(), actor
        report.save()
        rnd, owner = report.round, report.round.plan.owner
        if [body.pk for body in selectors.owed_bodies(rnd.milestone)] == [owner.pk]:
            services.record_issued_report(actor, rnd, owner, number=report.number)  # the office's own round
        _event(AuditAction.CONSOLIDATED_ISSUE, actor, report,
               f"Ban hành báo cáo tổng hợp {rnd.code}", pdf=bool(report.pdf))  # fmt: skip
    report.pdf_note = pdf_note  # type: ignore[attr-defined]
    return report
