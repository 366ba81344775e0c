"""The limits on outside input (treem/core/uploads.py, xlsx.py, jobs.py, middleware.limit_request_size)."""

from __future__ import annotations

import io
import struct
import threading
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from treem.accounts.models import Role
from treem.core import jobs, uploads, xlsx
from treem.core.errors import InputErrors
from treem.core.numbers import parse_typed_number

PAGE = "/so-lieu/SYT/2023S1/474/"


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


# --- the request ------------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    return client


def test_an_upload_over_the_limit_is_a_413_in_plain_vietnamese(coordinator_client, settings):
    settings.TREEM_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("so-lieu.xlsx", b"x" * (uploads.FORM_OVERHEAD_BYTES + 2000))

    response = coordinator_client.post(PAGE + "tai-len/", {"file": big})

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Nội dung gửi lên quá lớn" in response.content.decode()


def test_an_upload_under_the_request_limit_but_over_the_file_limit_is_refused_by_the_form(
    coordinator_client, settings
):
    settings.TREEM_MAX_UPLOAD_BYTES = 1000

    response = coordinator_client.post(PAGE + "tai-len/", {"file": SimpleUploadedFile("a.xlsx", b"x" * 2000)})

    assert response.status_code == 200
    assert "Tệp quá lớn (tối đa 1 KB)." in response.content.decode()


def test_a_page_with_more_than_1000_query_parameters_is_a_400(coordinator_client):
    response = coordinator_client.get(PAGE + "?" + "&".join(f"a{i}=1" for i in range(1001)))

    assert response.status_code == 400
    assert "1001 tham số" in response.content.decode()


def test_a_malformed_content_length_is_a_400(client, db):
    response = client.generic("POST", "/api/dataValueSets/", b"{}", CONTENT_LENGTH="abc")

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["1e1000000", "9" * 5000, "1" + "0" * 25])
def test_an_overflowing_number_typed_in_the_grid_is_refused_in_the_cell(coordinator_client, value):
    response = coordinator_client.post(PAGE + "o/19750/LIVE_BIRTHS/default/", {"value": value})

    assert response.status_code == 200
    assert "quá lớn" in response.content.decode() or "không phải là số" in response.content.decode()


# --- numbers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, message",
    [
        ("1e1000000", "'1e1000000' quá lớn"),
        ("1E-1000000", "'1E-1000000' có quá nhiều chữ số thập phân"),
        ("1" * 101, "'" + "1" * 40 + "…' không phải là số (dài 101 ký tự)"),
        (lambda: 10**5000, "số quá lớn (khoảng 5001 chữ số)"),  # str() of it would raise
        (uploads.Oversized("x" * 9_000_000), "'" + "x" * 40 + "…' không phải là số (dài 9000000 ký tự)"),
        (1e300, "'1e+300' quá lớn"),
    ],
    ids=["exponent", "negative-exponent", "long-text", "huge-int", "oversized", "float"],
)
def test_numbers_too_large_or_too_long_are_refused_with_an_excerpt(raw, message):
    raw = raw() if callable(raw) else raw
    with pytest.raises(ValueError) as raised:
        parse_typed_number(raw, integer_expected=True)

    assert str(raised.value) == message


# --- zip, XML, JSON, CSV ------------------------------------------------------------------------------------------


def test_a_member_over_its_limit_is_refused_by_its_declared_size():
    archive = uploads.SafeZip(zipped({"a": b" " * 5000}))

    with pytest.raises(InputErrors, match="tối đa 1 KB"):
        archive.read("a", 1024)
    assert archive.read("a", 5000) == b" " * 5000


def test_too_many_members_are_refused(settings):
    settings.TREEM_MAX_ZIP_ENTRIES = 3

    with pytest.raises(InputErrors, match="4 phần"):
        uploads.SafeZip(zipped({"a": b"", "b": b"", "c": b"", "d": b""}))


