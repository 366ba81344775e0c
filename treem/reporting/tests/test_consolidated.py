"""The consolidated report as a Word file (every target, every body's tasks, the decree's layout), its
draft edited then issued and frozen, who may do so, and the command that writes the same files."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.shared import Length
from openpyxl import load_workbook

from treem.accounts.models import Role
from treem.core.models import AuditAction, AuditEvent
from treem.reporting import consolidated, services
from treem.reporting.documents.docx import consolidated_docx
from treem.reporting.models import ReportingRound, ReportState, Submission, SubmissionState
from treem.reporting.services import ReportingError

from .test_report_content import BODIES_ROUND, CONSOLIDATED, accepted, keep_files_in, load_rate


@pytest.fixture(autouse=True)
def no_libreoffice(settings, tmp_path, monkeypatch):
    """Issue without LibreOffice unless a test asks for it (a conversion takes seconds); files kept in
    the test's own directory."""
    settings.TREEM_LIBREOFFICE = str(tmp_path / "no-soffice")
    keep_files_in(monkeypatch, tmp_path / "private")


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code=CONSOLIDATED)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


def _mm(length: Length | None) -> float:
    assert length is not None
    return length.mm


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_holds_every_target_every_body_and_the_decree_layout(rnd, plan, make_user):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "8.7")
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2022", "9.1")
    bodies_round = ReportingRound.objects.get(plan=plan, code=BODIES_ROUND)
    reports = [accepted(make_user, bodies_round, code) for code in ("SYT", "UBND-478")]
    content = consolidated.content_of(consolidated.report_of(rnd))

    document = Document(io.BytesIO(consolidated_docx(content)))

    section = document.sections[0]
    assert abs(_mm(section.page_width) - 210) <= 0.5 and abs(_mm(section.page_height) - 297) <= 0.5
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(_mm(m)) for m in margins] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = _all_text(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text or "Độc lập – Tự do – Hạnh phúc" in text
    assert "Thừa Thiên Huế, ngày 05 tháng 12 năm 2023" in text
    assert "UBND TỈNH THỪA THIÊN HUẾ" in text and "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI" in text
    results = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    rows = {r.cells[1].text.split(".")[0]: r for r in results.rows[1:]}
    indicators = list(plan.indicators.filter(is_active=True))
    assert len(indicators) == 23 and set(rows) == {ind.code for ind in indicators}
    met = rows["MT01-TVSS"]
    assert [c.text for c in met.cells[3:]] == ["8,7‰ trẻ đẻ sống", "Đạt", "9,1‰ trẻ đẻ sống"]
    assert all(r.cells[4].text == "Chưa có số liệu" for code, r in rows.items() if code != "MT01-TVSS")
    assert "đạt chỉ tiêu kế hoạch (dưới 9,5‰), giảm 0,4‰ so với năm 2022." in text
    for submission in reports:
        for progress in submission.progress.select_related("task"):
            assert f"- {submission.agency} (Hoàn thành): {progress.done}." in text


def test_editing_then_issuing_freezes_the_report_and_its_files(rnd, coordinator):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2022", "9.1")
    draft = consolidated.get_or_create_draft(coordinator, rnd)
    consolidated.do_edit_report(
        coordinator,
        draft,
        {"introduction": "Mở đầu đã sửa.", "sentences": {"MT01-TVSS": "Câu riêng."}},
        "125",
        None,
    )

    report = consolidated.do_issue_report(coordinator, draft)

    assert report.state == ReportState.ISSUED and report.issued_by == coordinator and report.issued_at
    assert report.pdf_note and not report.pdf  # no LibreOffice: issued all the same, without a PDF
    kept_docx, kept_xlsx = consolidated.stored(report, "docx"), consolidated.stored(report, "xlsx")
    document = Document(io.BytesIO(kept_docx))
    assert "Mở đầu đã sửa." in _all_text(document) and "Câu riêng." in _all_text(document)
    assert "Số: 125/BC-SLĐTBXH" in _all_text(document)
    assert report.source["header"]["number"] == "Số: 125/BC-SLĐTBXH"
    tvss = next(r for r in report.source["target_rows"] if r["indicator_code"] == "MT01-TVSS")
    assert tvss["previous"] == "9,1‰ trẻ đẻ sống"
    assert load_workbook(io.BytesIO(kept_xlsx)).sheetnames[0] == "Kết quả thực hiện các mục tiêu"
    with pytest.raises(ReportingError):
        consolidated.do_edit_report(coordinator, report, {"introduction": "Sửa lại."}, "126", None)
    with pytest.raises(ReportingError):
        consolidated.do_issue_report(coordinator, report)
    assert AuditEvent.objects.filter(action=AuditAction.CONSOLIDATED_EDIT).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CONSOLIDATED_ISSUE).count() == 1

    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2022", "8.0")  # the figures change after the issue

    again = consolidated.report_of(rnd)
    assert consolidated.stored(again, "docx") == kept_docx
    assert next(r for r in again.source["target_rows"] if r["indicator_code"] == "MT01-TVSS")["previous"] == (
        "9,1‰ trẻ đẻ sống"
    )


def test_issuing_the_office_round_records_its_own_submission(rnd, plan, coordinator):
    consolidated.do_issue_report(coordinator, consolidated.get_or_create_draft(coordinator, rnd))

    own = Submission.objects.get(round=rnd, agency=plan.owner)
    assert own.state == SubmissionState.ACCEPTED
    version = own.versions.get()
    assert (version.number, version.outcome) == (own.version, "accepted")
    assert version.content["issued_report"]
    assert AuditEvent.objects.filter(object_kind="submission", object_id=str(own.pk)).count() == 2


