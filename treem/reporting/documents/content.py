"""What a report document says, as plain data: the builders in `treem.reporting.report_content` fill it
from the database (already formatted through `treem.core.formatting`), the renderers (`docx`, `xlsx`,
`pdf`) lay it out. Renderers know no model and run no query, so they are tested with plain values and a
document can be rebuilt from the figures kept when a report is issued."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DocumentHeader:
    """The frame of an administrative document (Decree 30/2020/NĐ-CP, Appendix I)."""

    parent_body: str  # "UBND TỈNH THỪA THIÊN HUẾ" (the issuing body's superior), may be ""
    issuing_body: str  # "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    number: str  # "Số: 125/BC-SLĐTBXH"; "Số:       /BC-…" while a draft
    place: str  # "Thừa Thiên Huế"
    date_text: str  # "ngày 05 tháng 12 năm 2023" (core.formatting.format_long_date)
    document_type: str  # "BÁO CÁO"
    summary: str  # the trích yếu: "Kết quả triển khai Kế hoạch … năm 2023"
    signer_title: str = ""  # "GIÁM ĐỐC" (or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:" lines, e.g. "- UBND tỉnh;"


@dataclass
class TargetRow:
    """One indicator of a target in the results table."""

    target_code: str  # "1"
    indicator_code: str  # "1.a"
    text: str
    threshold: str  # "< 9,5 ‰ trẻ đẻ sống"
    result: str  # "8,7 ‰" or "—"
    status: str  # "Đạt", "Không đạt", "Chưa có số liệu"…
    previous: str  # last year's value, "—" if none
    sentence: str  # one Vietnamese sentence written from the figures


@dataclass
class TaskReport:
    """What one body reported on one task."""

    task_code: str  # "IV.3.a"
    task_text: str
    body: str  # the reporting body's name
    status: str  # "Hoàn thành", "Đang thực hiện", …
    done: str  # what was done
    results: str  # results in figures


@dataclass
class Section:
    """A titled part of the body: paragraphs of text (editable in a draft)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class AnnexTable:
    """A sheet of the Excel annex: a title, column headings and rows of text or numbers."""

    title: str
    headings: list[str]
    rows: list[list[str | float | int | None]]


@dataclass
class ReportContent:
    header: DocumentHeader
    introduction: list[str] = field(default_factory=list)
    target_rows: list[TargetRow] = field(default_factory=list)
    task_reports: list[TaskReport] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # difficulties, proposals, missing bodies…
    annex: list[AnnexTable] = field(default_factory=list)
