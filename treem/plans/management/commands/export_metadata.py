import json

from django.core.management.base import BaseCommand, CommandError

from treem.plans.metadata import plan_metadata
from treem.plans.models import Plan


class Command(BaseCommand):
    help = "In siêu dữ liệu chỉ tiêu của kế hoạch (chỉ số dữ liệu, tổ hợp phân tổ, tử số/mẫu số/hệ số) dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True)

    def handle(self, *args, plan, **options):
        plan_obj = Plan.objects.filter(code=plan).first()
        if plan_obj is None:
            raise CommandError(f"Không có kế hoạch mã '{plan}'.")
        self.stdout.write(json.dumps(plan_metadata(plan_obj), ensure_ascii=False, indent=2))
