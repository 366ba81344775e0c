"""Urban or rural, from the unit's type (treem/units/areas.py)."""

from __future__ import annotations

import pytest

from treem.units import areas
from treem.units.models import AdministrativeUnit


@pytest.mark.parametrize(
    "unit_type, area",
    [
        ("phường", "urban"),
        ("thị trấn", "urban"),
        ("quận", "urban"),
        ("xã", "rural"),
        ("huyện", None),
        ("thị xã", None),
        ("thành phố", None),
        ("tỉnh", None),
        (" Thị trấn ", "urban"),
    ],
)
def test_area_of_a_unit_type(unit_type: str, area: str | None) -> None:
    assert areas.area_of_type(unit_type) == area


def test_something_for_one_area_applies_everywhere_but_in_the_other_area() -> None:
    ward, commune, district = (AdministrativeUnit(unit_type=t) for t in ("phường", "xã", "huyện"))

    assert not areas.applies("rural", ward) and areas.applies("urban", ward)
    assert areas.applies("rural", commune) and not areas.applies("urban", commune)
    assert areas.applies("rural", district) and areas.applies("urban", district)
    assert all(areas.applies(None, u) for u in (ward, commune, district))


def test_the_types_of_an_area() -> None:
    assert sorted(areas.types_of("urban")) == ["phường", "quận", "thị trấn"]
    assert areas.types_of("rural") == ["xã"]
