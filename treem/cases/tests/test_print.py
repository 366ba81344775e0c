"""Printing a recorded form as the decree's form (/ho-so/<code>/in/<record>.<docx|pdf>): the Word file holds
the frame, each field's label and value (confidential ones too) and the signature block; each print writes
exactly one "print" access event; a case outside the scope, a record of another case, a step without a
form and an unknown format are the same 404 as a missing case; the PDF needs LibreOffice."""

from __future__ import annotations

import datetime
from io import BytesIO

import docx
import pytest

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.documents.content import display, place_name
from treem.cases.documents.forms import default_form_layouts, read_form_layouts
from treem.cases.models import AccessEvent
from treem.cases.procedure import Field, default_procedure
from treem.cases.services import do_move_case, do_record_step, do_register_notification
from treem.core.errors import InputErrors
from treem.core.pdf import pdf_available
from treem.core.wordfile import MOTTO, NATIONAL_TITLE

from .conftest import CHILD_NAME, NOTES, REPORTER_NAME, SECRET, local, notification

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(case, record_id: int, fmt: str = "docx") -> str:
    return f"/ho-so/{case.code}/in/{record_id}.{fmt}"


def text_of(response) -> str:
    """Every paragraph of the Word file, in the body and its tables, one per line."""
    document = docx.Document(BytesIO(response.content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def no_libreoffice(settings, tmp_path):
    """PDF conversion off unless a test asks for it (a conversion takes seconds)."""
    settings.TREEM_LIBREOFFICE = str(tmp_path / "no-soffice")


@pytest.fixture
def case(officers, register):
    return register(officers["commune"], "19903")


@pytest.fixture
def officer(client, officers):
    sign_in_with_factor(client, officers["commune"])
    return officers["commune"]


def approved(officer, case) -> dict[str, int]:
    """The case through Form 05 (a high risk, so an emergency measure too): step → record id."""
    steps = [
        ("initial_assessment", {"assessed_at": local(2024, 4, 25, 10).isoformat(), "assessed_by": "Lê Văn Đánh",
                                "verified": True, "risk": "high"}, {"findings": "Có dấu vết bầm tím"}),
        ("emergency_measure", {"taken_at": local(2024, 4, 25, 11).isoformat(), "decided_by": "Chủ tịch xã",
                               "measures": ["safe_place"]}, {"placement": "Nhà văn hóa thôn"}),
        ("detailed_assessment", {"assessed_at": local(2024, 4, 26, 9).isoformat(), "assessed_by": "Lê Văn Đánh",
                                 "risk": "medium"}, {"needs": "Cần trợ giúp tâm lý"}),
        ("support_plan", {"prepared_at": local(2024, 4, 26, 14, 5).isoformat(), "prepared_by": "Phan Thị Lập",
                          "services": ["health_care", "psychological_support"], "review_date": "2024-06-03"},
         {"goals": "Trẻ em an toàn, đi học lại"}),
        ("plan_approval", {"decided_at": local(2024, 4, 29, 8, 30).isoformat(), "approver": "Hồ Văn Duyệt",
                           "decision": "approved", "decision_number": "12/QĐ-UBND"}, {}),
    ]  # fmt: skip
    return {code: do_record_step(officer, case, code, values, secret).pk for code, values, secret in steps}


def test_form_01_is_a_word_file_with_the_frame_the_labels_and_the_values(client, officer, case):
    record = case.records.get()

    response = client.get(url(case, record.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == f'attachment; filename="mau-01-{case.code}-{record.pk}.docx"'
    text = text_of(response)
    for expected in [
        NATIONAL_TITLE, MOTTO, "Mẫu số 01", "ỦY BAN NHÂN DÂN", "XÃ PHÚ THUẬN",
        "TIẾP NHẬN THÔNG TIN, THÔNG BÁO, TỐ GIÁC", f"Mã trường hợp: {case.code}",
        "Họ và tên trẻ em", CHILD_NAME, "Giới tính", "Nam", "Tuổi (ước tính)", "9",
        "Nguồn thông tin", "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",  # a choice as its label
        "Hành vi xâm hại, nguy cơ", "Bạo lực",
        "Thời điểm tiếp nhận", "09:00 ngày 25/04/2024",  # Asia/Ho_Chi_Minh, HH:MM and dd/mm/yyyy
        "Họ và tên người thông báo", REPORTER_NAME, "0912 345 678", NOTES,  # confidential values too
        "Phú Thuận, ngày 25 tháng 04 năm 2024", "NGƯỜI TIẾP NHẬN THÔNG TIN", "(Ký, ghi rõ họ tên)",
        "Cán bộ xã (DEMO)",  # the signer: who received the notification
    ]:  # fmt: skip
        assert expected in text, expected
    assert "violence" not in text and "hotline_111" not in text


def test_forms_02_to_05_carry_the_child_their_values_and_their_signer(client, officer, case):
    records = approved(officer, case)

    texts = {
        code: text_of(client.get(url(case, pk)))
        for code, pk in records.items()
        if code != "emergency_measure"
    }

    assert "Mẫu số 02" in texts["initial_assessment"] and "Cao" in texts["initial_assessment"]
    assert "Có dấu vết bầm tím" in texts["initial_assessment"] and "Có" in texts["initial_assessment"]
    assert (
        "Mẫu số 03" in texts["detailed_assessment"] and "Cần trợ giúp tâm lý" in texts["detailed_assessment"]
    )
    plan = texts["support_plan"]
    assert "Mẫu số 04" in plan and "Chăm sóc y tế; Trợ giúp tâm lý" in plan and "03/06/2024" in plan
    assert "14:05 ngày 26/04/2024" in plan and "NGƯỜI LẬP KẾ HOẠCH" in plan and "Phan Thị Lập" in plan
    approval = texts["plan_approval"]
    assert "Mẫu số 05" in approval and "Phê duyệt" in approval and "12/QĐ-UBND" in approval
    assert "TM. ỦY BAN NHÂN DÂN" in approval and "CHỦ TỊCH" in approval and "Hồ Văn Duyệt" in approval
    assert "ngày 29 tháng 04 năm 2024" in approval
    for text in texts.values():  # the later forms name the child at their head
        assert CHILD_NAME in text and "Họ và tên trẻ em" in text


def test_each_print_writes_exactly_one_print_event(client, officer, case):
    record = case.records.get()
    before = AccessEvent.objects.count()

    client.get(url(case, record.pk))
    client.get(url(case, record.pk))

    events = list(AccessEvent.objects.all()[:2])
    assert AccessEvent.objects.count() == before + 2
    for event in events:
        assert (event.actor, event.action, event.case_id, event.child_id) == (
            officer,
            "print",
            case.pk,
            case.child_id,
        )
        assert event.what.startswith(f"print notification docx: form 01, record {record.pk}:")
        assert (
            "reporter_name" in event.what and REPORTER_NAME not in event.what
        )  # names of fields, not values


@pytest.mark.parametrize(
    "who", ["commune_19912", "district_474", "manager_48", "leader", "coordinator", "national"]
)
def test_another_scopes_case_is_the_same_404_as_a_missing_one_and_leaves_no_event(
    client, officers, case, who, main_of
):
    sign_in_with_factor(client, officers[who])
    record = case.records.get()
    before = AccessEvent.objects.count()

    outside = client.get(url(case, record.pk))
    missing = client.get(f"/ho-so/19903-2024-9999/in/{record.pk}.docx")

    assert outside.status_code == missing.status_code == 404
    assert main_of(outside) == main_of(missing)
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize("who", ["district", "manager"])
def test_the_district_and_the_province_print_their_communes_forms(client, officers, case, who):
    sign_in_with_factor(client, officers[who])

    response = client.get(url(case, case.records.get().pk))

    assert response.status_code == 200 and CHILD_NAME in text_of(response)


def test_a_record_of_another_case_is_a_404(client, officer, case, register, main_of):
    other = register(officer, "19903")
    others_record = other.records.get()
    before = AccessEvent.objects.count()

    response = client.get(url(case, others_record.pk))

    assert response.status_code == 404
    assert main_of(response) == main_of(client.get(f"/ho-so/19903-2024-9999/in/{others_record.pk}.docx"))
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize("fmt", ["xlsx", "DOCX", "doc", "pdf.exe", ""])
def test_an_unknown_format_is_a_404(client, officer, case, fmt):
    response = client.get(f"/ho-so/{case.code}/in/{case.records.get().pk}.{fmt}")

    assert response.status_code == 404


def test_a_step_without_a_decree_form_and_a_missing_record_are_404s(client, officer, case):
    records = approved(officer, case)

    assert client.get(url(case, records["emergency_measure"])).status_code == 404
    assert client.get(url(case, 0)).status_code == 404
    assert client.get(url(case, 10**30)).status_code == 404  # beyond any id: a 404, not a 500


def test_a_form_recorded_before_the_child_moved_is_issued_by_the_commune_that_recorded_it(client, officers):
    manager = officers["manager"]
    case = do_register_notification(
        manager, commune_code="19903", values=notification(local(2024, 4, 25, 9)), secret_values=SECRET
    )
    do_move_case(manager, case, "19912")
    sign_in_with_factor(client, manager)

    text = text_of(client.get(url(case, case.records.get().pk)))

    assert "XÃ PHÚ THUẬN" in text and "Phú Thuận, ngày 25 tháng 04 năm 2024" in text


def test_anonymous_is_sent_to_sign_in(client, case):
    response = client.get(url(case, case.records.get().pk))

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_without_libreoffice_the_pdf_says_so_and_logs_nothing(client, officer, case):
    record = case.records.get()
    before = AccessEvent.objects.count()

    response = client.get(url(case, record.pk, "pdf"))

    assert response.status_code == 503
    page = response.content.decode()
    assert "LibreOffice" in page and url(case, record.pk, "docx") in page
    assert CHILD_NAME not in page
    assert AccessEvent.objects.count() == before


def test_the_pdf_is_a_pdf_when_libreoffice_is_installed(client, officer, case, settings):
    settings.TREEM_LIBREOFFICE = None
    if not pdf_available():
        pytest.skip("LibreOffice (soffice) is not installed on this machine: PDF conversion not exercised")
    settings.TREEM_PDF_TIMEOUT_SECONDS = 120
    before = AccessEvent.objects.count()

    response = client.get(url(case, case.records.get().pk, "pdf"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert AccessEvent.objects.filter(action="print").count() == AccessEvent.objects.count() - before == 1


def test_values_are_written_as_people_read_them():
    moment = Field("at", "Thời điểm", "datetime")
    day = Field("day", "Ngày", "date")
    yes = Field("yes", "Có?", "boolean")

    assert display(moment, "2024-04-25T02:07:00+00:00") == "09:07 ngày 25/04/2024"
    assert display(day, "2024-06-03") == display(day, datetime.date(2024, 6, 3)) == "03/06/2024"
    assert (display(yes, True), display(yes, False), display(yes, None)) == ("Có", "Không", "")
    assert (place_name("Xã Phú Thuận"), place_name("Phường Phú Hội"), place_name("Thị trấn Thuận An")) == (
        "Phú Thuận",
        "Phú Hội",
        "Thuận An",
    )


def test_the_shipped_forms_file_signs_and_dates_every_form_of_the_procedure():
    numbers = {step.form for step in default_procedure().steps if step.form}

    layouts = default_form_layouts()

    assert set(layouts) == numbers == {"01", "02", "03", "04", "05"}
    assert layouts["01"].signer_field == "received_by" and layouts["05"].signer_field == "approver"


def test_a_forms_file_missing_a_form_or_naming_an_unknown_field_is_refused_with_every_problem(tmp_path):
    path = tmp_path / "nd-56-2017.yaml"
    path.write_text(
        "procedure: nd-56-2017\n"
        "forms:\n"
        "  '01': {signer_title: A, signer_field: no_such_field, date_field: received_at}\n"
        "  '02': {signer_title: A, signer_field: assessed_by, date_field: assessed_at}\n"
        "  '03': {signer_title: A, signer_field: assessed_by}\n"
        "  '04': {signer_title: A, signer_field: prepared_by, date_field: prepared_at}\n"
        "  '09': {signer_title: A, signer_field: x, date_field: y}\n",
        encoding="utf-8",
    )

    with pytest.raises(InputErrors) as refused:
        read_form_layouts(path, default_procedure())

    text = "\n".join(refused.value.messages)
    assert "dòng 3" in text and "no_such_field" in text
    assert "mẫu số 03 thiếu date_field" in text
    assert "thiếu mẫu số 05" in text
    assert "không có mẫu số 09" in text
