"""Limits on what treem accepts from outside, in one place: request bodies and query strings, zip archives
(an .xlsx is one), XML parts, JSON and CSV. Every refusal is an `InputErrors` with a clear message in the
active language (Vietnamese unless the user chose English), raised before anything is written.

Each limit can be changed in settings (`TREEM_MAX_…`); the defaults hold a province's files with room to
spare and keep one hostile file within a few seconds and a few hundred MB (docs/indicators.md, "Limits").
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import InputErrors

MB = 1024 * 1024
DEFAULTS: dict[str, int] = {
    "TREEM_MAX_API_BODY_BYTES": 10 * MB,  # a province's values for a year are ~2 MB of JSON
    "TREEM_MAX_UPLOAD_BYTES": 10 * MB,  # an uploaded file (the Excel template)
    "TREEM_UPLOAD_BACKGROUND_BYTES": 512 * 1024,  # larger uploads are read by a background job
    "TREEM_MAX_ATTACHMENT_BYTES": 10 * MB,  # one attached file (treem.core.filetypes): a scanned PDF, a photo
    "TREEM_MAX_ZIP_ENTRIES": 200,
    "TREEM_MAX_ZIP_TOTAL_BYTES": 100 * MB,  # declared uncompressed size of the whole archive
    "TREEM_MAX_XML_PART_BYTES": 20 * MB,  # one worksheet, uncompressed
    "TREEM_MAX_SHARED_STRINGS_BYTES": 4 * MB,  # the shared strings part, uncompressed
    "TREEM_MAX_XML_SMALL_PART_BYTES": 2 * MB,  # workbook, relationships, styles
    "TREEM_MAX_PARSE_SECONDS": 30,
    "TREEM_MAX_JSON_DEPTH": 20,  # dataValueSets needs 3
    "TREEM_MAX_IMPORT_VALUES": 5_000_000,  # values in one file (the command line; the API's body is smaller)
}
NUMBER_CHARS = 100  # a number written with more characters is not a figure
FIELD_CHARS = 10_000  # one CSV field, one code or comment
EXCERPT_CHARS = 40
FORM_OVERHEAD_BYTES = 64 * 1024  # the multipart envelope and the other fields around an uploaded file
END_RECORD_SEARCH = 22 + 65_535  # a zip's end record, and the comment that may follow it
MAX_DIRECTORY_BYTES = 256 * 1024  # a zip's central directory (an .xlsx needs a few KB)


def limit(name: str) -> int:
    """The limit `name` (one of DEFAULTS), as settings give it."""
    return int(getattr(settings, name, DEFAULTS[name]))


def body_limit(path: str, content_type: str) -> int:
    """The largest request body accepted for a path: the API's, an upload's (with room for the form
    around the file), or Django's limit for an ordinary form."""
    if path.startswith("/api/"):
        return limit("TREEM_MAX_API_BODY_BYTES")
    if content_type == "multipart/form-data":
        return limit("TREEM_MAX_UPLOAD_BYTES") + FORM_OVERHEAD_BYTES
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit("TREEM_MAX_UPLOAD_BYTES"))


def excerpt(value: object, chars: int = EXCERPT_CHARS) -> str:
    """A value as it may be echoed in a message: at most `chars` characters, '…' when cut."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= chars:
        return text
    return text[:chars] + "…"


class Oversized:
    """Text too long to be what its place expects (a number, a code), kept as its first characters and its
    length only: passed on instead of the text, it is refused like any wrong value, quoted as an excerpt,
    and a long string repeated in thousands of cells costs nothing more per cell."""

    __slots__ = ("head", "length")

    def __init__(self, text: str, length: int | None = None) -> None:
        self.head = text[:EXCERPT_CHARS]
        self.length = len(text) if length is None else length

    def __str__(self) -> str:
        return self.head + "…"

    def __repr__(self) -> str:
        return f"Oversized({self.head!r}…, {self.length})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Oversized) and (self.head, self.length) == (other.head, other.length)

    def __hash__(self) -> int:
        return hash((self.head, self.length))


def size_text(n: int) -> str:
    """A byte count for people: '512 KB', '10 MB'."""
    return f"{n // MB} MB" if n >= MB else f"{max(n // 1024, 1)} KB"


class Deadline:
    """A time budget for reading one input; `check()` refuses the input once it is spent."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = limit("TREEM_MAX_PARSE_SECONDS") if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise InputErrors(
                [
                    _("Đọc tệp mất quá %(n)d giây nên đã dừng; tệp quá lớn hoặc bất thường.")
                    % {"n": self.seconds}
                ]
            )


# --- zip archives ------------------------------------------------------------------------------------------


class NotAnArchive(InputErrors):
    """The file is not a zip archive at all (the caller may say what it expected instead)."""


