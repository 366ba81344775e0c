"""The document renderers, fed plain values (no database): the Decree 30 frame of the Word files, the
figures of the Excel annex, and the PDF conversion with and without LibreOffice."""

from __future__ import annotations

import stat
import time
from io import BytesIO

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.shared import Length
from openpyxl import load_workbook

from treem.reporting.documents.content import (
    AnnexTable,
    DocumentHeader,
    ReportContent,
    Section,
    TargetRow,
    TaskReport,
)
from treem.reporting.documents.decree30 import MOTTO, NATIONAL_TITLE
from treem.reporting.documents.docx import consolidated_docx, submission_docx
from treem.reporting.documents.pdf import (
    PdfError,
    PdfFailed,
    PdfUnavailable,
    docx_to_pdf,
    libreoffice_path,
    pdf_available,
)
from treem.reporting.documents.xlsx import annex_xlsx, sheet_title


def _content(**overrides: object) -> ReportContent:
    header = DocumentHeader(
        parent_body="UBND tỉnh Thừa Thiên Huế",
        issuing_body="Sở Lao động – Thương binh và Xã hội",
        number="Số: 125/BC-SLĐTBXH",
        place="Thừa Thiên Huế",
        date_text="ngày 05 tháng 12 năm 2023",
        document_type="BÁO CÁO",
        summary="Kết quả triển khai Kế hoạch bảo vệ, chăm sóc trẻ em năm 2023",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Thị Hương",
        recipients=["- UBND tỉnh;", "- Bộ Lao động – Thương binh và Xã hội;", "- Lưu: VT, BVCSTE."],
    )
    values: dict[str, object] = {
        "header": header,
        "introduction": [
            "Thực hiện Kế hoạch số 12/KH-UBND ngày 15/01/2023 của UBND tỉnh, Sở báo cáo như sau:"
        ],
        "target_rows": [
            TargetRow(
                target_code="1",
                indicator_code="1.a",
                text="Tỷ suất tử vong trẻ em dưới 1 tuổi",
                threshold="< 9,5 ‰ trẻ đẻ sống",
                result="8,7 ‰",
                status="Đạt",
                previous="9,1 ‰",
                sentence="Tỷ suất tử vong trẻ em dưới 1 tuổi là 8,7 ‰, đạt chỉ tiêu kế hoạch.",
            ),
            TargetRow(
                target_code="2",
                indicator_code="2.b",
                text="Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp",
                threshold="≥ 90 %",
                result="—",
                status="Chưa có số liệu",
                previous="—",
                sentence="Chưa có số liệu về tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp.",
            ),
        ],
        "task_reports": [
            TaskReport(
                task_code="IV.3.a",
                task_text="Tuyên truyền về quyền trẻ em",
                body="Sở Văn hóa và Thể thao",
                status="Hoàn thành",
                done="Tổ chức 12 buổi truyền thông ở cơ sở",
                results="1.250 lượt người tham dự",
            ),
            TaskReport(
                task_code="IV.3.a",
                task_text="Tuyên truyền về quyền trẻ em",
                body="Đài Phát thanh và Truyền hình tỉnh",
                status="Đang thực hiện",
                done="Phát sóng chuyên mục Vì trẻ em hằng tháng",
                results="24 chương trình",
            ),
            TaskReport(
                task_code="IV.5",
                task_text="Phòng, chống đuối nước trẻ em",
                body="Sở Giáo dục và Đào tạo",
                status="Hoàn thành",
                done="Dạy bơi an toàn cho học sinh tiểu học",
                results="3.400 học sinh biết bơi",
            ),
        ],
        "sections": [
            Section(
                title="III. KHÓ KHĂN, VƯỚNG MẮC",
                paragraphs=["Nguồn lực dành cho công tác bảo vệ trẻ em ở cấp xã còn hạn chế."],
            ),
            Section(title="IV. ĐỀ XUẤT, KIẾN NGHỊ", paragraphs=["Đề nghị bổ sung kinh phí năm 2024."]),
        ],
        "annex": [
            AnnexTable(
                title="Phụ lục 1: Số liệu trẻ em / năm 2023 [chính thức]",
                headings=["Đơn vị", "Số trẻ em", "Tỷ lệ (%)", "Ghi chú"],
                rows=[
                    ["Thành phố Huế", 102345, 12.5, "=SUM(A1:A2)"],
                    ["Huyện A Lưới", 15000, 7.25, None],
                ],
            ),
            AnnexTable(
                title="Phụ lục 1: Số liệu trẻ em / năm 2023 [chính thức]",
                headings=["Đơn vị", "Số vụ"],
                rows=[["Thị xã Hương Trà", 3]],
            ),
        ],
    }
    values.update(overrides)
    return ReportContent(**values)  # type: ignore[arg-type]


def _open(data: bytes) -> DocxDocument:
    return docx.Document(BytesIO(data))


def _all_text(document: DocxDocument) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _table_texts(document: DocxDocument) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _mm(length: Length | None) -> float:
    assert length is not None
    return length.mm


