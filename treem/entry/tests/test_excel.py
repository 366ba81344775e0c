"""The Excel round trip: the protected template, reading it back, preview (dry run) and confirm."""

from __future__ import annotations

import html as htmllib
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from treem.accounts.models import Role
from treem.core.errors import InputErrors
from treem.entry import excel
from treem.entry.models import StagedImport as PendingImport
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue
from treem.units.models import AdministrativeUnit

PAGE = "/so-lieu/SYT/2023S1/474/"
TEMPLATE = PAGE + "mau.xlsx"
UPLOAD = PAGE + "tai-len/"


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def communes_of(code: str) -> list[str]:
    return list(
        AdministrativeUnit.objects.filter(parent__code=code).order_by("path").values_list("code", flat=True)
    )


def seed(user, values: dict[tuple[str, str], int], period: str = "2023S1") -> None:
    """Store (element, unit) → value through the one write path."""
    inputs = [ValueInput(e, "default", u, period, v) for (e, u), v in values.items()]
    summary = import_values(inputs, user=user, check_outliers=False)
    assert not summary.conflicts, summary.conflicts


def stored(period: str = "2023S1") -> dict[tuple[str, str, str], Decimal]:
    rows = DataValue.objects.filter(period__code=period).values_list(
        "element__code", "combo__code", "unit__code", "value"
    )
    return {(e, c, u): v for e, c, u, v in rows}


def download(client) -> Workbook:
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.CONTENT_TYPE
    assert 'filename="so-lieu-SYT-2023S1-474.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


class Sheet:
    """Find template cells by element/combo code and unit code, as a user filling it would by eye."""

    def __init__(self, wb: Workbook):
        self.wb, self.ws = wb, wb[excel.SHEET]
        self.columns = {
            (self.ws.cell(5, c).value, self.ws.cell(6, c).value): c
            for c in range(excel.FIRST_VALUE_COLUMN, self.ws.max_column + 1)
        }
        self.rows = {self.ws.cell(r, 1).value: r for r in range(8, self.ws.max_row + 1)}

    def cell(self, element: str, unit: str, combo: str = "default"):
        return self.ws.cell(self.rows[unit], self.columns[(element, combo)])

    def where(self, element: str, unit: str, combo: str = "default") -> str:
        """The cell's place as a page shows it (HTML-escaped)."""
        c = self.cell(element, unit, combo)
        return htmllib.escape(f"Trang tính 'Số liệu', dòng {c.row}, cột {get_column_letter(c.column)}")

    def upload_file(self, name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
        out = io.BytesIO()
        self.wb.save(out)
        return SimpleUploadedFile(name, out.getvalue(), content_type=excel.CONTENT_TYPE)


def pending_id(html: str) -> int:
    return int(re.search(r'action="/so-lieu/SYT/2023S1/474/tai-len/(\d+)/xac-nhan/"', html).group(1))


def count(html: str, kind: str) -> int:
    return int(re.search(rf'data-count="{kind}">(\d+)<', html).group(1))


# --- the template ----------------------------------------------------------------------------------------


def test_template_has_hidden_code_rows_unlocked_inputs_and_existing_values(as_coordinator, coordinator):
    communes = communes_of("474")
    seed(coordinator, {("LIVE_BIRTHS", communes[0]): 321})

    wb = download(as_coordinator)

    ws = wb[excel.SHEET]
    assert wb.sheetnames[0] == "Số liệu"
    assert (
        "Sở Y tế" in ws["A1"].value
        and ws["A2"].value == "Kỳ báo cáo: 6 tháng đầu năm 2023"
        and "474" in ws["A3"].value
    )
    assert ws["A5"].value == "dataElement" and ws["A6"].value == "categoryOptionCombo"
    assert ws.row_dimensions[5].hidden and ws.row_dimensions[6].hidden
    assert not ws.row_dimensions[7].hidden and ws["A7"].value == "Mã đơn vị"
    sheet = Sheet(wb)
    assert ("LIVE_BIRTHS", "default") in sheet.columns
    assert {("CHILDREN_UNDER5", "rural"), ("CHILDREN_UNDER5", "urban")} <= set(sheet.columns)
    assert ("CHILDREN_AGED_5", "default") not in sheet.columns  # an SGDDT figure
    assert list(sheet.rows) == communes
    assert sheet.cell("LIVE_BIRTHS", communes[0]).value == 321
    assert sheet.cell("LIVE_BIRTHS", communes[1]).value is None
    # only the input cells are editable
    assert ws.protection.sheet
    assert ws.cell(8, 1).protection.locked and ws.cell(8, 2).protection.locked
    assert not sheet.cell("LIVE_BIRTHS", communes[0]).protection.locked
    assert ws["A7"].protection.locked and ws["C5"].protection.locked
    # whole numbers ≥ 0 for counts, with a Vietnamese message
    validations = ws.data_validations.dataValidation
    whole = next(dv for dv in validations if dv.type == "whole")
    assert whole.operator == "greaterThanOrEqual" and whole.formula1 == "0"
    assert whole.error == "Chỉ nhập số nguyên không âm (số đếm)." and whole.showErrorMessage
    live_births = sheet.cell("LIVE_BIRTHS", communes[0]).coordinate
    assert any(live_births in dv.sqref for dv in validations if dv.type == "whole")
    # what the file is for, hidden
    meta = wb[excel.META_SHEET]
    assert meta.sheet_state == "hidden"
    assert {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 5)} == {
        "template": excel.TEMPLATE_VERSION,
        "agency": "SYT",
        "period": "2023S1",
        "unit": "474",
    }


