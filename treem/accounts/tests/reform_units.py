"""A small 2025 structure for tests (not a test module): Huế's 40 communes of 01/07/2025 right below the
city, beside the 2023 districts and communes, which end that day. The rows come from the shipped 2025
data (data/units/vietnam-2025.csv); the unit loader of the reform is not needed, so these tests do not
depend on how it evolves. Call it inside a test (the transaction rolls it back)."""

from __future__ import annotations

import csv
import datetime

from django.conf import settings

from treem.units.models import AdministrativeUnit, UnitLevel

REFORM_DAY = datetime.date(2025, 7, 1)
UNITS_2025 = settings.DATA_DIR / "units" / "vietnam-2025.csv"


def load_reform_tree(province_code: str = "46") -> list[AdministrativeUnit]:
    """End the province's 2023 districts and communes on REFORM_DAY and add its 2025 communes under the
    province (idempotent: a tree already there is returned as it is). Returns the 2025 communes."""
    province = AdministrativeUnit.objects.get(code=province_code, parent__isnull=True)
    existing = list(
        AdministrativeUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE, valid_from=REFORM_DAY)
    )
    if existing:
        return existing
    AdministrativeUnit.objects.filter(path__startswith=province.path, valid_to__isnull=True).exclude(
        pk=province.pk
    ).update(valid_to=REFORM_DAY)
    with UNITS_2025.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["parent_code"] == province_code]
    return [
        AdministrativeUnit.objects.create(
            code=row["code"],
            name=row["name"],
            level=UnitLevel.COMMUNE,
            unit_type=row["type"],
            parent=province,
            valid_from=REFORM_DAY,
        )
        for row in rows
    ]
