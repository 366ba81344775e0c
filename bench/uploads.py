#!/usr/bin/env python
"""Hostile Excel uploads: time and peak memory of reading each one. Prints figures; not a test.

    .venv/bin/python bench/uploads.py [--baseline] [--timeout 120] [--output FILE]

Generates, in a temporary directory, the files of issue 7 (a zip bomb, a huge XML comment, megabytes of
whitespace, a `<dimension ref="A1:XFD20000"/>`, one long shared string repeated in many cells) next to an
ordinary filled province template, then reads each in its own subprocess (so each peak RSS is its own)
with the reader the upload uses (`treem.core.xlsx.Workbook` → `read_sheet` with the area of a province
template: 630 rows × 19 columns), timing the read and taking the peak RSS before and after it (VmHWM;
`ru_maxrss` where there is no /proc).
`--baseline` also runs the reader treem used before (openpyxl `load_workbook(read_only=True,
data_only=True)` and `iter_rows(max_row=20000)`), each under the timeout and a 6 GB address-space cap.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROWS, COLUMNS = 30 + 600, 2 + 17  # a province template: 600 communes, 17 input columns
GOAL_SECONDS, GOAL_MB = 2.0, 200


# --- the files ------------------------------------------------------------------------------------------------


def _cell(ref: str, value: str, shared: bool = False) -> str:
    if shared:
        return f'<c r="{ref}" t="s"><v>{value}</v></c>'
    if value.replace(".", "").isdigit():
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _rows(n: int = 600) -> str:
    """An ordinary filled sheet: codes, names and 17 figures per commune."""
    out = []
    for i in range(n):
        r = 8 + i
        cells = [_cell(f"A{r}", f"{19000 + i}"), _cell(f"B{r}", f"Xã số {i}")]
        cells += [_cell(f"{chr(67 + c)}{r}", str((i * 7 + c) % 500)) for c in range(17)]
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def _write(
    path: Path,
    sheet_parts: list[bytes | Repeated],
    shared: list[str] | None = None,
    dimension: str = "A1:S607",
) -> None:
    """An .xlsx whose one sheet is the concatenation of `sheet_parts` (streamed: a part may be a GiB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" count="{len(shared)}">{items}</sst>')
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode())
            for part in sheet_parts:
                if isinstance(part, Repeated):
                    for _ in range(part.times):
                        sheet.write(part.chunk)
                else:
                    sheet.write(part)
            sheet.write(b"</sheetData></worksheet>")


class Repeated:
    """`chunk` × `times`, written without holding it all (for the zip bomb's GiB)."""

    def __init__(self, chunk: bytes, times: int) -> None:
        self.chunk, self.times = chunk, times