def test_district_officer_template_locks_nothing_it_may_enter_and_other_districts_are_refused(
    client, make_user
):
    client.force_login(make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"))

    assert client.get(TEMPLATE).status_code == 404  # another district: as if it did not exist
    response = client.get("/so-lieu/SYT/2023S1/478/mau.xlsx")
    sheet = Sheet(load_workbook(io.BytesIO(response.content)))
    assert list(sheet.rows) == communes_of("478")
    assert all(not sheet.cell("LIVE_BIRTHS", u).protection.locked for u in sheet.rows)


def test_leader_cannot_download_the_template(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))

    assert client.get(TEMPLATE).status_code == 403


# --- round trip ------------------------------------------------------------------------------------------


def test_filled_template_previews_counts_then_confirm_writes_them(as_coordinator, coordinator):
    a, b, c, d = communes_of("474")[:4]
    seed(coordinator, {("LIVE_BIRTHS", a): 100, ("LIVE_BIRTHS", b): 200, ("LIVE_BIRTHS", d): 400})
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 100  # unchanged (pre-filled)
    sheet.cell("LIVE_BIRTHS", b).value = 250  # changed
    sheet.cell("LIVE_BIRTHS", c).value = 300  # new
    sheet.cell("LIVE_BIRTHS", d).value = None  # blank: keeps 400, never deletes
    sheet.cell("NEONATAL_DEATHS", c).value = "2"  # new, typed as text
    sheet.cell("CHILDREN_UNDER5", c, "rural").value = "1.500"  # new, a count with a thousands dot

    response = as_coordinator.post(UPLOAD, {"file": sheet.upload_file("huế.xlsx")})

    assert response.status_code == 200
    html = response.content.decode()
    assert (count(html, "new"), count(html, "changed"), count(html, "unchanged"), count(html, "deleted")) == (
        3,
        1,
        1,
        0,
    )
    assert re.search(r'data-kind="changed">.*?<td class="num">200</td><td class="num">→ 250</td>', html, re.S)
    assert "Xác nhận ghi" in html
    assert stored()[("LIVE_BIRTHS", "default", b)] == Decimal(200)  # a preview writes nothing

    response = as_coordinator.post(f"{UPLOAD}{pending_id(html)}/xac-nhan/")

    assert response.status_code == 302 and response["Location"] == PAGE
    values = stored()
    assert values[("LIVE_BIRTHS", "default", a)] == Decimal(100)
    assert values[("LIVE_BIRTHS", "default", b)] == Decimal(250)
    assert values[("LIVE_BIRTHS", "default", c)] == Decimal(300)
    assert values[("LIVE_BIRTHS", "default", d)] == Decimal(400)
    assert values[("NEONATAL_DEATHS", "default", c)] == Decimal(2)
    assert values[("CHILDREN_UNDER5", "rural", c)] == Decimal(1500)
    assert len(values) == 6
    changed = DataValue.objects.get(element__code="LIVE_BIRTHS", unit__code=b, period__code="2023S1")
    assert sorted(h.value for h in changed.history.all()) == [Decimal(200), Decimal(250)]
    assert PendingImport.objects.get().applied_at is not None
    page = as_coordinator.get(PAGE).content.decode()
    assert "Đã ghi số liệu từ tệp “huế.xlsx”: 3 giá trị mới, 1 giá trị thay đổi." in page


