"""Delete the staged imports (uploads waiting for confirmation) older than TREEM_STAGED_IMPORT_HOURS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from treem.entry import staging


class Command(BaseCommand):
    help = (
        "Xóa các tệp chờ xác nhận đã quá hạn (TREEM_STAGED_IMPORT_HOURS giờ sau khi tải lên, mặc định 24), "
        "đã ghi hay chưa. Chạy định kỳ (cron), hoặc gọi treem.entry.staging.purge_expired() từ bộ lập lịch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = staging.purge_expired()
        hours = int(staging.lifetime().total_seconds() // 3600)
        self.stdout.write(f"Đã xóa {purged} tệp chờ xác nhận quá {hours} giờ.")
