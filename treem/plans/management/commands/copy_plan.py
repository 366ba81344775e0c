from pathlib import Path

from treem.core.errors import InputErrors
from treem.core.management.base import LoaderCommand
from treem.plans.copying import check_copy, copy_plan, do_copy_plan
from treem.plans.exporter import plan_yaml
from treem.plans.models import Plan


class Command(LoaderCommand):
    help = (
        "Soạn dự thảo kế hoạch năm mới từ một kế hoạch đã nạp (chuyển hạn, kỳ báo cáo sang năm mới, "
        "thay cơ quan đã giải thể bằng cơ quan tiếp nhận) và in từng thay đổi."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="mã kế hoạch nguồn")
        parser.add_argument("--code", required=True, help="mã của bản dự thảo")
        parser.add_argument("--year", required=True, type=int, help="năm của bản dự thảo")
        parser.add_argument(
            "--output", type=Path, help="chỉ ghi dự thảo ra tệp YAML này, không nạp vào cơ sở dữ liệu"
        )

    def handle(self, *args, source, code, year, output, **options):
        plan = Plan.objects.filter(code=source).first()
        if plan is None:
            raise InputErrors([f"Không có kế hoạch mã '{source}'."])
        if output is not None:
            result = copy_plan(plan, code=code, year=year)
            check_copy(result)
            output.write_text(plan_yaml(result.data), encoding="utf-8")
            done = f"Đã ghi dự thảo {code} ra {output} (chưa nạp)"
        else:
            result = do_copy_plan(plan, code=code, year=year)
            done = f"Đã nạp dự thảo {code} từ kế hoạch {source}"
        for change in result.changes:
            self.stdout.write(f"- {change.label} — {change}")
        self.stdout.write(f"{done}; {len(result.changes)} thay đổi cần kiểm tra.")