def make_files(folder: Path) -> list[tuple[str, str, Path]]:
    """(name, what it is, path) of every file of the run."""
    files = []

    def add(name: str, what: str) -> Path:
        path = folder / f"{name}.xlsx"
        files.append((name, what, path))
        return path

    _write(add("ordinary", "a filled province template: 600 rows × 19 columns"), [_rows().encode()])
    _write(add("zip-bomb", "1 GiB of spaces in the sheet, declared honestly"), [Repeated(b" " * MB, 1024)])
    with zipfile.ZipFile(
        add("zip-directory", "100,000 empty members (zipfile reads the whole directory)"), "w"
    ) as z:
        for i in range(100_000):
            z.writestr(f"{i}", b"")
    _write(
        add("comment-44MB", "a 44 MB XML comment (~44 KB on disk, the issue's file)"),
        [b"<!--", b"x" * (44 * MB), b"-->"],
    )
    _write(
        add("comment-15MB", "a 15 MB comment full of '<', under the part limit"),
        [_rows(50).encode(), b"<!--", b"<x " * (5 * MB), b"-->"],
    )
    _write(
        add("whitespace-tag", "15 MB of spaces inside one <row> tag"),
        [b'<row r="8"' + b" " * (15 * MB) + b"/>"],
    )
    _write(
        add("whitespace-text", "15 MB of spaces and newlines between rows"),
        [_rows(50).encode(), b" \n" * (15 * MB // 2)],
    )
    empty_rows = "".join(f'<row r="{r}"/>' for r in range(58, 20_001)).encode()
    _write(
        add("dimension", 'dimension ref="A1:XFD20000", 50 filled rows, then empty rows to 20,000'),
        [_rows(50).encode(), empty_rows],
        dimension="A1:XFD20000",
    )
    cells = "".join(f'<row r="{8 + i}">{_cell(f"C{8 + i}", "0", shared=True)}</row>' for i in range(40))
    _write(
        add("shared-9MB", "one 9 MB shared string in 40 cells (~20 KB on disk)"),
        [cells.encode()],
        shared=["9" * (9 * MB)],
    )
    cells = "".join(f'<row r="{8 + i}">{_cell(f"C{8 + i}", "0", shared=True)}</row>' for i in range(600))
    _write(
        add("shared-100KB", "one 100 KB shared string in 600 cells (under every limit)"),
        [cells.encode()],
        shared=["9" * (100 * 1024)],
    )
    return files


# --- reading one file (in a subprocess) ---------------------------------------------------------------------------


def _rss_mb() -> float:
    """Peak RSS of this process, MB. Linux keeps ru_maxrss across exec, so a child started by a big parent
    would report the parent's peak: VmHWM (this address space's own high-water mark) where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_new(data: bytes) -> str:
    from treem.core import xlsx
    from treem.core.errors import InputErrors

    try:
        book = xlsx.Workbook(data)
        cells = book.read_sheet(book.sheetnames[0], max_row=ROWS, max_col=COLUMNS)
    except InputErrors as exc:
        return "refused: " + exc.messages[0]
    echoed = sum(len(str(v)) for v in cells.cells.values() if not isinstance(v, int | float))
    return f"read: {len(cells.cells)} cells, {cells.beyond_count} outside; text echoed {echoed:,} chars"


def read_old(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = list(wb[wb.sheetnames[0]].iter_rows(max_row=20_000, values_only=True))
    cells = sum(1 for row in rows for v in row if v is not None)
    echoed = sum(len(str(v)) for row in rows for v in row if isinstance(v, str))
    return f"read: {len(rows)} rows, {cells} cells; text echoed {echoed:,} chars"


def run_one(path: str, reader: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    django.setup()
    if reader == "old":
        cap = 6 * 1024 * MB
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    data = Path(path).read_bytes()
    import openpyxl  # noqa: F401 (imported before the clock starts, as in a running server)

    from treem.core import xlsx  # noqa: F401

    before = _rss_mb()
    started = time.perf_counter()
    try:
        outcome = (read_new if reader == "new" else read_old)(data)
    except MemoryError:
        outcome = "MemoryError (6 GB cap)"
    except Exception as exc:  # the old reader's many errors
        outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "rss_mb": _rss_mb(), "growth_mb": _rss_mb() - before, "outcome": outcome}
        )
    )


def measure(path: Path, reader: str, timeout: float) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--run-one", str(path), "--reader", reader],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {
            "seconds": time.perf_counter() - started,
            "rss_mb": None,
            "growth_mb": None,
            "outcome": f"killed after {timeout:.0f} s",
        }
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {
            "seconds": None,
            "rss_mb": None,
            "growth_mb": None,
            "outcome": f"crashed: {done.stderr.strip()[-120:]}",
        }
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also run the old openpyxl reader")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    parser.add_argument("--reader", default="new", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        run_one(args.run_one, args.reader)
        return

    lines = [
        "# Hostile uploads",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        "",
        "| file | on disk | reader | time | peak RSS (growth) | outcome |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        print("generating files…", file=sys.stderr)
        for name, what, path in make_files(Path(folder)):
            for reader in ("new", "old") if args.baseline else ("new",):
                print(f"{name} ({reader})…", file=sys.stderr)
                r = measure(path, reader, args.timeout)
                seconds = "—" if r["seconds"] is None else f"{r['seconds']:.2f} s"
                rss = "—" if r["rss_mb"] is None else f"{r['rss_mb']:.0f} MB (+{r['growth_mb']:.0f})"
                size = path.stat().st_size
                size_text = f"{size / MB:.1f} MB" if size >= MB else f"{size / 1024:.0f} KB"
                ok = ""
                if reader == "new" and r["seconds"] is not None and name != "ordinary":
                    met = r["seconds"] < GOAL_SECONDS and r["rss_mb"] < GOAL_MB
                    ok = " ✔" if met else " ✘"
                outcome = r["outcome"].replace("|", "/")
                lines.append(
                    f"| {name}: {what} | {size_text} | {reader} | {seconds}{ok} | {rss} | {outcome} |"
                )
    report = "\n".join(lines)
    print(report)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
