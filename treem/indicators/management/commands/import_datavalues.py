import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from treem.accounts.policy import EntryScope
from treem.core.errors import InputErrors
from treem.core.management.base import LoaderCommand
from treem.core.uploads import size_text
from treem.indicators import dhis2_read
from treem.indicators.datavalues import import_values

MAX_FILE_BYTES = 1024 * 1024 * 1024  # a national half-year is ~45 MB


class Command(LoaderCommand):
    help = (
        "Nhập số liệu từ tệp DHIS2 dataValueSets (JSON) hoặc CSV. Kiểm tra toàn bộ trước; "
        "có lỗi thì không ghi gì. In bản tóm tắt như DHIS2 (imported/updated/ignored/deleted, conflicts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--no-outliers", action="store_true", help="skip the outlier warnings (faster)")
        parser.add_argument(
            "--max-bytes", type=int, default=MAX_FILE_BYTES, help="refuse a larger file (default 1 GB)"
        )
        parser.add_argument(
            "--max-values",
            type=int,
            default=None,
            help="refuse a file with more values (default: settings TREEM_MAX_IMPORT_VALUES, 5,000,000)",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        dry_run: bool,
        no_outliers: bool,
        max_bytes: int,
        max_values: int | None,
        **options: Any,
    ) -> None:
        inputs = dhis2_read.read_file(path.name, read_text(path, max_bytes), max_values=max_values)
        summary = import_values(
            inputs,
            user=None,
            dry_run=dry_run,
            check_outliers=not no_outliers,
            scope=EntryScope(True),
            keep_changes=False,
        )
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        if summary.conflicts:
            self.stderr.write(f"Có {len(summary.conflicts)} lỗi; không có gì được ghi vào cơ sở dữ liệu.")
            raise SystemExit(1)


def read_text(path: Path, max_bytes: int) -> str:
    """The file as UTF-8 text; InputErrors (Vietnamese) when missing, too large or not UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputErrors([f"Không đọc được tệp {path}: {exc.strerror}."]) from exc
    if size > max_bytes:
        raise InputErrors(
            [f"Tệp {path.name} có {size_text(size)}, lớn hơn giới hạn {size_text(max_bytes)} (--max-bytes)."]
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputErrors([f"Tệp {path.name} không phải văn bản UTF-8 (byte {exc.start})."]) from exc
