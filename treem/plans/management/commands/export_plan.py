import json

from django.core.management.base import BaseCommand, CommandError

from treem.plans.exporter import export_plan, plan_yaml
from treem.plans.models import Plan


class Command(BaseCommand):
    help = "In kế hoạch ra dạng JSON hoặc YAML (nạp lại được bằng load_plan)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--format", choices=["json", "yaml"], default="json")

    def handle(self, *args, code, format, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã '{code}'.")
        data = export_plan(plan)
        if format == "yaml":
            self.stdout.write(plan_yaml(data), ending="")
        else:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
