"""The consolidated report's pages: the draft shown and edited by the coordinator, read by leaders, issued
with a confirmation, downloads (live for a draft, kept files once issued), the PDF page without
LibreOffice, and a body's own submission as a Word file."""

from __future__ import annotations

import io

import pytest
from docx import Document

from treem.accounts.models import Role
from treem.reporting import consolidated
from treem.reporting.models import ConsolidatedReport, ReportingRound, ReportState

from .test_report_content import BODIES_ROUND, CONSOLIDATED, accepted, keep_files_in, load_rate

PAGE = f"/bao-cao/tth-2023/{CONSOLIDATED}/tong-hop/"


@pytest.fixture(autouse=True)
def no_libreoffice(settings, tmp_path, monkeypatch):
    settings.TREEM_LIBREOFFICE = str(tmp_path / "no-soffice")
    keep_files_in(monkeypatch, tmp_path / "private")


@pytest.fixture
def signed_in(client, make_user):
    def sign_in(role: str, unit: str | None = None, agency: str | None = None, **extra):
        user = make_user(role, unit, agency, **extra)
        client.force_login(user)
        return user

    return sign_in


def _text(response) -> str:
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_coordinator_sees_an_editable_draft_with_every_indicator(client, signed_in):
    signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="sentence-') == 23
    assert 'name="introduction"' in html and "data-confirm=" in html
    assert "- Sở Y tế" in html.split('id="missing-bodies"')[1]  # nobody has reported yet


def test_saving_the_draft_keeps_the_edits(client, signed_in):
    signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    response = client.post(
        PAGE,
        {
            "number": "125",
            "report_date": "06/12/2023",
            "introduction": "Mở đầu riêng.",
            "sentence-MT01-TVSS": "Câu.",
        },
    )

    assert response.status_code == 302
    report = ConsolidatedReport.objects.get(round__code=CONSOLIDATED)
    assert report.number == "125" and report.report_date.isoformat() == "2023-12-06"
    assert report.texts == {"introduction": "Mở đầu riêng.", "sentences": {"MT01-TVSS": "Câu."}}
    text = _text(client.get(PAGE + "bao-cao.docx"))
    assert "Số: 125/BC-SLĐTBXH" in text and "ngày 06 tháng 12 năm 2023" in text and "Mở đầu riêng." in text


@pytest.mark.parametrize("value", ["31/02/2023", "ngày mai", "2023-13-01"])
def test_a_wrong_date_is_a_message_not_an_error(client, signed_in, value):
    signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    response = client.post(PAGE, {"report_date": value}, follow=True)

    assert response.status_code == 200
    assert "ngày/tháng/năm" in response.content.decode()
    assert not ConsolidatedReport.objects.filter(round__code=CONSOLIDATED).exists()


def test_a_leader_reads_the_draft_without_forms(client, signed_in):
    signed_in(Role.LEADER, "46")

    response = client.get(PAGE)

    assert response.status_code == 200
    assert 'name="sentence-' not in response.content.decode()
    assert client.post(PAGE, {"number": "1"}).status_code == 404
    assert client.post(PAGE + "ban-hanh/").status_code == 404


def test_issuing_through_the_page_freezes_it_and_downloads_serve_the_kept_files(client, signed_in, plan):
    signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    response = client.post(PAGE + "ban-hanh/", follow=True)

    html = response.content.decode()
    assert response.status_code == 200 and "Đã ban hành báo cáo tổng hợp." in html and "LibreOffice" in html
    assert 'name="sentence-' not in html and html.count("data-indicator=") == 23  # the kept figures
    report = ConsolidatedReport.objects.get(round__code=CONSOLIDATED)
    assert report.state == ReportState.ISSUED
    kept = consolidated.stored(report, "docx")
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "8.7")  # the figures change after the issue
    assert client.get(PAGE + "bao-cao.docx").content == kept
    assert client.get(PAGE + "bao-cao.xlsx").content == consolidated.stored(report, "xlsx")
    again = client.post(PAGE + "ban-hanh/", follow=True)
    assert "không sửa hay ban hành lại được" in again.content.decode()


def test_downloads_are_attachments_with_ascii_and_utf8_names(client, signed_in):
    signed_in(Role.NATIONAL)

    response = client.get(PAGE + "bao-cao.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-tong-hop-tth-2023-{CONSOLIDATED}.xlsx"; '
        f"filename*=UTF-8''bao-cao-tong-hop-tth-2023-{CONSOLIDATED}.xlsx"
    )


def test_the_pdf_without_libreoffice_is_a_clear_page(client, signed_in):
    signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    response = client.get(PAGE + "bao-cao.pdf")

    assert response.status_code == 503
    assert 'id="no-pdf"' in response.content.decode() and "bao-cao.docx" in response.content.decode()


def test_a_body_downloads_its_own_submission(client, signed_in, make_user, plan):
    submission = accepted(make_user, ReportingRound.objects.get(plan=plan, code=BODIES_ROUND), "SYT")
    signed_in(Role.AGENCY_REPORTER, None, "SYT")

    response = client.get(f"/bao-cao/tth-2023/{BODIES_ROUND}/SYT/bao-cao.docx")

    assert response.status_code == 200
    assert f'filename="Bao-cao-{BODIES_ROUND}-So-Y-te.docx"' in response["Content-Disposition"]
    text = _text(response)
    assert "SỞ Y TẾ" in text and "Số:" in text
    for progress in submission.progress.select_related("task"):
        assert progress.done in text


def test_another_body_and_a_missing_submission_are_the_same_404(client, signed_in, make_user, plan, main_of):
    accepted(make_user, ReportingRound.objects.get(plan=plan, code=BODIES_ROUND), "SYT")
    signed_in(Role.DISTRICT_OFFICER, "478", "UBND-478")

    other = client.get(f"/bao-cao/tth-2023/{BODIES_ROUND}/SYT/bao-cao.docx")
    none_yet = client.get(f"/bao-cao/tth-2023/{BODIES_ROUND}/UBND-478/bao-cao.docx")
    missing = client.get(f"/bao-cao/tth-2023/{BODIES_ROUND}/KHONG-CO/bao-cao.docx")

    assert other.status_code == none_yet.status_code == missing.status_code == 404
    assert main_of(other) == main_of(missing)


@pytest.mark.parametrize(
    "role, unit, agency",
    [
        (Role.AGENCY_REPORTER, None, "SYT"),
        (Role.DISTRICT_OFFICER, "478", "UBND-478"),
        (Role.COMMUNE_OFFICER, "19903", None),
        (Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"),
    ],
)
def test_who_does_not_read_the_report_gets_the_404_of_a_missing_round(
    client, signed_in, main_of, role, unit, agency
):
    signed_in(role, unit, agency)

    page = client.get(PAGE)
    missing = client.get("/bao-cao/tth-2023/M-1999/tong-hop/")

    assert page.status_code == missing.status_code == 404
    assert main_of(page) == main_of(missing)
    assert client.get(PAGE + "bao-cao.docx").status_code == 404
