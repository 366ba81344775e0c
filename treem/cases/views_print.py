"""A recorded form printed as the decree's form (/ho-so/<code>/in/<record>.<docx|pdf>): Forms 01–05 of
Decree 56/2017/NĐ-CP with the case's data, as a Word file or its PDF (docs/case-forms.md).

The print is a read of the case: it writes exactly one access event, of action "print" (not the "read" of
selectors.case_in_scope, so the record is found with documents.printable_record, which writes nothing, and
the event is written once the file is made). A case that does not exist, one outside the scope, a record
of another case, a step without a form and an unknown format are the same 404. Without LibreOffice the PDF
answers a page saying so (503), offering the Word file, and nothing is logged: nothing was shown.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from treem.accounts.otp import case_factor_required
from treem.accounts.policy import scope_of
from treem.core.pdf import PdfError, docx_to_pdf

from .access import record_access
from .documents import form_content, form_docx, printable_record
from .models import AccessAction

NOT_FOUND = "Không tìm thấy trường hợp trong phạm vi của bạn."
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
@case_factor_required
@require_GET
def print_form(request: HttpRequest, code: str, record: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404(NOT_FOUND)
    found = printable_record(scope_of(request), code, record)
    if found is None:
        raise Http404(NOT_FOUND)
    case, step_record, step = found
    content = form_content(case, step_record, step)
    data = form_docx(content)
    if fmt == "pdf":
        try:
            data = docx_to_pdf(data)
        except PdfError as error:
            context = {"case": case, "record": step_record.pk, "number": content.number, "reason": str(error)}
            return render(request, "cases/print_no_pdf.html", context, status=503)
    what = f"print {step.code} {fmt}: form {content.number}, record {step_record.pk}: {', '.join(content.fields)}"
    record_access(request.user, AccessAction.PRINT, case, what)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{filename(case.code, content.number, step_record.pk, fmt)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"  # a child's private details: kept by no cache
    return response


def filename(case_code: str, number: str, record: int, fmt: str) -> str:
    """'mau-01-19903-2024-0001-17.docx': ASCII only, so every browser keeps it."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", f"mau-{number}-{case_code}-{record}").strip("-")
    return f"{safe}.{fmt}"
