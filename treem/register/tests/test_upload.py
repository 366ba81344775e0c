"""Uploading an existing commune register from Excel: refused whole with every row and column named,
hostile files refused with a message, duplicates found, confirmed once, all or nothing."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Child
from treem.entry.models import StagedImport
from treem.register import upload_apply  # noqa: F401  (registers the "register" staged import kind)
from treem.register.models import Circumstance, Support
from treem.register.services import do_add_circumstance, do_register_child
from treem.register.upload_template import COLUMNS, FIRST_ROW, SHEET, build_template
from treem.units.scope import Scope

UPLOAD = "/so-theo-doi/tai-len/"
TEMPLATE = "/so-theo-doi/tai-len/mau/"
HEADERS = [column.header for column in COLUMNS.values()]
GOOD = {
    "name": "Trần Thị Bé",
    "sex": "Nữ",
    "date_of_birth": "05/03/2015",
    "ethnicity": "Kinh",
    "commune": "19903",
    "household": "Hộ nghèo",
    "groups": "Trẻ em mồ côi cả cha và mẹ; parents_away",
    "started_on": "01/01/2022",
    "support_kind": "Trợ cấp xã hội hằng tháng",
    "amount": "1.080.000",
    "provider": "UBND xã",
    "support_from": "01/02/2022",
}


def workbook(*rows: dict, headers: list[str] | None = None) -> bytes:
    """The downloaded template filled with `rows` (column key → typed text) from its first data row."""
    book = load_workbook(io.BytesIO(build_template(Scope())))
    sheet = book[SHEET]
    for index, header in enumerate(headers or [], start=1):
        sheet.cell(3, index).value = header
    for offset, row in enumerate(rows):
        for key, value in row.items():
            cell = sheet.cell(FIRST_ROW + offset, COLUMNS[key].index)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, data: bytes, name: str = "so.xlsx"):
    return client.post(UPLOAD, {"file": _file(data, name)})


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def officer(make_user):
    return make_user(Role.COMMUNE_OFFICER, "19903")


@pytest.fixture
def client_in(client, officer):
    sign_in_with_factor(client, officer)
    return client


def staged_pk(response) -> int:
    assert response.status_code == 302, response.content.decode()[:2000]
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_template_has_the_headers_and_a_reference_sheet(client_in):
    response = client_in.get(TEMPLATE)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book[SHEET][3]][: len(HEADERS)] == HEADERS
    codes = [row[0].value for row in book["Danh mục"].iter_rows(min_row=2, min_col=19, max_col=19)]
    assert "19903" in codes and "19912" not in codes  # the officer's communes only


def test_a_bad_file_is_refused_whole_naming_each_row_and_column(client_in):
    rows = [
        GOOD,
        GOOD | {"name": "A", "ethnicity": "Người sao Hỏa"},
        GOOD | {"name": "B", "date_of_birth": "31/02/2015"},
        GOOD | {"name": "C", "commune": "19912"},
        GOOD | {"name": "D", "groups": "Nhóm không có"},
        GOOD | {"name": "E", "ended_on": "01/01/2021"},
        GOOD | {"name": "F", "amount": "một triệu"},
        GOOD | {"name": "", "commune": ""},
    ]
    before = Child.objects.count()
    response = post(client_in, workbook(*rows))
    assert response.status_code == 400
    text = response.content.decode()
    for expected in [
        "Dòng 5, cột D (Dân tộc): dân tộc &#x27;Người sao Hỏa&#x27; không có trong danh mục",
        "Dòng 6, cột C (Ngày sinh (dd/mm/yyyy)): ngày &#x27;31/02/2015&#x27; không có thật",
        "Dòng 7, cột E (Mã xã): xã",
        "nằm ngoài phạm vi của bạn",
        "Dòng 8, cột H (Nhóm hoàn cảnh): nhóm hoàn cảnh &#x27;Nhóm không có&#x27; không có trong danh mục",
        "Dòng 9, cột J (Đến ngày): ngày kết thúc trước ngày bắt đầu",
        "Dòng 10, cột L (Số tiền (đồng)): số tiền không phải là số",
        "Dòng 11, cột A (Họ và tên): thiếu họ và tên",
        "Dòng 11, cột E (Mã xã): thiếu mã xã",
    ]:
        assert expected in text
    assert "Dòng 4," not in text  # the good row has no error
    assert (
        text.index("Dòng 5,")
        < text.index("Dòng 6,")
        < text.index("Dòng 11, cột A")
        < text.index("Dòng 11, cột E")
    )
    assert not StagedImport.objects.filter(kind="register").exists()
    assert Child.objects.count() == before


def test_a_wrong_header_row_is_refused(client_in):
    response = post(client_in, workbook(GOOD, headers=["Tên", "Giới tính"]))
    assert response.status_code == 400
    assert (
        "Dòng 3, cột A: tiêu đề là &#x27;Tên&#x27;, mẫu cần &#x27;Họ và tên&#x27;"
        in response.content.decode()
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_hostile_files_are_refused_with_a_message(client_in, settings):
    cases = [
        (b"not a zip at all", "không phải là tệp Excel .xlsx hợp lệ"),
        (_zip({"xl/workbook.xml": b"0" * 3_000_000}), "Tệp quá lớn khi giải nén"),  # a 3 MB part in 3 KB
        (_zip({f"part{i}": b"" for i in range(300)}), "nhiều bất thường"),
        (_zip({"hello.txt": b"hi"}), "thiếu phần"),
    ]
    settings.TREEM_MAX_XML_SMALL_PART_BYTES = 1_000_000
    for data, message in cases:
        response = post(client_in, data)
        assert response.status_code == 400
        assert message in response.content.decode(), message
    response = post(client_in, b"x", name="so.csv")
    assert "Chỉ nhận tệp Excel .xlsx" in response.content.decode()
    assert not StagedImport.objects.filter(kind="register").exists()


def test_too_many_rows_a_huge_sheet_and_a_long_cell_are_refused(client_in, settings):
    settings.TREEM_MAX_REGISTER_UPLOAD_ROWS = 3
    response = post(client_in, workbook(*[GOOD | {"name": f"Bé {i}"} for i in range(5)]))
    assert "Tệp có hơn 3 dòng dữ liệu" in response.content.decode()
    settings.TREEM_MAX_REGISTER_UPLOAD_ROWS = 5000
    response = post(client_in, workbook(GOOD | {"name": "x" * 300}))
    assert "Dòng 4, cột A (Họ và tên): ô dài 300 ký tự, tối đa 200" in response.content.decode()
    settings.TREEM_MAX_XML_PART_BYTES = 20_000
    response = post(client_in, workbook(*[GOOD | {"name": f"Bé {i}"} for i in range(200)]))
    assert "Tệp quá lớn khi giải nén" in response.content.decode()
    settings.TREEM_MAX_UPLOAD_BYTES = 1_000
    response = post(client_in, workbook(GOOD))
    assert "Tệp quá lớn (tối đa" in response.content.decode()
    assert not StagedImport.objects.filter(kind="register").exists()


def test_confirm_creates_children_circumstances_and_supports_once(client_in, officer):
    other = GOOD | {
        "name": "Lê Văn Cường",
        "date_of_birth": datetime.datetime(2012, 10, 10),  # a date cell, as Excel stores a typed date
        "groups": "",
        "started_on": "",
        "amount": 500000,
    }
    pk = staged_pk(post(client_in, workbook(GOOD, other)))
    preview = client_in.get(reverse("register:upload-preview", args=[pk]))
    assert preview.status_code == 200 and "Trần Thị Bé" in preview.content.decode()
    before = Child.objects.count()
    response = client_in.post(reverse("register:upload-preview", args=[pk]))
    assert response.status_code == 302
    assert Child.objects.count() == before + 2
    child = Child.objects.get(name_index=Child.objects.order_by("-pk")[1].name_index)
    assert (child.sex, child.ethnicity, child.household) == ("female", "01", "poor")
    assert child.date_of_birth == datetime.date(2015, 3, 5)
    assert sorted(child.circumstances.values_list("group", flat=True)) == ["orphan_both", "parents_away"]
    support = Support.objects.get(child=child)
    assert (support.kind, support.amount, support.provider) == (
        "social_assistance",
        Decimal(1080000),
        "UBND xã",
    )
    again = client_in.post(reverse("register:upload-preview", args=[pk]))
    assert again.status_code == 302
    assert Child.objects.count() == before + 2
    assert Support.objects.filter(child__commune__code="19903").count() == 2
    second = Child.objects.order_by("-pk")[0]
    assert second.date_of_birth == datetime.date(2012, 10, 10) and not second.circumstances.exists()
    assert second.supports.get().amount == 500000


def test_the_staged_payload_holds_no_name_in_clear(client_in):
    pk = staged_pk(post(client_in, workbook(GOOD)))
    text = json.dumps(StagedImport.objects.get(pk=pk).payload, ensure_ascii=False)
    assert "Trần Thị Bé" not in text and "tran thi be" not in text.lower() and "2015-03-05" not in text


def test_duplicates_against_registered_children_and_within_the_file(client_in, officer):
    known = do_register_child(
        officer, commune_code="19903", name="Nguyễn Văn An", date_of_birth=datetime.date(2015, 3, 2)
    )
    do_add_circumstance(officer, known, group="orphan_both", started_on=datetime.date(2022, 1, 1))
    row = GOOD | {"name": "nguyen van an", "date_of_birth": "02/03/2015", "household": ""}
    repeated = row | {
        "groups": "",
        "started_on": "",
        "support_kind": "Thẻ bảo hiểm y tế",
        "amount": "",
        "support_from": "01/03/2023",
    }
    pk = staged_pk(post(client_in, workbook(row, repeated, GOOD)))
    preview = client_in.get(reverse("register:upload-preview", args=[pk])).content.decode()
    assert 'data-duplicate-row="4"' in preview and f"#{known.pk}" in preview
    assert 'data-duplicate-row="5"' in preview and "Cùng trẻ em với dòng 4" in preview
    assert 'data-new-row="6"' in preview
    assert AccessEvent.objects.filter(child_id=known.pk, what__contains="upload").exists()
    before = Child.objects.count()
    client_in.post(reverse("register:upload-preview", args=[pk]))
    assert Child.objects.count() == before + 1  # only row 6: rows 4 and 5 are the known child
    known.refresh_from_db()
    assert known.sex == "female" and known.ethnicity == "01"  # blanks filled in
    assert sorted(known.circumstances.values_list("group", flat=True)) == ["orphan_both", "parents_away"]
    assert sorted(known.supports.values_list("kind", flat=True)) == ["health_insurance", "social_assistance"]


def test_a_duplicate_row_may_create_a_new_child(client_in, officer):
    known = do_register_child(
        officer, commune_code="19903", name="Trần Thị Bé", date_of_birth=datetime.date(2015, 3, 5)
    )
    pk = staged_pk(post(client_in, workbook(GOOD)))
    before = Child.objects.count()
    client_in.post(reverse("register:upload-preview", args=[pk]), {"row-4": "new"})
    assert Child.objects.count() == before + 1
    assert not Circumstance.objects.filter(child=known).exists()


def test_an_overlapping_circumstance_refuses_the_whole_confirmation(client_in, officer):
    known = do_register_child(
        officer, commune_code="19903", name="Trần Thị Bé", date_of_birth=datetime.date(2015, 3, 5)
    )
    do_add_circumstance(officer, known, group="parents_away", started_on=datetime.date(2021, 6, 1))
    other = GOOD | {"name": "Lê Văn Cường"}
    pk = staged_pk(post(client_in, workbook(other, GOOD)))
    before = (Child.objects.count(), Circumstance.objects.count())
    response = client_in.post(reverse("register:upload-preview", args=[pk]))
    assert response.status_code == 409
    assert "Dòng 5:" in response.content.decode()
    assert (Child.objects.count(), Circumstance.objects.count()) == before
    assert StagedImport.objects.get(pk=pk).applied_at is None


def test_another_users_staged_upload_is_a_404(client_in, client, make_user):
    pk = staged_pk(post(client_in, workbook(GOOD)))
    colleague = make_user(Role.COMMUNE_OFFICER, "19903")
    sign_in_with_factor(client, colleague)
    assert client.get(reverse("register:upload-preview", args=[pk])).status_code == 404
    assert client.post(reverse("register:upload-preview", args=[pk])).status_code == 404
    assert client.get(reverse("register:upload-preview", args=[pk + 1000])).status_code == 404
    assert StagedImport.objects.get(pk=pk).applied_at is None


def test_roles_without_a_case_scope_get_a_404_and_officers_need_the_second_factor(client, make_user, officer):
    sign_in_with_factor(client, make_user(Role.LEADER, "46"))
    assert client.get(UPLOAD).status_code == 404
    assert client.get(TEMPLATE).status_code == 404
    client.force_login(officer)
    assert client.get(UPLOAD).status_code == 302
