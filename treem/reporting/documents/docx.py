"""The Word reports: the consolidated report of the issuing body (targets, then tasks by task, then the
free sections) and one body's own report to it. Both are laid out in the Decree 30 frame of `decree30`
from the plain `ReportContent`, so a report issued earlier can be rendered again from its kept content."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument

from .content import ReportContent, Section, TargetRow, TaskReport
from .decree30 import finish_document, heading, new_document, paragraph, table

TARGET_HEADINGS = ("Mục tiêu", "Chỉ tiêu", "Kế hoạch", "Kết quả", "Đánh giá", "Cùng kỳ năm trước")
TARGET_WIDTHS_MM = (16.0, 56.0, 27.0, 22.0, 22.0, 22.0)
TASK_HEADINGS = ("Nhiệm vụ", "Tình trạng", "Đã thực hiện", "Kết quả")
TASK_WIDTHS_MM = (50.0, 25.0, 50.0, 40.0)


def consolidated_docx(content: ReportContent) -> bytes:
    """The issuing body's report on the whole plan: the results of every target indicator (a table, then
    one sentence each, which officials usually keep in the text), what every body reported on every task,
    then the free sections (difficulties, proposals, bodies that did not report…)."""
    document = new_document(content.header)
    _paragraphs(document, content.introduction)

    heading(document, "I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU")
    if content.target_rows:
        table(document, TARGET_HEADINGS, _target_table_rows(content.target_rows), widths_mm=TARGET_WIDTHS_MM)
        for row in content.target_rows:
            if row.sentence:
                paragraph(document, row.sentence)
    else:
        paragraph(document, "Chưa có số liệu về các chỉ tiêu của kỳ báo cáo.", italic=True)

    heading(document, "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    if content.task_reports:
        for task_code, task_text, reports in _by_task(content.task_reports):
            paragraph(document, _task_title(task_code, task_text), bold=True)
            for report in reports:
                paragraph(document, _task_line(report))
    else:
        paragraph(document, "Chưa có cơ quan, đơn vị nào báo cáo kết quả thực hiện nhiệm vụ.", italic=True)

    _sections(document, content.sections)
    return finish_document(document, content.header)


def submission_docx(content: ReportContent) -> bytes:
    """One body's own report to the issuing body: its tasks in a table (status, what was done, results),
    its free sections, and its indicator figures only when it reported any."""
    document = new_document(content.header)
    _paragraphs(document, content.introduction)
    if content.task_reports:
        rows = [
            (_task_title(report.task_code, report.task_text), report.status, report.done, report.results)
            for report in content.task_reports
        ]
        table(document, TASK_HEADINGS, rows, widths_mm=TASK_WIDTHS_MM)
    _sections(document, content.sections)
    if content.target_rows:
        heading(document, "KẾT QUẢ CÁC CHỈ TIÊU")
        table(document, TARGET_HEADINGS, _target_table_rows(content.target_rows), widths_mm=TARGET_WIDTHS_MM)
    return finish_document(document, content.header)


def _paragraphs(document: DocxDocument, texts: Sequence[str]) -> None:
    for text in texts:
        if text.strip():
            paragraph(document, text)


def _sections(document: DocxDocument, sections: Sequence[Section]) -> None:
    for section in sections:
        if section.title:
            heading(document, section.title)
        _paragraphs(document, section.paragraphs)


def _target_table_rows(rows: Sequence[TargetRow]) -> list[tuple[str, ...]]:
    """The target's code, then the indicator's code leading its text ("1.a. Tỷ suất …") so a reader can
    find it in the plan."""
    return [
        (
            row.target_code,
            f"{row.indicator_code}. {row.text}" if row.indicator_code else row.text,
            row.threshold,
            row.result,
            row.status,
            row.previous,
        )
        for row in rows
    ]


def _by_task(reports: Sequence[TaskReport]) -> list[tuple[str, str, list[TaskReport]]]:
    """Groups the reports by task code, in the order the tasks first appear (the builder sorts them in
    the plan's order)."""
    groups: dict[str, tuple[str, list[TaskReport]]] = {}
    for report in reports:
        key = report.task_code or report.task_text
        if key not in groups:
            groups[key] = (report.task_text, [])
        groups[key][1].append(report)
    return [(report_list[0].task_code, text, report_list) for text, report_list in groups.values()]


def _task_title(code: str, text: str) -> str:
    return f"{code}. {text}" if code else text


def _task_line(report: TaskReport) -> str:
    done = report.done.strip().rstrip(".") or "Chưa báo cáo nội dung đã thực hiện"
    line = f"- {report.body} ({report.status}): {done}."
    if report.results.strip():
        line += f" Kết quả: {report.results.strip()}"
    return line
