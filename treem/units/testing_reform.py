"""For tests: a province's unit tree through the 2025 reform, built on the session's 2023 tree.

`build_reform_trees()` ends every 2023 district and commune of the province (46 by default) on the reform
day and adds a few 2025 communes right under the province, created after the 2023 ones so that one whose
code a 2023 commune had gets a versioned path ("46/19900@20250701/"). Tests run in a transaction, so the
session's 2023 tree is back as it was afterwards. `user_at` makes a user whose area is a given unit
object (a code alone no longer names one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .models import AdministrativeUnit, Agency, UnitLevel

REFORM_DAY = datetime.date(2025, 7, 1)
# (code, name, type) of 2025 communes of Huế city; the first shares its code with a 2023 commune of 474.
NEW_COMMUNES = (
    ("19900", "Phường Thuận An", "phường"),
    ("20014", "Phường Hóa Châu", "phường"),
    ("19930", "Phường Mỹ Thượng", "phường"),
)


@dataclass(frozen=True)
class ReformTrees:
    province: AdministrativeUnit
    district_2023: AdministrativeUnit
    commune_2023: AdministrativeUnit  # 46/474/19900/, until the reform day
    commune_2025: AdministrativeUnit  # 46/19900@20250701/, from the reform day
    communes_2025: list[AdministrativeUnit]


def build_reform_trees(province_code: str = "46", district_code: str = "474") -> ReformTrees:
    province = AdministrativeUnit.objects.get(code=province_code, parent__isnull=True)
    below = AdministrativeUnit.objects.filter(path__startswith=province.path).exclude(pk=province.pk)
    below.filter(valid_to__isnull=True).update(valid_to=REFORM_DAY)
    district = AdministrativeUnit.objects.get(code=district_code, parent=province)
    communes = [
        AdministrativeUnit.objects.create(
            code=code,
            name=name,
            level=UnitLevel.COMMUNE,
            unit_type=kind,
            parent=province,
            valid_from=REFORM_DAY,
        )
        for code, name, kind in NEW_COMMUNES
    ]
    first_code = NEW_COMMUNES[0][0]
    commune_2023 = AdministrativeUnit.objects.get(code=first_code, parent=district)
    return ReformTrees(province, district, commune_2023, communes[0], communes)


def user_at(role: str, unit: AdministrativeUnit | None, agency_code: str | None = None, **extra: Any) -> Any:
    """A saved user of `role` whose area is `unit` (and agency, by its code)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.create_user(
        username=f"{role}-{unit.path if unit else ''}-{user_model.objects.count()}",
        password="Mat-khau-thu-2025",
        role=role,
        unit=unit,
        agency=Agency.objects.get(code=agency_code) if agency_code else None,
        **extra,
    )