@pytest.fixture(scope="module")
def consolidated() -> DocxDocument:
    return _open(consolidated_docx(_content()))


def test_page_is_a4_with_decree30_margins(consolidated: DocxDocument) -> None:
    section = consolidated.sections[0]
    for actual, expected in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 20),
        (section.bottom_margin, 20),
        (section.left_margin, 30),
        (section.right_margin, 15),
    ):
        assert abs(_mm(actual) - expected) <= 0.5


def test_normal_style_is_times_new_roman_for_every_script(consolidated: DocxDocument) -> None:
    normal = consolidated.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size is not None and 13 <= normal.font.size.pt <= 14
    fonts = normal.element.rPr.rFonts
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{script}") == (
            "Times New Roman"
        )


def test_header_has_bodies_number_national_title_motto_and_place_date(consolidated: DocxDocument) -> None:
    header = consolidated.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert "UBND TỈNH THỪA THIÊN HUẾ" in left.text
    issuing = next(p for p in left.paragraphs if p.text == "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI")
    assert all(run.bold for run in issuing.runs)
    assert any(p.text == "Số: 125/BC-SLĐTBXH" for p in left.paragraphs)
    national = next(p for p in right.paragraphs if p.text == NATIONAL_TITLE)
    assert all(run.bold for run in national.runs)
    assert any(p.text == MOTTO for p in right.paragraphs)
    place_date = next(p for p in right.paragraphs if p.text.startswith("Thừa Thiên Huế, "))
    assert place_date.text == "Thừa Thiên Huế, ngày 05 tháng 12 năm 2023"
    assert place_date.runs and all(run.italic for run in place_date.runs)