def test_confirming_twice_applies_once(as_coordinator):
    c = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", c).value = 10
    html = as_coordinator.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()
    confirm = f"{UPLOAD}{pending_id(html)}/xac-nhan/"
    as_coordinator.post(confirm)
    DataValue.objects.filter(element__code="LIVE_BIRTHS").update(value=11)  # someone edits after

    response = as_coordinator.post(confirm, follow=True)

    assert (
        "đã được ghi lúc" in response.content.decode()
        and "không ghi lại lần nữa" in response.content.decode()
    )
    assert stored()[("LIVE_BIRTHS", "default", c)] == Decimal(11)
    assert DataValue.history.filter(history_type="+").count() == 1


def test_one_bad_cell_names_sheet_row_and_column_and_nothing_is_written(as_coordinator):
    a, b = communes_of("474")[:2]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 120
    sheet.cell("LIVE_BIRTHS", b).value = "mười"

    html = as_coordinator.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()

    assert sheet.where("LIVE_BIRTHS", b) in html
    assert "&#x27;mười&#x27; không phải là số" in html
    assert "Xác nhận ghi" not in html
    assert not PendingImport.objects.exists()
    assert not DataValue.objects.exists()


def test_a_rule_broken_in_the_file_is_a_conflict_at_its_cell(as_coordinator):
    a = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("DEATHS_UNDER1", a).value = 1
    sheet.cell("NEONATAL_DEATHS", a).value = 3

    html = as_coordinator.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()

    assert "Số trẻ sơ sinh tử vong không được lớn hơn số trẻ dưới 1 tuổi tử vong" in html
    assert sheet.where("NEONATAL_DEATHS", a) in html or sheet.where("DEATHS_UNDER1", a) in html
    assert not PendingImport.objects.exists() and not DataValue.objects.exists()


def test_confirm_checks_again_and_writes_nothing_when_a_rule_broke_since_the_preview(client, coordinator):
    client.force_login(coordinator)
    a = communes_of("474")[0]
    sheet = Sheet(download(client))
    sheet.cell("NEONATAL_DEATHS", a).value = 3
    html = client.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()
    seed(coordinator, {("DEATHS_UNDER1", a): 1})  # entered in the grid meanwhile

    response = client.post(f"{UPLOAD}{pending_id(html)}/xac-nhan/")

    assert response.status_code == 200
    assert "Số trẻ sơ sinh tử vong không được lớn hơn" in response.content.decode()
    assert ("NEONATAL_DEATHS", "default", a) not in stored()
    assert PendingImport.objects.get().applied_at is None


def test_another_users_pending_import_cannot_be_confirmed(client, make_user, as_coordinator):
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", communes_of("474")[0]).value = 10
    html = as_coordinator.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46"))

    assert client.post(f"{UPLOAD}{pending_id(html)}/xac-nhan/").status_code == 404
    assert not DataValue.objects.exists()


