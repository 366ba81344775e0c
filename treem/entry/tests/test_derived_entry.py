"""Derived elements on the entry grid and in the Excel round trip: for the periods they are computed in
(from `derived_since`), their cells are shown, not typed; a value posted or uploaded anyway is refused
with the engine's message (indicators.resolver.derived_refusal), and nothing is written.

SPECIAL_CIRCUMSTANCES (supplied by SLDTBXH) is derived from 01/01/2026; CHILDREN_TOTAL is typed.
"""

from __future__ import annotations

import datetime
import html as htmllib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from treem.accounts import policy
from treem.entry import excel
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataElement, DataValue
from treem.units.models import AdministrativeUnit

SINCE = datetime.date(2026, 1, 1)
REFUSAL = "được tính tự động từ sổ theo dõi trẻ em và hồ sơ trường hợp cho các kỳ từ ngày 01/01/2026"


@pytest.fixture
def commune(plan) -> str:
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances", derived_since=SINCE
    )
    code = (
        AdministrativeUnit.objects.filter(parent__code="474")
        .order_by("code")
        .values_list("code", flat=True)[0]
    )
    summary = import_values(
        [ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", 7)],
        user=None,
        scope=policy.EntryScope(True),
        check_outliers=False,
        derivation=True,
    )
    assert not summary.conflicts
    return code


def page(period: str, unit: str) -> str:
    return f"/so-lieu/SLDTBXH/{period}/{unit}/"


def cell_html(html: str, element: str) -> str:
    match = re.search(rf'<td class="cell[^"]*" data-cell="{element}\.default"[^>]*>.*?</td>', html, re.S)
    assert match, f"no cell {element}"
    return match.group(0)


def stored(unit: str, period: str) -> dict[str, int]:
    rows = DataValue.objects.filter(unit__code=unit, period__code=period).values_list(
        "element__code", "value"
    )
    return {code: int(value) for code, value in rows}


def test_derived_cell_is_read_only_with_its_explanation_in_a_derived_period(as_coordinator, commune):
    html = as_coordinator.get(page("2026S1", commune)).content.decode()
    derived = cell_html(html, "SPECIAL_CIRCUMSTANCES")
    assert "<input" not in derived and 'data-derived="1"' in derived
    assert ">7<" in derived and "Tự động từ hồ sơ" in derived
    assert "<input" in cell_html(html, "CHILDREN_TOTAL")  # a typed figure stays an input
    note = re.search(r'<div class="card" id="derived-elements".*?</div>', html, re.S).group(0)
    assert "SPECIAL_CIRCUMSTANCES" in note and "01/01/2026" in note and "không nhập tay" in note


def test_same_element_is_typed_as_usual_before_derived_since(as_coordinator, commune):
    html = as_coordinator.get(page("2025S2", commune)).content.decode()
    assert "<input" in cell_html(html, "SPECIAL_CIRCUMSTANCES")
    assert 'id="derived-elements"' not in html


def test_typed_value_posted_for_a_derived_cell_is_refused_with_the_engines_message(as_coordinator, commune):
    url = f"{page('2026S1', commune)}o/{commune}/SPECIAL_CIRCUMSTANCES/default/"
    response = as_coordinator.post(url, {"value": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and REFUSAL in html and "hãy cập nhật hồ sơ" in html
    assert "<input" not in html and ">7<" in html  # still the computed value, read-only
    assert stored(commune, "2026S1")["SPECIAL_CIRCUMSTANCES"] == 7


def test_excel_template_locks_derived_cells_grey_with_a_note(as_coordinator, commune):
    response = as_coordinator.get(page("2026S1", commune) + "mau.xlsx")
    ws = load_workbook(io.BytesIO(response.content))[excel.SHEET]
    columns = {ws.cell(5, c).value: c for c in range(excel.FIRST_VALUE_COLUMN, ws.max_column + 1)}
    derived = ws.cell(8, columns["SPECIAL_CIRCUMSTANCES"])
    typed = ws.cell(8, columns["CHILDREN_TOTAL"])
    assert derived.protection.locked and derived.fill.fgColor.rgb.endswith("E5E7EB")
    assert not typed.protection.locked
    note = ws.cell(7, columns["SPECIAL_CIRCUMSTANCES"]).comment
    assert note is not None and "Tự động từ hồ sơ" in note.text
    assert ws.cell(7, columns["CHILDREN_TOTAL"]).comment is None


def test_upload_with_a_derived_value_names_the_cell_and_the_reason_and_writes_nothing(
    as_coordinator, commune
):
    response = as_coordinator.get(page("2026S1", commune) + "mau.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[excel.SHEET]
    columns = {ws.cell(5, c).value: c for c in range(excel.FIRST_VALUE_COLUMN, ws.max_column + 1)}
    ws.protection.sheet = False
    ws.cell(8, columns["SPECIAL_CIRCUMSTANCES"]).value = 12
    ws.cell(8, columns["CHILDREN_TOTAL"]).value = 900
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("so-lieu.xlsx", out.getvalue(), content_type=excel.CONTENT_TYPE)
    html = htmllib.unescape(
        as_coordinator.post(page("2026S1", commune) + "tai-len/", {"file": upload}).content.decode()
    )
    letter = ws.cell(8, columns["SPECIAL_CIRCUMSTANCES"]).column_letter
    assert f"Trang tính 'Số liệu', dòng 8, cột {letter}" in html
    assert REFUSAL in html
    assert "xac-nhan" not in html  # nothing to confirm
    assert stored(commune, "2026S1") == {"SPECIAL_CIRCUMSTANCES": 7}
