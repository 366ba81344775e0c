"""Hostile and odd Excel uploads: each is refused (or read) quickly, within bounded memory, with a clear
Vietnamese message naming the cell, and nothing is written. Item 1, 2, 5 and 6 of issue 7."""

from __future__ import annotations

import html as htmllib
import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from treem.core.errors import InputErrors
from treem.entry import excel
from treem.entry.models import StagedImport
from treem.entry.tests import hostile
from treem.entry.tests.test_excel import PAGE, UPLOAD, Sheet, communes_of, count, download
from treem.indicators.models import DataValue
from treem.units.models import AdministrativeUnit, Agency

MB = 1024 * 1024


def upload(client, content: bytes, name: str = "so-lieu.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type=excel.CONTENT_TYPE)})


def errors_of(response) -> list[str]:
    """The messages of the preview (file errors and conflicts), as text, in page order."""
    html = response.content.decode()
    found = re.findall(
        r'<li class="error">(.*?)</li>|<tr class="conflict"><td class="nowrap">(.*?)</td><td class="error">(.*?)</td>',
        html,
        re.S,
    )
    return [htmllib.unescape(a or f"{b}: {c}") for a, b, c in found]


def nothing_written() -> bool:
    """No value stored, and nothing staged that a confirmation could write."""
    return not DataValue.objects.exists() and not any(s.payload for s in StagedImport.objects.all())


@pytest.fixture
def template(as_coordinator) -> bytes:
    return as_coordinator.get(PAGE + "mau.xlsx").content


def last_row() -> int:
    return 7 + len(communes_of("474"))


# --- the archive -------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_declared_size_before_unpacking(as_coordinator, template, settings):
    settings.TREEM_MAX_XML_PART_BYTES = 1 * MB
    bomb = hostile.rewrite(template, {hostile.SHEET_PART: hostile.before_sheet_data_end(b" " * (3 * MB))})
    assert len(bomb) < 30_000  # a few KB that unpack to megabytes

    started = time.perf_counter()
    response = upload(as_coordinator, bomb)

    assert time.perf_counter() - started < 2
    assert any("Tệp quá lớn khi giải nén" in e and "tối đa 1 MB" in e for e in errors_of(response))
    assert nothing_written()


def test_a_member_whose_header_lies_about_its_size_is_refused_as_damaged(as_coordinator, template):
    lying = hostile.declare_size(template, hostile.SHEET_PART, 100)

    response = upload(as_coordinator, lying)

    assert any("Tệp bị hỏng" in e and "sheet1.xml" in e for e in errors_of(response))
    assert nothing_written()


def test_an_archive_declaring_more_than_the_total_limit_is_refused(as_coordinator, template, settings):
    settings.TREEM_MAX_ZIP_TOTAL_BYTES = 10_000

    response = upload(as_coordinator, template)

    assert any("toàn bộ tệp" in e for e in errors_of(response))


def test_a_doctype_with_entities_is_refused(as_coordinator, template):
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    evil = hostile.rewrite(template, {hostile.SHEET_PART: lambda xml: laughs + xml})

    response = upload(as_coordinator, evil)

    assert any("DOCTYPE" in e for e in errors_of(response))


# --- the XML inside ----------------------------------------------------------------------------------------


def test_a_huge_xml_comment_is_refused_at_once(as_coordinator, template):
    """openpyxl fed expat 16 KB at a time, and expat rescans an unfinished comment on each chunk:
    quadratic (44 KB compressed took 46 s, and slowed every other user)."""
    comment = b"<!--" + b"<x " * (4 * MB) + b"-->"  # "<" inside: no long run without a tag
    slow = hostile.rewrite(template, {hostile.SHEET_PART: hostile.before_sheet_data_end(comment)})
    assert len(slow) < 100_000

    started = time.perf_counter()
    response = upload(as_coordinator, slow)

    assert time.perf_counter() - started < 2
    assert any("có chú thích, CDATA" in e and "sheet1.xml" in e for e in errors_of(response))
    assert nothing_written()


@pytest.mark.parametrize(
    "edit",
    [
        hostile.in_first_row_tag(b" " * (16 * MB)),  # one tag of 16 MB: one token
        hostile.before_sheet_data_end(b" \n" * (8 * MB)),  # megabytes of whitespace between tags
    ],
    ids=["inside-a-tag", "between-tags"],
)
def test_megabytes_of_whitespace_are_refused_at_once(as_coordinator, template, edit):
    spaces = hostile.rewrite(template, {hostile.SHEET_PART: edit})

    started = time.perf_counter()
    response = upload(as_coordinator, spaces)

    assert time.perf_counter() - started < 2
    assert any("đoạn dài bất thường không có thẻ XML" in e for e in errors_of(response))
    assert nothing_written()


def test_a_sheet_part_over_the_limit_is_refused(as_coordinator, template, settings):
    settings.TREEM_MAX_XML_PART_BYTES = MB
    comment = b"<!--" + b"x" * (2 * MB) + b"-->"

    response = upload(
        as_coordinator,
        hostile.rewrite(template, {hostile.SHEET_PART: hostile.before_sheet_data_end(comment)}),
    )

    assert any("sheet1.xml" in e and "tối đa 1 MB" in e for e in errors_of(response))


def test_a_huge_declared_dimension_is_ignored_and_memory_stays_small(as_coordinator, template):
    """openpyxl padded every row to the declared width: A1:XFD20000 from 60 KB became 2.6 GB."""
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", communes_of("474")[0]).value = 12
    empty_rows = b"".join(b'<row r="%d"/>' % r for r in range(last_row() + 1, 3001))  # each padded to XFD
    wide = hostile.rewrite(
        sheet.upload_file().read(),
        {
            hostile.SHEET_PART: lambda xml: hostile.before_sheet_data_end(empty_rows)(
                hostile.set_dimension("A1:XFD3000")(xml)
            )
        },
    )

    tracemalloc.start()
    try:
        response = upload(as_coordinator, wide)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 40 * MB
    assert count(response.content.decode(), "new") == 1


def test_a_long_shared_string_repeated_in_many_cells_is_quoted_as_a_short_excerpt(as_coordinator):
    """A 20 KB file made a 360 MB page: each error echoed the whole 9 MB string."""
    sheet = Sheet(download(as_coordinator))
    communes = communes_of("474")
    for unit in communes:
        sheet.cell("LIVE_BIRTHS", unit).value = "PLACEHOLDER"
    long = "9" * 5 + "x" * (200 * 1024)
    crafted = hostile.with_shared_strings(sheet.upload_file().read(), [long], {"PLACEHOLDER": 0})

    response = upload(as_coordinator, crafted)

    assert len(response.content) < 200_000
    errors = errors_of(response)
    assert len(errors) == len(communes) > 30
    assert all("99999xxx" in e and "…" in e and f"dài {len(long)} ký tự" in e for e in errors)
    assert nothing_written()


# --- the template's area -----------------------------------------------------------------------------------


def test_a_value_below_the_template_s_last_row_is_an_error_naming_its_cell(as_coordinator):
    a = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 5
    below = last_row() + 1
    sheet.ws.cell(below, 1).value = a  # a unit row copied under the template
    sheet.ws.cell(below, 3).value = 7
    sheet.ws.cell(20_005, 3).value = 9  # far below: openpyxl stopped reading at 20,000 rows

    errors = errors_of(upload(as_coordinator, sheet.upload_file().read()))

    assert (
        f"Trang tính 'Số liệu', dòng {below}, cột A: ô có nội dung nằm sau dòng cuối của mẫu (dòng {last_row()}); hãy xóa nó hoặc tải mẫu mới"
        in errors
    )
    assert any(
        e.startswith("Trang tính 'Số liệu', dòng 20005, cột C: ô có nội dung nằm sau dòng cuối")
        for e in errors
    )
    assert nothing_written()


def test_a_value_right_of_the_template_s_columns_is_an_error(as_coordinator):
    a = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    last_column = max(sheet.columns.values())
    sheet.ws.cell(sheet.rows[a], last_column + 1).value = 3
    sheet.ws.cell(sheet.rows[a], 16_000).value = 4

    errors = errors_of(upload(as_coordinator, sheet.upload_file().read()))

    assert len(errors) == 2
    assert all("nằm ngoài các cột của mẫu" in e for e in errors)
    assert nothing_written()


def test_an_overflowing_number_in_a_cell_is_a_conflict_not_a_server_error(as_coordinator):
    a, b = communes_of("474")[:2]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = "1e1000000"
    sheet.cell("LIVE_BIRTHS", b).value = "9" * 5000

    response = upload(as_coordinator, sheet.upload_file().read())

    assert response.status_code == 200
    errors = errors_of(response)
    assert f"{htmllib.unescape(sheet.where('LIVE_BIRTHS', a))}: '1e1000000' quá lớn" in errors
    assert any(e.startswith(htmllib.unescape(sheet.where("LIVE_BIRTHS", b))) and "…" in e for e in errors)
    assert nothing_written()


# --- messages: the right cell, in order, and counters that say what the file holds -------------------------


def test_errors_name_the_right_cell_and_are_sorted_by_row_then_column(as_coordinator):
    a, b, c = communes_of("474")[:3]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("NEONATAL_DEATHS", a).value = 3  # D: breaks a rule with E
    sheet.cell("DEATHS_UNDER1", a).value = 1  # E
    sheet.cell("DEATHS_UNDER5", c).value = "ba"  # F, two rows down
    sheet.cell("LIVE_BIRTHS", b).value = "hai"  # C, one row down

    errors = errors_of(upload(as_coordinator, sheet.upload_file().read()))

    places = [re.match(r"Trang tính 'Số liệu', dòng (\d+), cột ([A-Z]+)", e).groups() for e in errors]
    row = sheet.rows
    assert places == [
        (str(row[a]), "E"),  # the rule names the cell of one of its values
        (str(row[b]), "C"),
        (str(row[c]), "F"),
    ]
    assert errors[1].endswith("'hai' không phải là số")


def test_with_errors_the_counters_still_say_what_the_file_holds(as_coordinator):
    a, b, c = communes_of("474")[:3]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 10
    sheet.cell("LIVE_BIRTHS", b).value = 20
    sheet.cell("LIVE_BIRTHS", c).value = "mười"

    html = upload(as_coordinator, sheet.upload_file().read()).content.decode()

    assert count(html, "values") == 3
    assert count(html, "errors") == 1
    assert (count(html, "new"), count(html, "changed"), count(html, "unchanged"), count(html, "deleted")) == (
        2,
        0,
        0,
        0,
    )
    assert "Xác nhận ghi" not in html
    assert nothing_written()


def test_a_template_whose_period_is_far_from_any_plan_is_refused_when_read(as_coordinator, template):
    far = hostile.rewrite(template, {hostile.META_PART: lambda xml: xml.replace(b"2023S1", b"9999S1")})

    with pytest.raises(InputErrors) as refused:
        excel.read_workbook(far)  # without a page to compare with (a job, a script)

    assert refused.value.messages == [
        "Trang tính '_meta': kỳ '9999S1': năm 9999 nằm ngoài các năm được phép (2000–2036)"
    ]


# --- writing: text is never a formula ----------------------------------------------------------------------


def test_names_starting_with_formula_characters_are_written_as_text(as_coordinator):
    a, b, c = communes_of("474")[:3]
    AdministrativeUnit.objects.filter(code=a).update(name='=HYPERLINK("http://x","bấm")')
    AdministrativeUnit.objects.filter(code=b).update(name="+1+1")
    AdministrativeUnit.objects.filter(code=c).update(name="@SUM(A1:A9)")
    Agency.objects.filter(code="SYT").update(name="-2+3")

    content = as_coordinator.get(PAGE + "mau.xlsx").content

    xml = zipfile.ZipFile(io.BytesIO(content)).read(hostile.SHEET_PART)
    assert b"<f>" not in xml
    sheet = Sheet(download(as_coordinator))
    assert sheet.ws.cell(sheet.rows[a], 2).value == '=HYPERLINK("http://x","bấm")'
    assert sheet.ws.cell(sheet.rows[a], 2).data_type == "s"
