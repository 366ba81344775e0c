"""Write a round's consolidated report to files: the Word report, and on request its Excel annex and PDF.

An issued report writes the files kept when it was issued; a draft is built now from the figures and the
coordinator's saved edits, as the page's downloads are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from treem.plans.models import Plan
from treem.reporting import consolidated
from treem.reporting.documents.pdf import PdfError, docx_to_pdf
from treem.reporting.models import ConsolidatedReport, ReportingRound


class Command(BaseCommand):
    help = "Lập báo cáo tổng hợp của một đợt báo cáo ra tệp DOCX (và XLSX, PDF nếu yêu cầu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="mã kế hoạch (code trong tệp kế hoạch)")
        parser.add_argument(
            "--round", required=True, help="mã đợt báo cáo (code của mốc thời hạn trong tệp kế hoạch)"
        )
        parser.add_argument("--out", required=True, help="tệp .docx ghi báo cáo")
        parser.add_argument("--xlsx", help="tệp .xlsx ghi phụ lục")
        parser.add_argument("--pdf", help="tệp .pdf (cần LibreOffice)")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã '{options['plan']}'.")
        rnd = ReportingRound.objects.filter(plan=plan, code=options["round"]).first()
        if rnd is None:
            raise CommandError(f"Kế hoạch '{plan.code}' không có đợt báo cáo mã '{options['round']}'.")
        report = consolidated.report_of(rnd)
        docx_bytes, xlsx_bytes = self._documents(report)
        self._write(options["out"], docx_bytes)
        if options.get("xlsx"):
            self._write(options["xlsx"], xlsx_bytes)
        if options.get("pdf"):
            stored = consolidated.stored(report, "pdf")
            try:
                self._write(options["pdf"], stored or docx_to_pdf(docx_bytes))
            except PdfError as error:
                self.stderr.write(f"Bỏ qua bản PDF: {error}")

    def _documents(self, report: ConsolidatedReport) -> tuple[bytes, bytes]:
        docx_bytes, xlsx_bytes = consolidated.stored(report, "docx"), consolidated.stored(report, "xlsx")
        if docx_bytes is not None and xlsx_bytes is not None:
            return docx_bytes, xlsx_bytes
        return consolidated.draft_documents(report)

    def _write(self, name: str, data: bytes) -> None:
        path = Path(name)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {path}: {error.strerror}.") from None
        self.stdout.write(f"Đã ghi {path} ({len(data):,} byte).".replace(",", "."))