def test_the_office_submission_of_an_issued_report_is_not_reopened(rnd, plan, coordinator):
    consolidated.do_issue_report(coordinator, consolidated.get_or_create_draft(coordinator, rnd))
    own = Submission.objects.get(round=rnd, agency=plan.owner)

    with pytest.raises(ReportingError, match="đã ban hành"):
        services.do_reopen(coordinator, own, "Sửa lại")

    own.refresh_from_db()
    assert own.state == SubmissionState.ACCEPTED


def test_issuing_a_bodies_round_leaves_the_office_submission_alone(plan, coordinator):
    bodies_round = ReportingRound.objects.get(plan=plan, code=BODIES_ROUND)

    consolidated.do_issue_report(coordinator, consolidated.get_or_create_draft(coordinator, bodies_round))

    assert not Submission.objects.filter(round=bodies_round, agency=plan.owner).exists()


def test_unchanged_text_is_not_kept_so_it_follows_the_figures(rnd, coordinator):
    draft = consolidated.get_or_create_draft(coordinator, rnd)
    written = consolidated.content_of(draft)
    sentences = {r.indicator_code: r.sentence for r in written.target_rows}

    report = consolidated.do_edit_report(
        coordinator,
        draft,
        {"introduction": "\n\n".join(written.introduction), "sentences": sentences},
        "",
        None,
    )

    assert report.texts == {}


def test_an_overlong_part_is_refused(rnd, coordinator):
    draft = consolidated.get_or_create_draft(coordinator, rnd)

    with pytest.raises(ReportingError):
        consolidated.do_edit_report(coordinator, draft, {"proposals": "x" * 6000}, "", None)


@pytest.mark.parametrize(
    "role, unit, agency",
    [
        (Role.LEADER, "46", None),
        (Role.NATIONAL, None, None),
        (Role.AGENCY_REPORTER, None, "SYT"),
        (Role.DISTRICT_OFFICER, "478", "UBND-478"),
        (Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"),
    ],
)
def test_only_the_province_reviewers_edit_and_issue(rnd, coordinator, make_user, role, unit, agency):
    other = make_user(role, unit, agency)
    draft = consolidated.get_or_create_draft(coordinator, rnd)

    with pytest.raises(ReportingError):
        consolidated.get_or_create_draft(other, rnd)
    with pytest.raises(ReportingError):
        consolidated.do_edit_report(other, draft, {}, "1", None)
    with pytest.raises(ReportingError):
        consolidated.do_issue_report(other, draft)
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT and draft.number == ""


def test_the_administrator_of_the_province_may_issue(rnd, make_user):
    admin = make_user(Role.ADMIN, "46", None, is_staff=True, is_superuser=True)

    report = consolidated.do_issue_report(admin, consolidated.get_or_create_draft(admin, rnd))

    assert report.state == ReportState.ISSUED


def test_the_command_writes_the_report_and_its_annex(rnd, tmp_path):
    out, annex, pdf = tmp_path / "bao-cao.docx", tmp_path / "phu-luc.xlsx", tmp_path / "bao-cao.pdf"
    errors = io.StringIO()

    call_command(
        "consolidated_report", plan="tth-2023", round=CONSOLIDATED, out=str(out), xlsx=str(annex), pdf=str(pdf),
        stdout=io.StringIO(), stderr=errors,
    )  # fmt: skip

    document = Document(str(out))
    assert "Thừa Thiên Huế, ngày 05 tháng 12 năm 2023" in _all_text(document)
    assert load_workbook(str(annex)).sheetnames[:2] == [
        "Kết quả thực hiện các mục tiêu",
        "Theo huyện - kết quả",
    ]
    assert not pdf.exists() and "PDF" in errors.getvalue()


def test_the_command_writes_the_issued_files_of_an_issued_report(rnd, coordinator, tmp_path):
    report = consolidated.do_issue_report(coordinator, consolidated.get_or_create_draft(coordinator, rnd))
    out = tmp_path / "bao-cao.docx"

    call_command(
        "consolidated_report", plan="tth-2023", round=CONSOLIDATED, out=str(out), stdout=io.StringIO()
    )

    assert out.read_bytes() == consolidated.stored(report, "docx")


@pytest.mark.parametrize(
    "plan_code, round_code, message",
    [("khong-co", CONSOLIDATED, "Không có kế hoạch"), ("tth-2023", "M-1999", "không có đợt báo cáo")],
)
def test_the_command_names_an_unknown_plan_or_round(plan, tmp_path, plan_code, round_code, message):
    with pytest.raises(CommandError, match=message):
        call_command("consolidated_report", plan=plan_code, round=round_code, out=str(tmp_path / "x.docx"))


def test_issuing_makes_a_pdf_where_libreoffice_is_installed(rnd, coordinator, settings):
    from treem.reporting.documents.pdf import libreoffice_path

    settings.TREEM_LIBREOFFICE = None
    if libreoffice_path() is None:
        pytest.skip("LibreOffice is not installed here")

    report = consolidated.do_issue_report(coordinator, consolidated.get_or_create_draft(coordinator, rnd))

    assert (consolidated.stored(report, "pdf") or b"").startswith(b"%PDF")


def test_decimal_places_of_a_rate_follow_the_formatting_module(rnd):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "8.75")

    row = next(
        r
        for r in consolidated.content_of(consolidated.report_of(rnd)).target_rows
        if r.indicator_code == "MT01-TVSS"
    )

    assert row.result == "8,75‰ trẻ đẻ sống" and Decimal("8.75") < Decimal("9.5")
