"""One pass of deadline reminders (treem.reporting.reminders): from cron, or the Celery beat task."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from treem.core.formatting import format_date
from treem.reporting import reminders
from treem.reporting.models import ReminderKind

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_day(text: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ: {text!r} (dạng dd/mm/yyyy hoặc YYYY-MM-DD).")


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc hạn báo cáo cho các đơn vị chưa gửi: trước hạn (TREEM_REMINDER_DAYS_BEFORE ngày, mặc "
        "định 7), đúng ngày hạn và khi quá hạn (đến TREEM_REMINDER_OVERDUE_DAYS ngày, mặc định 30). Mỗi loại "
        "thư chỉ gửi một lần cho mỗi đơn vị và đợt, dù chạy bao nhiêu lần."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default=None, help="ngày coi là hôm nay: dd/mm/yyyy hoặc YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê thư sẽ gửi, không gửi")

    def handle(self, *args: Any, date: str | None = None, dry_run: bool = False, **options: Any) -> None:
        today = parse_day(date) if date else None
        result = reminders.run_pass(today=today, dry_run=dry_run)
        day = format_date(today) if today else "hôm nay"
        if dry_run:
            self.stdout.write(f"Chạy thử ({day}): {len(result.due)} thư nhắc sẽ được gửi.")
            for due in result.due:
                self.stdout.write(
                    f"  {due.kind.label}: {due.round.code} · {due.agency.code} → {', '.join(due.recipients)}"
                )
            return
        counts = ", ".join(f"{kind.label.lower()}: {result.sent[kind.value]}" for kind in ReminderKind)
        self.stdout.write(f"Đã gửi {result.total} thư nhắc hạn báo cáo ({day}; {counts}).")
        if result.skipped:
            self.stdout.write(f"{result.skipped} thư đã được gửi trước đó, bỏ qua.")
        if result.no_recipient:
            self.stdout.write(f"{result.no_recipient} đơn vị chưa có người dùng có địa chỉ email, không gửi.")
        if result.failed:
            self.stderr.write(f"{result.failed} thư gửi không được; lần chạy sau sẽ gửi lại.")
