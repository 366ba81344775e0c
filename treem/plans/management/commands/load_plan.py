from pathlib import Path

from treem.core.management.base import LoaderCommand
from treem.plans.services import load_plan


class Command(LoaderCommand):
    help = "Nạp hoặc cập nhật một kế hoạch từ tệp YAML/JSON (xem docs/plan-file.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        result = load_plan(path)
        parts = []
        for label, counter in (
            ("tạo mới", result.created),
            ("cập nhật", result.updated),
            ("ngừng dùng", result.retired),
        ):
            total = sum(counter.values())
            if total:
                parts.append(f"{total} {label}")
        status = result.plan.get_status_display()
        self.stdout.write(f"Kế hoạch {result.plan.code} ({status}): {', '.join(parts) or 'không thay đổi'}.")
