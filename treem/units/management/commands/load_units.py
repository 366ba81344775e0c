import datetime
from pathlib import Path

from treem.core.management.base import LoaderCommand
from treem.core.uploads import MB
from treem.units import services
from treem.units.agency_file import read_input_text

CSV_LIMIT = 20 * MB  # the whole country's 2023 units are 0.4 MB


class Command(LoaderCommand):
    help = (
        "Nạp đơn vị hành chính. Không tham số: cấu trúc năm 2023 của Thừa Thiên Huế. "
        "--structure 2025: cấu trúc từ 01/07/2025 (không còn cấp huyện) và bảng sắp xếp 2023→2025; "
        "--province MÃ: một tỉnh từ dữ liệu kèm theo; --all: cả nước; "
        "--csv TỆP: tệp code,name,type,parent_code."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structure",
            choices=services.STRUCTURES,
            default="2023",
            help="which shipped structure: 2023 (default) or 2025 (after the reform, with the mapping)",
        )
        parser.add_argument("--province", default=None, help="GSO code of a province in the shipped data")
        parser.add_argument("--all", action="store_true", help="load every province of the shipped data")
        parser.add_argument(
            "--csv", type=Path, default=None, help="CSV with columns code,name,type,parent_code"
        )
        parser.add_argument("--valid-from", type=datetime.date.fromisoformat, default=None)
        parser.add_argument(
            "--retire-missing-on",
            type=datetime.date.fromisoformat,
            default=None,
            help="units of the loaded provinces missing from the input get this valid_to date",
        )

    def handle(self, *args, structure, province, all, csv, valid_from, retire_missing_on, **options):
        if csv:
            rows = services.read_units_csv(read_input_text(csv, CSV_LIMIT))
            summary = services.load_units(rows, valid_from=valid_from, retire_missing_on=retire_missing_on)
        else:
            code = None if all else (province or services.DEFAULT_PROVINCE)
            summary = services.load_structure(
                structure, code, valid_from=valid_from, retire_missing_on=retire_missing_on
            )
        self.stdout.write(
            f"Đơn vị hành chính: {summary.created} tạo mới, {summary.updated} cập nhật, "
            f"{summary.unchanged} không đổi, {summary.retired} hết hiệu lực."
        )
        if structure == "2025" and not csv:
            self.stdout.write(f"Sắp xếp đơn vị hành chính 2023→2025: {summary.successions} dòng.")
