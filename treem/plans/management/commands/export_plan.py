import json

from django.core.management.base import BaseCommand, CommandError

from treem.plans.exporter import export_plan
from treem.plans.models import Plan


class Command(BaseCommand):
    help = "In kế hoạch ra dạng JSON (nạp lại được bằng load_plan)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, code, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã '{code}'.")
        self.stdout.write(json.dumps(export_plan(plan), ensure_ascii=False, indent=2))
