from django.core.management.base import BaseCommand, CommandError

from treem.indicators import dhis2
from treem.units.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Xuất số liệu dạng DHIS2 dataValueSets (JSON) hoặc CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--period", action="append", help="DHIS2 period id; repeatable")
        parser.add_argument("--unit", help="GSO code: this unit and everything under it")
        parser.add_argument("--element", action="append", help="data element code; repeatable")

    def handle(self, *args, format, period, unit, element, **options):
        path = None
        if unit:
            found = AdministrativeUnit.objects.filter(code=unit).first()
            if found is None:
                raise CommandError(f"Không có đơn vị hành chính mã '{unit}'.")
            path = found.path
        rows = dhis2.values_for_export(period, path, element)
        self.stdout.write(dhis2.write_csv(rows) if format == "csv" else dhis2.write_json(rows), ending="")
