"""Urban or rural: which area a unit lies in, decided from its type. The one home of that rule.

Vietnamese statistics count the population of wards (phường) and townships (thị trấn) as urban (thành
thị) and that of communes (xã) as rural (nông thôn); an urban district (quận) has only wards. Provinces,
cities, towns and rural districts (thành phố, thị xã, huyện) hold both, so they have no single area.

The codes are the options of the standard disaggregation category `area` (indicators' migration
0002_standard_categories), which plan files name in `disaggregation: {area: rural}`: a figure split by
area, or an indicator restricted to one area, does not apply to a unit of the other area.
"""

from __future__ import annotations

from typing import Protocol

CATEGORY = "area"
URBAN = "urban"
RURAL = "rural"
AREAS = (RURAL, URBAN)

# AdministrativeUnit.unit_type (lowercase, as the GSO lists and `load_units` stores them) → area.
AREA_OF_TYPE: dict[str, str] = {
    "phường": URBAN,
    "thị trấn": URBAN,
    "quận": URBAN,
    "xã": RURAL,
}


class HasUnitType(Protocol):
    unit_type: str


def area_of_type(unit_type: str) -> str | None:
    """`urban`, `rural`, or None for a type that holds both (or an unknown one)."""
    return AREA_OF_TYPE.get(unit_type.strip().lower())


def area(unit: HasUnitType) -> str | None:
    """The unit's area, or None when it holds both urban and rural parts."""
    return area_of_type(unit.unit_type)


def types_of(area_code: str) -> list[str]:
    """The unit types of an area (for a query filtering units by area)."""
    return [t for t, a in AREA_OF_TYPE.items() if a == area_code]


def applies_to_type(area_code: str | None, unit_type: str) -> bool:
    """Whether something restricted to `area_code` (None: no restriction) applies to a unit of this type:
    everywhere but in a unit of the other area."""
    if area_code is None:
        return True
    unit_area = area_of_type(unit_type)
    return unit_area is None or unit_area == area_code


def applies(area_code: str | None, unit: HasUnitType) -> bool:
    """Whether something restricted to `area_code` applies to the unit (see `applies_to_type`)."""
    return applies_to_type(area_code, unit.unit_type)
