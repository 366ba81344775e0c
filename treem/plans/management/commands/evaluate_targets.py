import json

from django.core.management.base import BaseCommand, CommandError

from treem.core.periods import PeriodError, parse_period, period_dates
from treem.plans.evaluation import evaluate
from treem.plans.models import Plan
from treem.units.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Đánh giá các chỉ tiêu của kế hoạch cho một kỳ và một đơn vị (mặc định: tỉnh của kế hoạch)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True)
        parser.add_argument("--period", required=True, help="DHIS2 period id, e.g. 2023 or 2023S1")
        parser.add_argument(
            "--unit", action="append", help="GSO code; repeatable (default: the plan's province)"
        )
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, plan, period, unit, **options):
        plan_obj = Plan.objects.filter(code=plan).first()
        if plan_obj is None:
            raise CommandError(f"Không có kế hoạch mã '{plan}'.")
        try:
            parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        units = self._units(unit, period) if unit else [self._province(plan_obj, period)]
        # Exact figures, small counts from children's records included: the command is run by an operator
        # on the server, who reads the database anyway. Outputs for users hide them (indicators.disclosure).
        results = [e.as_dict() for e in evaluate(plan_obj, period, units)]
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))

    def _province(self, plan: Plan, period: str) -> AdministrativeUnit:
        """The version of the plan's province that existed in the period (the plan's own row if none)."""
        _kind, start, end = period_dates(period)
        return AdministrativeUnit.objects.version_of(plan.province.code, during=(start, end)) or plan.province

    def _units(self, codes: list[str], period: str) -> list[AdministrativeUnit]:
        """The version of each code that existed in the period (a code is a 2023 and a 2025 unit)."""
        _kind, start, end = period_dates(period)
        found = {code: AdministrativeUnit.objects.version_of(code, during=(start, end)) for code in codes}
        missing = sorted(code for code, got in found.items() if got is None)
        if missing:
            raise CommandError(
                f"Không có đơn vị hành chính mã: {', '.join(missing)}. (Mã được tra trong các đơn vị tồn tại "
                f"trong kỳ {period}.)"
            )
        return [unit for unit in found.values() if unit is not None]