def test_an_archive_with_a_huge_directory_is_refused_from_its_end_record(settings):
    """zipfile reads the whole directory before anything can be counted: 100,000 members took 3.7 s."""
    many = zipped({f"{i:0100d}": b"" for i in range(3000)})  # a 440 KB directory
    end = many.rfind(b"PK\x05\x06")
    lying = many[: end + 8] + struct.pack("<HH", 1, 1) + many[end + 12 :]  # "1 entry"

    for archive in (many, lying):
        started = time.perf_counter()
        with pytest.raises(InputErrors, match="nhiều bất thường"):
            uploads.SafeZip(archive)
        assert time.perf_counter() - started < 0.1


def test_bytes_that_are_not_a_zip_are_not_an_archive():
    with pytest.raises(uploads.NotAnArchive):
        uploads.SafeZip(b"PK\x03\x04 but not really")


@pytest.mark.parametrize(
    "data, message",
    [
        (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "DOCTYPE/ENTITY"),
        (b"<a><!-- hi --></a>", "chú thích"),
        (b"<a><![CDATA[x]]></a>", "CDATA"),
        (b"<a><?pi x?></a>", "chú thích"),
        ("<a>x</a>".encode("utf-16"), "UTF-16"),
        (b"<a>" + b" " * (3 * uploads.MARKUP_GAP) + b"</a>", "đoạn dài bất thường"),
        (b"<a><b></a>", "không phải XML hợp lệ"),
    ],
)
def test_xml_that_could_be_slow_or_expand_is_refused(data, message):
    with pytest.raises(InputErrors) as raised:
        uploads.parse_xml(
            data, lambda n, a: None, lambda n: None, lambda t: None, deadline=uploads.Deadline(), part="p"
        )

    assert message in raised.value.messages[0]


def test_a_spent_deadline_stops_parsing():
    deadline = uploads.Deadline(0)
    data = b"<a>" + b"<b/>" * 10_000 + b"</a>"

    with pytest.raises(InputErrors, match="quá 0 giây"):
        uploads.parse_xml(
            data, lambda n, a: None, lambda n: None, lambda t: None, deadline=deadline, part="p"
        )


def test_json_depth_is_measured_without_recursion_and_ignores_brackets_in_strings():
    assert uploads.json_depth('{"a": [[["[[[["]]]}') == 4
    assert uploads.json_depth("[" * 200_000) == 200_000
    assert uploads.load_json('{"a": 1.50, "b": 2}') == {"a": uploads.Decimal("1.50"), "b": 2}


def test_csv_records_name_the_line_a_record_starts_on():
    records = list(uploads.csv_records('a,b\n"c\nd",e\nf,"g\n'))

    assert records == [(1, ["a", "b"]), (2, ["c\nd", "e"]), (4, 'dấu ngoặc kép (") mở mà không đóng')]


def test_a_cell_reference_beyond_excel_s_grid_is_refused():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>'
    )
    book = xlsx.Workbook(_minimal_xlsx(sheet))

    with pytest.raises(InputErrors, match="XFE1"):
        book.read_sheet("S", max_row=10, max_col=10)


def test_cells_without_references_are_placed_by_position():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="3"><c r="E3"><v>5</v></c><c><v>6</v></c></row></sheetData></worksheet>'
    )
    cells = xlsx.Workbook(_minimal_xlsx(sheet)).read_sheet("S", max_row=10, max_col=5)

    assert cells.cells == {(1, 1): 1, (1, 2): "x", (3, 5): 5}
    assert cells.beyond == [(3, 6)] and cells.beyond_count == 1


def _minimal_xlsx(sheet: bytes) -> bytes:
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return zipped(
        {
            "xl/workbook.xml": (
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'xmlns:r="{rel_ns}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
                "</Relationships>"
            ).encode(),
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


# --- jobs -------------------------------------------------------------------------------------------------------


def test_a_job_runs_in_a_daemon_thread_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    ran = threading.Event()
    seen: list[str] = []

    def job(word: str) -> None:
        seen.append(f"{word} in {threading.current_thread().name}")
        ran.set()

    with django_capture_on_commit_callbacks(execute=True):
        jobs.submit(job, "hello")
        assert not ran.is_set()  # nothing before the commit

    assert ran.wait(5)
    assert seen == ["hello in treem-job-job"]


def test_an_eager_job_runs_at_once(settings):
    settings.TREEM_JOBS_EAGER = True
    seen: list[int] = []

    jobs.submit(seen.append, 7)

    assert seen == [7]
