import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from treem.core.periods import PeriodError, parse_period
from treem.indicators import dhis2
from treem.indicators.periods import span_of
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope, unit_in_scope


class Command(BaseCommand):
    help = "Xuất số liệu dạng DHIS2 dataValueSets (JSON) hoặc CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--period", action="append", help="DHIS2 period id; repeatable")
        parser.add_argument(
            "--unit", help="GSO code: this unit and (unless --no-children) everything under it"
        )
        parser.add_argument("--element", action="append", help="data element code; repeatable")
        parser.add_argument(
            "--children",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="with --unit: the units under it too (default); --no-children: that unit only",
        )
        parser.add_argument(
            "--include-deleted",
            action="store_true",
            help="also the last deleted value of each cell that has none now (deleted: true)",
        )

    def handle(self, *args, format, period, unit, element, children, include_deleted, **options):
        units = [self._unit(unit, period)] if unit else None
        rows = dhis2.values_for_export(period, units, element, children=children)
        deleted = (
            dhis2.deleted_for_export(period, units, element, children=children) if include_deleted else []
        )
        write = dhis2.write_csv if format == "csv" else dhis2.write_json
        self.stdout.write(write(rows, (), deleted), ending="")

    def _unit(self, code: str, periods: list[str] | None) -> AdministrativeUnit:
        """The version of the code that existed in the periods asked (without periods: today's, or the
        last one): after the 2025 reform one code is a 2023 and a 2025 unit."""
        during: tuple[datetime.date, datetime.date] | None = None
        if periods:
            try:
                for code_asked in periods:
                    parse_period(code_asked)
            except PeriodError as exc:
                raise CommandError(str(exc)) from exc
            during = span_of(periods)
        found = unit_in_scope(Scope(all_provinces=True), code, during=during)
        if found is None:
            where = " trong các kỳ đã chọn" if periods else ""
            raise CommandError(f"Không có đơn vị hành chính mã '{code}'{where}.")
        return found
