from pathlib import Path

from django.conf import settings

from treem.core.management.base import LoaderCommand
from treem.units import agency_loading

DEFAULT_FILE = settings.DATA_DIR / "agencies" / "46-thua-thien-hue.yaml"


class Command(LoaderCommand):
    help = (
        "Nạp danh mục cơ quan và nhóm cơ quan từ tệp YAML (mặc định: Thừa Thiên Huế 2023). Tệp của cấu trúc "
        "sau (46-hue-2025.yaml: ngày hiệu lực, cơ quan kết thúc, chuyển giao nhiệm vụ) nạp sau tệp trước "
        "và sau load_units của cấu trúc đó; xem docs/agencies.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, path, **options):
        summary = agency_loading.load_agencies(path)
        self.stdout.write(
            f"Cơ quan: {summary.created} tạo mới, {summary.updated} cập nhật, {summary.unchanged} không đổi."
        )
