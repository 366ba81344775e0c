"""Hostile .xlsx files for the tests, built in code from a real template: each part can be rewritten, and
the zip's headers can lie about sizes."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_PART = "xl/worksheets/sheet1.xml"  # "Số liệu", the first sheet openpyxl writes
META_PART = "xl/worksheets/sheet2.xml"

Edit = bytes | Callable[[bytes], bytes]


def parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return {name: z.read(name) for name in z.namelist()}


def rewrite(xlsx: bytes, edits: dict[str, Edit]) -> bytes:
    """The workbook with parts replaced (bytes) or changed (a function of the old bytes); new parts added."""
    old = parts(xlsx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in [*old, *(n for n in edits if n not in old)]:
            edit = edits.get(name)
            data = old.get(name, b"")
            if callable(edit):
                data = edit(data)
            elif edit is not None:
                data = edit
            z.writestr(name, data)
    return out.getvalue()


def before_sheet_data_end(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")


def set_dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)


def in_first_row_tag(padding: bytes) -> Callable[[bytes], bytes]:
    """Whitespace inside the first <row …> tag: one huge token."""
    return lambda xml: re.sub(rb"<row ", b"<row " + padding, xml, count=1)


def with_shared_strings(xlsx: bytes, strings: list[str], placeholders: dict[str, int]) -> bytes:
    """Turn inline-string cells whose text is a placeholder into shared-string cells (t="s") pointing at
    `strings`, and add the sharedStrings part, as Excel writes it."""

    def sheet(xml: bytes) -> bytes:
        for text, index in placeholders.items():
            xml = xml.replace(
                f't="inlineStr"><is><t>{text}</t></is>'.encode(), f't="s"><v>{index}</v>'.encode()
            )
        return xml

    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    sst = f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    rel = (
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    return rewrite(
        xlsx,
        {
            SHEET_PART: sheet,
            "xl/sharedStrings.xml": sst.encode(),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override),
        },
    )


def declare_size(xlsx: bytes, name: str, size: int) -> bytes:
    """The same archive whose headers (local and central) declare `size` bytes for the member `name`."""
    data = bytearray(xlsx)
    encoded = name.encode()
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if bytes(data[start + name_at : start + name_at + length]) == encoded:
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    return bytes(data)
