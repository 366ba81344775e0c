"""Attachments are recognised by their bytes; a renamed file, a zip bomb, an empty or oversized file are refused."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from docx import Document

from treem.core.errors import InputErrors
from treem.core.filetypes import NAME_CHARS, check_attachment, safe_filename, sniff
from treem.core.storage import PrivateStorage, private_storage
from treem.core.uploads import limit

TYPE_MESSAGE = "Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG."


def png_bytes() -> bytes:
    """A real 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The start of a JFIF file (SOI, APP0) and its end (EOI): what the type is known by."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Báo cáo 6 tháng")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số trẻ em"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def rezip(data: bytes, drop: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """An OOXML package with a member left out or changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {n: source.read(n) for n in source.namelist() if n != drop}
    return zip_bytes({**members, **(replace or {})})


def check(name: str, data: bytes) -> str:
    return check_attachment(name, io.BytesIO(data), len(data))


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(InputErrors) as caught:
        check(name, data)
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("ke-hoach.pdf", lambda: PDF, "pdf"),
        ("báo cáo 6 tháng.docx", docx_bytes, "docx"),
        ("so-lieu.xlsx", xlsx_bytes, "xlsx"),
        ("anh.jpg", jpeg_bytes, "jpeg"),
        ("ANH.JPEG", jpeg_bytes, "jpeg"),
        ("so-do.PNG", png_bytes, "png"),
    ],
)
def test_each_kind_is_recognised_by_its_content(name, make, kind) -> None:
    data = make()
    file = io.BytesIO(data)
    assert sniff(file) == kind
    assert file.tell() == 0  # left at its start, ready to be stored
    assert check(name, data) == kind


def test_a_renamed_file_is_refused_by_its_content() -> None:
    assert refusal("ke-hoach.docx", PDF) == (
        "Tên tệp ke-hoach.docx có đuôi .docx nhưng nội dung là PDF: đổi tên tệp không làm đổi loại tệp."
    )
    assert "nội dung là Word (.docx)" in refusal("bang.xlsx", docx_bytes())
    assert "nội dung là ảnh PNG" in refusal("anh.jpg", png_bytes())
    assert "không có đuôi" in refusal("ke-hoach", PDF)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("hoa-don.pdf", lambda: EXE),  # a program named as a PDF
        ("so-lieu.xlsx", lambda: zip_bytes({"readme.txt": b"not a workbook"})),  # a zip that is not OOXML
        ("so-lieu.xlsx", lambda: rezip(xlsx_bytes(), drop="xl/workbook.xml")),  # main part declared, absent
        ("ghi-chu.pdf", lambda: b"Chi la van ban, khong phai PDF"),
        ("hong.docx", lambda: b"PK\x03\x04" + b"\x00" * 40),  # looks like a zip, is none
    ],
)
def test_content_of_no_accepted_type_is_refused(name, make) -> None:
    assert refusal(name, make()) == TYPE_MESSAGE


def test_a_macro_enabled_workbook_is_not_an_xlsx() -> None:
    data = xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types
    assert refusal("so-lieu.xlsx", rezip(data, replace={"[Content_Types].xml": macro})) == TYPE_MESSAGE


class Unreadable(io.RawIOBase):
    """A file that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("an oversized file was read")

    def seek(self, *args: object) -> int:
        raise AssertionError("an oversized file was read")


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    most = limit("TREEM_MAX_ATTACHMENT_BYTES")
    assert most == 10 * 1024 * 1024
    with pytest.raises(InputErrors) as caught:
        check_attachment("quet.pdf", Unreadable(), most + 1)  # type: ignore[arg-type]
    assert caught.value.messages == ["Tệp quet.pdf quá lớn (10 MB); tệp đính kèm tối đa 10 MB."]


def test_the_size_limit_comes_from_settings(settings) -> None:
    settings.TREEM_MAX_ATTACHMENT_BYTES = 1024
    assert "tối đa 1 KB" in refusal("ke-hoach.pdf", PDF + b" " * 1024)
    assert check("ke-hoach.pdf", PDF) == "pdf"


def test_an_empty_file_is_refused() -> None:
    assert refusal("trong.pdf", b"") == "Tệp trong.pdf trống (0 byte)."


def test_a_zip_bomb_is_refused_with_the_upload_limits() -> None:
    """A package whose central directory declares a member of 4 GB: refused from the declaration, before
    anything is unpacked."""
    data = bytearray(docx_bytes())
    at = data.find(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<I", data, at + 24, 4_000_000_000)  # its uncompressed size
    message = refusal("bao-cao.docx", bytes(data))
    assert message.startswith("Tệp quá lớn khi giải nén (toàn bộ tệp:")


def test_a_zip_of_too_many_entries_is_refused() -> None:
    members = {f"word/part{i}.xml": b"<a/>" for i in range(limit("TREEM_MAX_ZIP_ENTRIES") + 1)}
    assert "nhiều bất thường" in refusal("bao-cao.docx", zip_bytes(members))


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("báo cáo 6 tháng.docx", "báo cáo 6 tháng.docx"),
        ("C:\\Users\\Lan\\Tài liệu\\kế hoạch.xlsx", "kế hoạch.xlsx"),
        ("tre\x00m\x1b[31m.pdf", "trem[31m.pdf"),
        ("anh\u202egpj.exe", "anhgpj.exe"),  # no right-to-left override: it would show "exe.jpg"
        ("  báo   cáo\t.pdf  ", "báo cáo .pdf"),
        (".htaccess", "htaccess"),
        ("../..", "tệp đính kèm"),
        ("", "tệp đính kèm"),
    ],
)
def test_safe_filename(name: str, kept: str) -> None:
    assert safe_filename(name) == kept


def test_safe_filename_keeps_vietnamese_letters_whole_and_the_extension_of_a_long_name() -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch bảo vệ trẻ em.pdf")  # as macOS may send it
    assert safe_filename(decomposed) == "Kế hoạch bảo vệ trẻ em.pdf"
    long = safe_filename("Báo cáo " * 40 + ".docx")
    assert len(long) == NAME_CHARS
    assert long.endswith(".docx")
    assert "/" not in safe_filename("a/b\\c") and "\\" not in safe_filename("a/b\\c")


def test_private_storage_is_outside_public_directories_and_makes_no_url(settings, tmp_path) -> None:
    settings.TREEM_PRIVATE_FILES_DIR = tmp_path / "private"
    storage = private_storage()
    assert isinstance(storage, PrivateStorage)
    name = storage.save("tep/ke-hoach.pdf", io.BytesIO(PDF))
    assert storage.open(name).read() == PDF
    assert storage.path(name).startswith(str(tmp_path / "private"))
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    settings.STATIC_ROOT = tmp_path
    with pytest.raises(ImproperlyConfigured, match="STATIC_ROOT"):
        private_storage()
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "private" / ".."
    with pytest.raises(ImproperlyConfigured, match="MEDIA_ROOT"):
        private_storage()
