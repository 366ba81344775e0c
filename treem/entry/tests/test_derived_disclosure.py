"""Derived counts on the entry grid and in its Excel template, as each reader may see them: exact for a case
role in its area with the second factor; for everyone else (province coordinators, agency reporters, an
officer without the factor) a count from 1 to 4 is "< 5", and so is the smallest other non-zero count
among the unit's siblings (the dashboard shows their parent's total) or among the element's categories at
the unit. The Excel template leaves every derived cell blank (a number there would be refused on upload)
and gives its figure, as the reader may see it, in the cell's note.

Figures: SPECIAL_CIRCUMSTANCES (SLDTBXH) derived from 01/01/2026; four communes of Thành phố Huế (474) with
3, 20, 10 and 0 children in 2026S1, written by the derivation's path. In 2025S2 (typed) the first had 2.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from treem.accounts import policy
from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.entry import excel
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataElement, DataValue
from treem.units.models import AdministrativeUnit

SINCE = datetime.date(2026, 1, 1)
COUNTS = (3, 20, 10, 0)


def communes() -> list[str]:
    codes = (
        AdministrativeUnit.objects.filter(parent__code="474").order_by("code").values_list("code", flat=True)
    )
    return list(codes)[: len(COUNTS)]


def write(inputs: list[ValueInput], *, derivation: bool) -> None:
    summary = import_values(
        inputs, user=None, scope=policy.EntryScope(True), check_outliers=False, derivation=derivation
    )
    assert not summary.conflicts, [str(c) for c in summary.conflicts]


@pytest.fixture
def derived(plan):
    DataElement.objects.filter(code__in=["SPECIAL_CIRCUMSTANCES", "CASES_CLOSED"]).update(derived_since=SINCE)
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances"
    )
    DataElement.objects.filter(code="CASES_CLOSED").update(derived_rule="cases.closure_time")
    write([ValueInput("SPECIAL_CIRCUMSTANCES", "default", communes()[0], "2025S2", 2)], derivation=False)
    write(
        [
            ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", n)
            for code, n in zip(communes(), COUNTS, strict=True)
        ],
        derivation=True,
    )
    return plan


def page(period: str, unit: str) -> str:
    return f"/so-lieu/SLDTBXH/{period}/{unit}/"


def shown(html: str, unit: str, element: str = "SPECIAL_CIRCUMSTANCES", combo: str = "default") -> str:
    """The figure a grid row shows in a read-only cell."""
    row = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', html, re.S)
    assert row, f"no row {unit}"
    cell = re.search(rf'data-cell="{element}\.{combo}"[^>]*>(.*?)</td>', row.group(1), re.S)
    assert cell, f"no cell {element}.{combo}"
    return re.search(r'<span class="num[^"]*"[^>]*>([^<]*)</span>', cell.group(1)).group(1)


def grid(client, unit: str = "474", period: str = "2026S1") -> str:
    response = client.get(page(period, unit))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def district_officer(make_user):
    return make_user(Role.DISTRICT_OFFICER, "474")


def test_coordinator_sees_a_small_derived_count_and_its_complement_as_less_than_five(
    client, derived, coordinator
):
    client.force_login(coordinator)
    html = grid(client)
    first, second, third, fourth = communes()
    assert shown(html, first) == "&lt; 5"
    assert shown(html, third) == "&lt; 5"  # 10: the smallest other count, or 33 − 20 − 0 gives the 3 back
    assert shown(html, second) == "20"
    assert shown(html, fourth) == "0"
    assert 'data-hidden="1"' in html
    assert re.search(r'id="hidden-note"[^>]*>Số đếm nhỏ tính từ hồ sơ trẻ em hiển thị là “&lt; 5”', html)


def test_a_page_with_one_commune_still_hides_the_complement_among_its_siblings(client, derived, coordinator):
    client.force_login(coordinator)
    assert shown(grid(client, communes()[2]), communes()[2]) == "&lt; 5"  # no total on this page, but
    assert shown(grid(client, communes()[1]), communes()[1]) == "20"  # the dashboard shows the district's


def test_agency_reporter_sees_small_derived_counts_hidden(client, derived, make_user):
    client.force_login(make_user(Role.AGENCY_REPORTER, "46", "SLDTBXH"))
    html = grid(client)
    assert shown(html, communes()[0]) == "&lt; 5"
    assert ">3<" not in html


def test_officer_with_second_factor_sees_exact_counts_in_its_area(client, derived, district_officer):
    sign_in_with_factor(client, district_officer)
    html = grid(client)
    assert [shown(html, code) for code in communes()] == ["3", "20", "10", "0"]
    assert 'id="hidden-note"' not in html and 'data-hidden="1"' not in html


def test_officer_without_second_factor_sees_them_hidden(client, derived, district_officer):
    client.force_login(district_officer)  # password only
    assert shown(grid(client), communes()[0]) == "&lt; 5"


def test_typed_small_counts_before_derivation_are_shown(client, derived, coordinator):
    client.force_login(coordinator)
    html = grid(client, communes()[0], "2025S2")
    assert 'value="2"' in html  # typed, in its input box
    assert 'data-hidden="1"' not in html


def test_a_lone_small_category_gets_another_category_hidden_with_it(client, derived, coordinator):
    commune = communes()[1]
    combos = sorted(DataElement.objects.get(code="CASES_CLOSED").combos.values_list("code", flat=True))
    assert len(combos) == 3
    write(
        [
            ValueInput("CASES_CLOSED", combo, commune, "2026S1", n)
            for combo, n in zip(combos, (2, 8, 30), strict=True)
        ],
        derivation=True,
    )
    client.force_login(coordinator)
    html = grid(client, commune)
    cells = [shown(html, commune, "CASES_CLOSED", combo) for combo in combos]
    assert cells == ["&lt; 5", "&lt; 5", "30"]  # the unit's total of the element is shown elsewhere


def test_posted_cell_answers_with_the_count_hidden_as_in_the_grid(client, derived, coordinator):
    client.force_login(coordinator)
    first = communes()[0]
    response = client.post(f"{page('2026S1', first)}o/{first}/SPECIAL_CIRCUMSTANCES/default/", {"value": "3"})
    html = response.content.decode()
    assert 'role="alert"' in html  # refused: derived
    assert ">&lt; 5<" in html and ">3<" not in html
    assert DataValue.objects.get(unit__code=first, period__code="2026S1").value == 3


def template(client, unit: str = "474"):
    response = client.get(page("2026S1", unit) + "mau.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))[excel.SHEET]
    columns = {ws.cell(5, c).value: c for c in range(excel.FIRST_VALUE_COLUMN, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(8, ws.max_row + 1)}
    return ws, columns, rows


def test_template_leaves_derived_cells_blank_with_less_than_five_in_the_note(client, derived, coordinator):
    client.force_login(coordinator)
    ws, columns, rows = template(client)
    col = columns["SPECIAL_CIRCUMSTANCES"]
    first, second, third, _fourth = communes()
    assert all(ws.cell(rows[code], col).value is None for code in communes())
    notes = {code: ws.cell(rows[code], col).comment for code in (first, second, third)}
    assert "Tự động từ hồ sơ: < 5 (số đếm nhỏ" in notes[first].text
    assert "Tự động từ hồ sơ: < 5 (số đếm nhỏ" in notes[third].text
    assert notes[second].text == "Tự động từ hồ sơ: 20."
    assert not any(re.search(r"\b(3|10)\b", note.text) for note in notes.values())


def test_template_gives_the_exact_figure_to_an_officer_with_second_factor(client, derived, district_officer):
    sign_in_with_factor(client, district_officer)
    ws, columns, rows = template(client)
    note = ws.cell(rows[communes()[0]], columns["SPECIAL_CIRCUMSTANCES"]).comment
    assert note.text == "Tự động từ hồ sơ: 3."


def test_template_filled_and_uploaded_as_downloaded_is_accepted(client, derived, coordinator):
    client.force_login(coordinator)
    commune = communes()[1]
    ws, columns, rows = template(client, commune)
    ws.cell(rows[commune], columns["CHILDREN_TOTAL"]).value = 900
    out = io.BytesIO()
    ws.parent.save(out)
    upload = SimpleUploadedFile("so-lieu.xlsx", out.getvalue(), content_type=excel.CONTENT_TYPE)
    html = client.post(page("2026S1", commune) + "tai-len/", {"file": upload}).content.decode()
    assert "được tính tự động" not in html
    assert "xac-nhan" in html  # the typed figure is ready to confirm