# --- file-level problems ---------------------------------------------------------------------------------


def upload_bytes(client, content: bytes, name: str = "so-lieu.xlsx") -> str:
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response.content.decode()


def test_a_file_that_is_not_xlsx_is_refused_in_vietnamese(as_coordinator):
    html = upload_bytes(as_coordinator, b"ma,gia tri\n19750,3\n")

    assert "không phải là tệp Excel .xlsx hợp lệ" in html
    assert not PendingImport.objects.exists()


def test_a_csv_name_is_refused_before_reading(as_coordinator):
    assert "Chỉ nhận tệp Excel .xlsx" in upload_bytes(as_coordinator, b"a,b\n", name="so-lieu.csv")


def test_an_ordinary_workbook_is_not_taken_for_the_template(as_coordinator):
    wb = Workbook()
    wb.active["A1"] = "19750"
    wb.active["B1"] = 3
    out = io.BytesIO()
    wb.save(out)

    html = upload_bytes(as_coordinator, out.getvalue())

    assert "thiếu trang tính ẩn &#x27;_meta&#x27;" in html


def test_missing_hidden_code_rows_are_reported(as_coordinator):
    sheet = Sheet(download(as_coordinator))
    sheet.ws.delete_rows(5, 2)

    html = upload_bytes(as_coordinator, sheet.upload_file().read())

    assert "không tìm thấy dòng mã chỉ số (cột A ghi &#x27;dataElement&#x27;)" in html
    assert "không tìm thấy dòng mã phân tổ" in html


def test_unknown_unit_code_in_column_a_names_its_row(as_coordinator):
    sheet = Sheet(download(as_coordinator))
    row = sheet.rows[communes_of("474")[0]]
    sheet.ws.cell(row, 1).value = "19903"  # a commune of another district
    sheet.ws.cell(row, 3).value = 5

    html = upload_bytes(as_coordinator, sheet.upload_file().read())

    assert (
        f"Trang tính &#x27;Số liệu&#x27;, dòng {row}, cột A: mã đơn vị &#x27;19903&#x27; không thuộc 474"
        in html
    )
    assert not DataValue.objects.exists()


def test_template_of_another_page_is_refused(as_coordinator):
    response = as_coordinator.get("/so-lieu/SYT/2023S2/474/mau.xlsx")

    html = upload_bytes(as_coordinator, response.content)

    assert "Tệp này là mẫu của cơ quan SYT, kỳ 2023S2, đơn vị 474, không phải của trang đang mở" in html


def test_unknown_element_code_in_the_hidden_row_names_its_column(as_coordinator):
    sheet = Sheet(download(as_coordinator))
    sheet.ws["C5"] = "KHONG_CO"

    html = upload_bytes(as_coordinator, sheet.upload_file().read())

    assert "Trang tính &#x27;Số liệu&#x27;, dòng 5, cột C: mã chỉ số &#x27;KHONG_CO&#x27; không có" in html


def test_read_workbook_gives_one_input_per_filled_cell_with_its_place(as_coordinator):
    a = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 7
    sheet.cell("CHILDREN_UNDER5", a, "urban").value = "  "  # spaces only: blank

    inputs = excel.read_workbook(sheet.upload_file(), expect=excel.TemplateMeta("SYT", "2023S1", "474"))

    where = htmllib.unescape(sheet.where("LIVE_BIRTHS", a))
    assert inputs == [ValueInput("LIVE_BIRTHS", "default", a, "2023S1", 7, where=where)]


def test_read_workbook_raises_input_errors_for_rubbish():
    with pytest.raises(InputErrors) as caught:
        excel.read_workbook(io.BytesIO(b"\x00\x01 not a zip"))

    assert caught.value.messages == [
        "Tệp tải lên không phải là tệp Excel .xlsx hợp lệ; hãy dùng mẫu tải từ trang nhập số liệu."
    ]