def test_title_summary_and_body(consolidated: DocxDocument) -> None:
    texts = [p.text for p in consolidated.paragraphs]
    title = next(p for p in consolidated.paragraphs if p.text == "BÁO CÁO")
    assert all(run.bold for run in title.runs)
    assert "Kết quả triển khai Kế hoạch bảo vệ, chăm sóc trẻ em năm 2023" in texts
    assert texts.index("BÁO CÁO") < texts.index("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU")
    assert texts.index("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU") < texts.index("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    assert "III. KHÓ KHĂN, VƯỚNG MẮC" in texts
    assert "Đề nghị bổ sung kinh phí năm 2024." in texts
    intro = next(p for p in consolidated.paragraphs if p.text.startswith("Thực hiện Kế hoạch"))
    assert intro.paragraph_format.first_line_indent is not None
    assert abs(intro.paragraph_format.first_line_indent.cm - 1) < 0.01


def test_targets_table_and_sentences(consolidated: DocxDocument) -> None:
    tables = _table_texts(consolidated)
    targets = next(t for t in tables if t[0][:1] == ["Mục tiêu"])
    assert targets[0] == ["Mục tiêu", "Chỉ tiêu", "Kế hoạch", "Kết quả", "Đánh giá", "Cùng kỳ năm trước"]
    body = "\n".join("|".join(row) for row in targets[1:])
    for row in _content().target_rows:
        assert row.indicator_code in body and row.result in body and row.status in body
        assert row.threshold in body and row.previous in body
    texts = [p.text for p in consolidated.paragraphs]
    for row in _content().target_rows:
        assert row.sentence in texts


def test_task_reports_grouped_by_task(consolidated: DocxDocument) -> None:
    texts = [p.text for p in consolidated.paragraphs]
    assert texts.count("IV.3.a. Tuyên truyền về quyền trẻ em") == 1
    assert (
        "- Sở Văn hóa và Thể thao (Hoàn thành): Tổ chức 12 buổi truyền thông ở cơ sở. "
        "Kết quả: 1.250 lượt người tham dự"
    ) in texts
    text = "\n".join(texts)
    for report in _content().task_reports:
        assert report.body in text and report.task_text in text and report.done in text
    first_task = texts.index("IV.3.a. Tuyên truyền về quyền trẻ em")
    assert texts.index("IV.5. Phòng, chống đuối nước trẻ em") > first_task


def test_recipients_and_signature(consolidated: DocxDocument) -> None:
    block = consolidated.tables[-1]
    left, right = block.cell(0, 0), block.cell(0, 1)
    places = left.paragraphs[0]
    assert places.text == "Nơi nhận:"
    assert all(run.bold and run.italic for run in places.runs)
    assert places.runs[0].font.size is not None and places.runs[0].font.size.pt == 12
    lines = [p.text for p in left.paragraphs[1:]]
    assert lines == ["- UBND tỉnh;", "- Bộ Lao động – Thương binh và Xã hội;", "- Lưu: VT, BVCSTE."]
    assert all(
        run.font.size is not None and run.font.size.pt == 11 for p in left.paragraphs[1:] for run in p.runs
    )
    signer = [p.text for p in right.paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Hương"]
    name = next(p for p in right.paragraphs if p.text == "Nguyễn Thị Hương")
    assert all(run.bold for run in name.runs)


def test_submission_lists_its_tasks_and_omits_an_empty_targets_table() -> None:
    document = _open(submission_docx(_content(target_rows=[])))
    tables = _table_texts(document)
    tasks = next(t for t in tables if t[0][:1] == ["Nhiệm vụ"])
    assert tasks[0] == ["Nhiệm vụ", "Tình trạng", "Đã thực hiện", "Kết quả"]
    assert [
        "IV.5. Phòng, chống đuối nước trẻ em",
        "Hoàn thành",
        "Dạy bơi an toàn cho học sinh tiểu học",
        "3.400 học sinh biết bơi",
    ] in tasks
    assert not any(t[0][:1] == ["Mục tiêu"] for t in tables)
    assert "Nguyễn Thị Hương" in _all_text(document)
    with_targets = _table_texts(_open(submission_docx(_content())))
    assert any(t[0][:1] == ["Mục tiêu"] for t in with_targets)


def test_empty_content_still_renders_the_frame() -> None:
    header = _content().header
    header.parent_body = ""
    header.recipients = []
    document = _open(consolidated_docx(ReportContent(header=header)))
    text = _all_text(document)
    assert NATIONAL_TITLE in text and "BÁO CÁO" in text and "Nơi nhận:" in text


def test_control_characters_pasted_into_text_are_dropped() -> None:
    content = _content(sections=[Section(title="V. KHÁC", paragraphs=["Dòng\x0bthứ\x00 hai\x0c."])])
    document = _open(consolidated_docx(content))
    assert "Dòngthứ hai." in [p.text for p in document.paragraphs]


def test_annex_has_a_sheet_per_table_with_numbers_as_numbers() -> None:
    workbook = load_workbook(BytesIO(annex_xlsx(_content())))
    assert workbook.sheetnames == ["Phụ lục 1 Số liệu trẻ em  năm 2", "Phụ lục 1 Số liệu trẻ em  n (2)"]
    first = workbook.worksheets[0]
    assert first["A1"].value == "Phụ lục 1: Số liệu trẻ em / năm 2023 [chính thức]"
    assert "A1:D1" in [str(merged) for merged in first.merged_cells.ranges]
    assert [cell.value for cell in first[2]] == ["Đơn vị", "Số trẻ em", "Tỷ lệ (%)", "Ghi chú"]
    assert first["A2"].font.bold and first["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    assert first.freeze_panes == "A3"
    assert first["A3"].value == "Thành phố Huế"
    assert first["B3"].value == 102345 and first["B3"].data_type == "n"
    assert first["C4"].value == 7.25 and first["C4"].number_format == "#,##0.##"
    assert first["D3"].value == "=SUM(A1:A2)" and first["D3"].data_type == "s"  # text, not a formula
    assert first["D4"].value is None
    assert workbook.worksheets[1]["B3"].value == 3


def test_annex_without_tables_uses_the_target_rows() -> None:
    workbook = load_workbook(BytesIO(annex_xlsx(_content(annex=[]))))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0][:2] == ["1", "1.a"] and "8,7 ‰" in values[0] and "Đạt" in values[0]
    assert "Chưa có số liệu" in values[1]


def test_sheet_titles_are_valid_and_unique() -> None:
    used: set[str] = set()
    names = []
    for title in ["a/b", "A/B", "x" * 40, "x" * 40, "[]:*?", ""]:
        name = sheet_title(title, used)
        used.add(name.casefold())
        names.append(name)
    assert names[:2] == ["ab", "AB (2)"]
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)


def test_missing_libreoffice_raises_pdf_unavailable(settings, tmp_path) -> None:
    settings.TREEM_LIBREOFFICE = str(tmp_path / "no-such-soffice")
    assert libreoffice_path() is None
    assert not pdf_available()
    with pytest.raises(PdfUnavailable) as raised:
        docx_to_pdf(b"not used")
    assert "LibreOffice" in str(raised.value)
    assert isinstance(raised.value, PdfError)


def test_a_slow_libreoffice_is_killed_at_the_time_limit(settings, tmp_path) -> None:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    settings.TREEM_LIBREOFFICE = str(script)
    started = time.monotonic()
    with pytest.raises(PdfFailed):
        docx_to_pdf(b"not used", timeout=1)
    assert time.monotonic() - started < 10


def test_a_failing_libreoffice_raises_pdf_failed(settings, tmp_path) -> None:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    settings.TREEM_LIBREOFFICE = str(script)
    with pytest.raises(PdfFailed, match="3"):
        docx_to_pdf(b"not used", timeout=5)


def test_docx_converts_to_pdf_when_libreoffice_is_installed(settings) -> None:
    settings.TREEM_LIBREOFFICE = None
    if not pdf_available():
        pytest.skip("LibreOffice (soffice) is not installed on this machine: PDF conversion not exercised")
    pdf = docx_to_pdf(consolidated_docx(_content()), timeout=120)
    assert pdf.startswith(b"%PDF")
