import json
from pathlib import Path

from treem.accounts.policy import EntryScope
from treem.core.management.base import LoaderCommand
from treem.indicators import dhis2
from treem.indicators.datavalues import import_values


class Command(LoaderCommand):
    help = (
        "Nhập số liệu từ tệp DHIS2 dataValueSets (JSON) hoặc CSV. Kiểm tra toàn bộ trước; "
        "có lỗi thì không ghi gì. In bản tóm tắt như DHIS2 (imported/updated/ignored/deleted, conflicts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--no-outliers", action="store_true", help="skip the outlier warnings (faster)")

    def handle(self, *args, path, dry_run, no_outliers, **options):
        inputs = dhis2.read_file(path.name, path.read_text(encoding="utf-8"))
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
