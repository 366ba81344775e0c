"""Attachments checked by what they contain, not by what they are called.

`check_attachment` accepts a PDF, a Word document (.docx), an Excel workbook (.xlsx) or a JPEG or PNG image
and says which, from the bytes: the name's extension must agree with the content (renaming a file does not
change its type), and a zip archive is read through `treem.core.uploads.SafeZip`, within the limits every
other upload has (entries, declared and actual sizes, the central directory), before it is called
Word or Excel. `safe_filename` makes the name kept for display.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from django.utils.translation import gettext as _

from .errors import InputErrors
from .uploads import Deadline, NotAnArchive, SafeZip, excerpt, limit, parse_xml, size_text

KINDS = ("pdf", "docx", "xlsx", "jpeg", "png")
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}
MAGIC: dict[str, bytes] = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
HEAD_BYTES = 16
# An Office Open XML package: its main part, and the content type [Content_Types].xml must give it. Only
# these: a macro-enabled workbook or document (.xlsm, .docm) or a template declares another type.
OOXML_MAIN: dict[str, tuple[str, str]] = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
CONTENT_TYPES = "[Content_Types].xml"
NAME_CHARS = 120
EXTENSION_CHARS = 16  # kept whole when a long name is cut


def kind_label(kind: str) -> str:
    """How a kind is named to users."""
    labels = {
        "pdf": _("PDF"),
        "docx": _("Word (.docx)"),
        "xlsx": _("Excel (.xlsx)"),
        "jpeg": _("ảnh JPEG"),
        "png": _("ảnh PNG"),
    }
    return labels.get(kind, kind)


def _content_types(archive: SafeZip) -> dict[str, str]:
    """[Content_Types].xml as {"/part/name": content type} (overrides) and {"xml": type} (defaults by
    extension), read with the limits of every XML part."""
    data = archive.read(CONTENT_TYPES, limit("TREEM_MAX_XML_SMALL_PART_BYTES"))
    declared: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "Override" and "PartName" in attrs:
            declared[attrs["PartName"].lower()] = attrs.get("ContentType", "")
        elif name == "Default" and "Extension" in attrs:
            declared.setdefault(attrs["Extension"].lower(), attrs.get("ContentType", ""))

    parse_xml(data, start, lambda name: None, lambda text: None, deadline=Deadline(), part=CONTENT_TYPES)
    return declared


def _ooxml_kind(file: IO[bytes]) -> str | None:
    """Either "docx" or "xlsx" for an Office Open XML package whose main part is declared and present; None for
    any other zip archive, or what is no archive at all. An archive over the limits raises InputErrors."""
    try:
        archive = SafeZip(file)
    except NotAnArchive:
        return None
    if not archive.has(CONTENT_TYPES):
        return None
    declared = _content_types(archive)
    for kind, (part, content_type) in OOXML_MAIN.items():
        extension = part.rpartition(".")[2]
        declared_type = declared.get(f"/{part}".lower()) or declared.get(extension)
        if declared_type == content_type and archive.has(part):
            return kind
    return None


def sniff(file: IO[bytes]) -> str | None:
    """The kind of file (one of KINDS) its bytes show, or None. `file` must be seekable; it is left at its
    start. A zip archive is opened within the upload limits: one over them raises InputErrors."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        for kind, magic in MAGIC.items():
            if head.startswith(magic):
                return kind
        if head.startswith(ZIP_MAGIC):
            return _ooxml_kind(file)
        return None
    finally:
        file.seek(0)


def _extension(name: str) -> str:
    base = safe_filename(name)
    stem, dot, extension = base.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def check_attachment(name: str, file: IO[bytes], size: int) -> str:
    """The kind of an uploaded attachment (one of KINDS), or InputErrors with one message: too large (over
    TREEM_MAX_ATTACHMENT_BYTES: refused before anything is read), empty, not a type accepted, or named with
    an extension its content does not have."""
    most = limit("TREEM_MAX_ATTACHMENT_BYTES")
    shown = excerpt(safe_filename(name))
    if size > most:
        raise InputErrors(
            [
                _("Tệp %(name)s quá lớn (%(size)s); tệp đính kèm tối đa %(most)s.")
                % {"name": shown, "size": size_text(size), "most": size_text(most)}
            ]
        )
    if size <= 0:
        raise InputErrors([_("Tệp %(name)s trống (0 byte).") % {"name": shown}])
    kind = sniff(file)
    if kind is None:
        raise InputErrors([_("Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG.")])
    extension = _extension(name)
    if extension not in EXTENSIONS[kind]:
        if not extension:
            message = _(
                "Tên tệp %(name)s không có đuôi nhưng nội dung là %(kind)s: hãy đặt tên có đuôi %(expected)s."
            )
        else:
            message = _(
                "Tên tệp %(name)s có đuôi %(ext)s nhưng nội dung là %(kind)s: đổi tên tệp không làm đổi loại tệp."
            )
        raise InputErrors(
            [
                message
                % {
                    "name": shown,
                    "ext": excerpt(extension, EXTENSION_CHARS),
                    "kind": kind_label(kind),
                    "expected": EXTENSIONS[kind][0],
                }
            ]
        )
    return kind


_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")


def safe_filename(name: str) -> str:
    """The name to keep and show for an uploaded file: its last path component (a browser may send
    "C:\\Users\\…\\báo cáo.docx", a hostile client "../../etc/passwd"), in NFC (so "ế" stays one letter),
    without control or format characters (a right-to-left override can make "gpj.exe" read "exe.jpg"),
    spaces collapsed, no leading dots, at most NAME_CHARS characters with the extension kept. Vietnamese
    letters are kept. Never empty."""
    text = unicodedata.normalize("NFC", name)
    text = _SEPARATORS.split(text)[-1]
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not _is_control(ch))
    text = _SPACES.sub(" ", text).strip().lstrip(".").strip()
    if len(text) > NAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) < EXTENSION_CHARS:
            text = stem[: NAME_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:NAME_CHARS].rstrip()
    return text or _("tệp đính kèm")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch).startswith("C")
