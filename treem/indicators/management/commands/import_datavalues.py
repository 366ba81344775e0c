import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from treem.accounts.policy import EntryScope
from treem.core.errors import InputErrors
from treem.core.management.base import LoaderCommand
from treem.core.uploads import size_text
from treem.indicators import dhis2_read, webmessage
from treem.indicators.datavalues import import_values
from treem.indicators.import_options import import_options

MAX_FILE_BYTES = 1024 * 1024 * 1024  # a national half-year is ~45 MB


class Command(LoaderCommand):
    help = (
        "Nhập số liệu từ tệp DHIS2 dataValueSets (JSON) hoặc CSV. Kiểm tra toàn bộ trước; "
        "có lỗi thì không ghi gì (--atomic-mode NONE: ghi các giá trị hợp lệ). In ImportSummary như DHIS2 "
        "(importOptions, importCount, conflicts, rejectedIndexes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--strategy",
            default=None,
            help="DHIS2 importStrategy: CREATE_AND_UPDATE (default), CREATE, UPDATE or DELETE",
        )
        parser.add_argument(
            "--atomic-mode",
            default=None,
            help="DHIS2 atomicMode: ALL (default; any conflict and nothing is written) or NONE",
        )
        header = parser.add_mutually_exclusive_group()
        header.add_argument(
            "--first-row-is-header",
            action="store_const",
            const="true",
            dest="first_row_is_header",
            help="CSV: the first row is a header (default: decided by the first row)",
        )
        header.add_argument(
            "--no-header",
            action="store_const",
            const="false",
            dest="first_row_is_header",
            help="CSV: the first row is data",
        )
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
        strategy: str | None,
        atomic_mode: str | None,
        first_row_is_header: str | None,
        no_outliers: bool,
        max_bytes: int,
        max_values: int | None,
        **options: Any,
    ) -> None:
        # The command's options are DHIS2's query parameters, checked by the same rules as the API's.
        given = {
            "dryRun": "true" if dry_run else None,
            "importStrategy": strategy,
            "atomicMode": atomic_mode,
            "firstRowIsHeader": first_row_is_header,
        }
        query = {name: [value] for name, value in given.items() if value is not None}
        text = read_text(path, max_bytes)
        if path.name.lower().endswith(".csv"):
            chosen = import_options(query)
            value_set = dhis2_read.read_csv(
                text, max_values=max_values, first_row_is_header=chosen.first_row_is_header
            )
        else:
            value_set = dhis2_read.read_file(path.name, text, max_values=max_values)
            chosen = import_options(query, value_set.options)
        summary = import_values(
            value_set.inputs,
            user=None,
            dry_run=chosen.dry_run,
            check_outliers=not no_outliers,
            scope=EntryScope(True),
            keep_changes=False,
            strategy=chosen.strategy,
            atomic=chosen.atomic,
            strict_numbers=True,
            rejected=value_set.conflicts,
        )
        answer = webmessage.import_summary(summary, chosen.as_dhis2())
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        if summary.status == "ERROR":
            self.stderr.write(f"Có {len(answer['conflicts'])} lỗi; không có gì được ghi vào cơ sở dữ liệu.")
            raise SystemExit(1)
        if summary.conflicts:
            self.stderr.write(
                f"Có {len(answer['conflicts'])} lỗi; các giá trị có lỗi không được ghi "
                f"(rejectedIndexes), các giá trị khác đã được ghi."
            )


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