class SafeZip:
    """A zip archive whose declared sizes were checked before anything is unpacked, and whose members are
    read with the actual size checked too (a damaged or lying header is refused, never trusted)."""

    def __init__(self, file: IO[bytes] | bytes) -> None:
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        self._check_directory(source)
        try:
            self.zip = zipfile.ZipFile(source)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise NotAnArchive(
                [_("Tệp không phải là tệp nén hợp lệ (tệp .xlsx là một tệp nén zip).")]
            ) from exc
        if len(infos) > limit("TREEM_MAX_ZIP_ENTRIES"):
            raise InputErrors(
                [_("Tệp nén có %(n)d phần, nhiều bất thường; tệp không đúng mẫu.") % {"n": len(infos)}]
            )
        total = sum(info.file_size for info in infos)
        if total > limit("TREEM_MAX_ZIP_TOTAL_BYTES"):
            raise InputErrors([self._too_big(_("toàn bộ tệp"), total, limit("TREEM_MAX_ZIP_TOTAL_BYTES"))])
        self.infos = {info.filename: info for info in infos}

    @staticmethod
    def _check_directory(source: IO[bytes]) -> None:
        """Refuse, from the end record alone, an archive whose directory is too large to read: zipfile
        reads every entry before it can be counted (100,000 empty members, 8 MB, took 3.7 s)."""
        source.seek(0, io.SEEK_END)
        size = source.tell()
        source.seek(max(size - END_RECORD_SEARCH, 0))
        tail = source.read()
        source.seek(0)
        at = tail.rfind(b"PK\x05\x06")
        if at == -1 or at + 22 > len(tail):
            return  # not a zip: zipfile says so
        entries, directory_size = struct.unpack_from("<HI", tail, at + 10)
        if entries > limit("TREEM_MAX_ZIP_ENTRIES") or directory_size > MAX_DIRECTORY_BYTES:
            raise InputErrors(
                [_("Tệp nén có %(n)d phần, nhiều bất thường; tệp không đúng mẫu.") % {"n": entries}]
            )

    @staticmethod
    def _too_big(part: str, size: int, most: int) -> str:
        return _(
            "Tệp quá lớn khi giải nén (%(part)s: %(size)s, tối đa %(most)s); hãy dùng mẫu tải từ hệ thống."
        ) % {"part": part, "size": size_text(size), "most": size_text(most)}

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str, most: int) -> bytes:
        """The member's bytes; refused when its declared or actual size is over `most` or it is damaged."""
        info = self.infos[name]
        if info.file_size > most:
            raise InputErrors([self._too_big(excerpt(name), info.file_size, most)])
        try:
            with self.zip.open(info) as member:
                data = member.read(most + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InputErrors(
                [_("Tệp bị hỏng (phần %(part)s không giải nén được).") % {"part": excerpt(name)}]
            ) from exc
        if len(data) > most or len(data) != info.file_size:
            raise InputErrors(
                [_("Tệp bị hỏng (phần %(part)s không giải nén được).") % {"part": excerpt(name)}]
            )
        return data


# --- XML ------------------------------------------------------------------------------------------------------

MARKUP_GAP = 128 * 1024  # every window of this many bytes must hold a "<": no token is longer than twice it


def check_markup(data: bytes, part: str) -> None:
    """Refuse an XML part that could hold a long token: any `<!` (comment, CDATA, DOCTYPE, entity: Excel
    writes none, and a comment or CDATA section may hold any text), any processing instruction but the
    XML declaration, and any stretch of MARKUP_GAP bytes without a "<" (a tag or text of megabytes). An
    attribute value cannot hold "<", so every remaining token is shorter than 2 × MARKUP_GAP. Linear,
    and it copies nothing."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputErrors([_("Tệp có phần %(part)s mã hóa UTF-16; tệp Excel dùng UTF-8.") % {"part": part}])
    declaration = 3 if data.startswith(b"\xef\xbb\xbf<?xml ") else 0 if data.startswith(b"<?xml ") else -2
    if data.find(b"<!") != -1 or data.find(b"<?", declaration + 2) != -1:
        raise InputErrors(
            [
                _(
                    "Tệp có chú thích, CDATA, chỉ thị xử lý hoặc khai báo DOCTYPE/ENTITY (phần %(part)s); tệp Excel thật không có."
                )
                % {"part": part}
            ]
        )
    for start in range(0, len(data), MARKUP_GAP):
        if data.find(b"<", start, start + MARKUP_GAP) == -1 and len(data) - start >= MARKUP_GAP:
            raise InputErrors(
                [
                    _("Tệp có một đoạn dài bất thường không có thẻ XML (phần %(part)s, gần byte %(at)d).")
                    % {"part": part, "at": start}
                ]
            )


StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]


class _Refused(Exception):
    pass


def parse_xml(
    data: bytes,
    start: StartHandler,
    end: EndHandler,
    text: TextHandler,
    *,
    deadline: Deadline,
    part: str,
    namespaces: bool = True,
) -> None:
    """Stream `data` through expat, calling the handlers with local names (namespaces dropped).
    `namespaces=False` is faster, for parts whose attributes carry no prefix (worksheets): element names
    are still given without their prefix, attribute names as written.

    Safe for hostile input. expat's time grows with the square of a token's length (fed in 16 KB chunks,
    as openpyxl does, it rescans an unfinished token each time: a 44 KB file took 46 s), so before parsing
    `check_markup` refuses what would make a long token; the part is then given to expat in one call,
    as UTF-8 whatever it declares, and the deadline is checked every few thousand elements."""
    check_markup(data, part)
    separator = " " if namespaces else ":"
    if namespaces:
        parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    else:
        parser = expat.ParserCreate(encoding="utf-8")
    count = 0

    def on_start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if not count & 0xFFF:
            deadline.check()
        if separator in name:
            name = name.rpartition(separator)[2]
        if namespaces:
            attrs = {k.rpartition(" ")[2]: v for k, v in attrs.items()}
        start(name, attrs)

    def on_end(name: str) -> None:
        end(name.rpartition(separator)[2] if separator in name else name)

    def refuse_doctype(*args: object) -> None:
        raise _Refused

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused:
        raise InputErrors(
            [_("Tệp có khai báo DOCTYPE/ENTITY (phần %(part)s); tệp Excel thật không có.") % {"part": part}]
        ) from None
    except expat.ExpatError as exc:
        raise InputErrors(
            [
                _("Tệp bị hỏng: phần %(part)s không phải XML hợp lệ (dòng %(line)s, cột %(col)s).")
                % {"part": part, "line": exc.lineno, "col": exc.offset}
            ]
        ) from None


# --- JSON -----------------------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class _NumberTooLong(ValueError):
    pass


def _json_number(text: str) -> Decimal:
    if len(text) > NUMBER_CHARS:
        raise _NumberTooLong(text)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the JSON scanner only hands over valid numbers
        raise _NumberTooLong(text) from None


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped); linear, no recursion."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_json(text: str) -> Any:
    """A JSON document with numbers as Decimal; refused (InputErrors) when nested deeper than the limit,
    holding a number of more than NUMBER_CHARS characters, or malformed."""
    most = limit("TREEM_MAX_JSON_DEPTH")
    if json_depth(text) > most:
        raise InputErrors([_("JSON lồng nhau quá sâu (tối đa %(n)d cấp).") % {"n": most}])
    try:
        # NaN and Infinity stay text: the value check then says they are not numbers.
        data = json.loads(text, parse_int=_json_number, parse_float=_json_number, parse_constant=str)
        if _SURROGATE_ESCAPE.search(text):
            _refuse_lone_surrogates(data)
        return data
    except json.JSONDecodeError as exc:
        raise InputErrors(
            [
                _("Tệp JSON không hợp lệ: dòng %(line)d, cột %(col)d: %(msg)s.")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ]
        ) from None
    except _NumberTooLong as exc:
        raise InputErrors(
            [
                _("JSON có một số quá dài (%(n)d ký tự): %(value)s")
                % {"n": len(str(exc)), "value": excerpt(str(exc))}
            ]
        ) from None
    except RecursionError:  # pragma: no cover - json_depth refuses such a text first
        raise InputErrors([_("JSON lồng nhau quá sâu (tối đa %(n)d cấp).") % {"n": most}]) from None


# "\ud800" … "\udfff": half of a UTF-16 pair. Alone it decodes to a string that no database, log or answer can
# encode, so such a document is refused whole rather than failing later.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(data: Any) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InputErrors(
                    [_("JSON có ký tự Unicode không hợp lệ (một nửa cặp \\uD800–\\uDFFF đứng riêng).")]
                ) from None


# --- CSV ------------------------------------------------------------------------------------------------------


def csv_records(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line the record starts on, its fields) for each record, or (line, a message) for a record that
    cannot be read: an unterminated quote, text after a closing quote, a field over FIELD_CHARS. An
    unreadable record ends the reading (what follows it cannot be trusted)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) or "EOF" in str(exc):
                message = _('dấu ngoặc kép (") mở mà không đóng')
            elif "field larger than field limit" in str(exc):
                message = _("một ô dài quá %(n)d ký tự") % {"n": FIELD_CHARS}
            else:
                message = _("sai cú pháp CSV (%(error)s)") % {"error": excerpt(str(exc))}
            yield line, message
            return
        long = next((cell for cell in row if len(cell) > FIELD_CHARS), None)
        if long is not None:
            yield line, _("một ô dài %(n)d ký tự, tối đa %(most)d") % {"n": len(long), "most": FIELD_CHARS}
            continue
        yield line, row
