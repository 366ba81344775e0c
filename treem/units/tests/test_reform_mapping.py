"""The 2023→2025 mapping (data/units/reform-2025-46.csv → UnitSuccession) and the loaders' refusals of
bad input, in Vietnamese, writing nothing."""

from __future__ import annotations

import csv
import datetime

import pytest

from treem.core.errors import InputErrors
from treem.units import reform, services
from treem.units.models import AdministrativeUnit, UnitSuccession

BEFORE = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)
MAPPING = services.UNITS_DIR / "reform-2025-46.csv"


@pytest.fixture
def structure_2025(db):
    services.load_structure_2025("46")


def test_the_shipped_mapping_file_maps_all_141_communes_to_the_40_of_2025(db):
    with MAPPING.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["predecessor_code"] for r in rows} == {
        r.code
        for r in services.province_rows(
            services.read_units_csv(services.SHIPPED_UNITS_CSV.read_text(encoding="utf-8")), "46"
        )
        if len(r.code) == 5
    }
    assert len({r["successor_code"] for r in rows}) == 40
    assert {r["partial"] for r in rows} <= {"0", "1"}


def test_every_2023_commune_of_huế_has_a_successor_and_every_2025_commune_a_predecessor(structure_2025):
    links = UnitSuccession.objects.select_related("predecessor", "successor")
    assert all(link.since == REFORM for link in links)
    assert all(
        link.predecessor.is_valid_on(BEFORE) and not link.predecessor.is_valid_on(REFORM) for link in links
    )
    assert all(link.successor.is_valid_on(REFORM) and link.successor.valid_from == REFORM for link in links)
    old_communes = AdministrativeUnit.objects.valid_on(BEFORE).filter(path__startswith="46/", level="commune")
    new_communes = AdministrativeUnit.objects.valid_on(REFORM).filter(path__startswith="46/", level="commune")
    assert {link.predecessor_id for link in links} == set(old_communes.values_list("pk", flat=True))
    assert {link.successor_id for link in links} == set(new_communes.values_list("pk", flat=True))
    covered = set(
        UnitSuccession.objects.filter(successor__in=new_communes).values_list("predecessor_id", flat=True)
    )
    assert len(covered) == 141


def test_communes_absorbed_on_01_01_2025_map_through_their_absorber(structure_2025):
    hải_dương = AdministrativeUnit.objects.version_of("19999", on=BEFORE)
    thuận_an_2025 = AdministrativeUnit.objects.version_of("19900", on=REFORM)
    assert UnitSuccession.objects.get(predecessor=hải_dương).successor == thuận_an_2025


def test_a_hand_made_mapping_with_a_split_commune_marks_each_part_partial(structure_2025):
    count = reform.load_reform_mapping(
        "predecessor_code,successor_code,partial\n19750,19768,1\n19750,19777,1\n", "tách.csv"
    )
    assert count == 2
    split = UnitSuccession.objects.filter(predecessor__code="19750")
    assert split.count() == 2 and all(link.partial for link in split)


def test_a_split_commune_not_marked_partial_is_refused(structure_2025):
    with pytest.raises(InputErrors, match="tách.csv, dòng 3: đơn vị '19750' được chia cho 2 đơn vị mới"):
        reform.load_reform_mapping(
            "predecessor_code,successor_code,partial\n19750,19768,0\n19750,19777,0\n", "tách.csv"
        )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("predecessor_code,successor_code\n19750,19768\n", "thiếu cột: partial"),
        (
            "predecessor_code,successor_code,partial\n99999,19768,0\n",
            "dòng 2: không có đơn vị '99999' ngày 30/06/2025",
        ),
        ("predecessor_code,successor_code,partial\n19750,474,0\n", "không có đơn vị '474' ngày 01/07/2025"),
        ("predecessor_code,successor_code,partial\n19750,19768,có\n", "cột partial: phải là 0 hoặc 1"),
        ("predecessor_code,successor_code,partial\n46,46,0\n", "không thể kế thừa chính nó"),
        ("predecessor_code,successor_code,partial\n19750,\x00,0\n", "ký tự không hợp lệ"),
        ('predecessor_code,successor_code,partial\n"19750,19768,0\n', "cột partial: phải là 0 hoặc 1"),
    ],
)
def test_a_bad_mapping_is_refused_in_vietnamese_and_writes_nothing(structure_2025, text, expected):
    links = UnitSuccession.objects.count()
    with pytest.raises(InputErrors) as error:
        reform.load_reform_mapping(text, "bảng.csv")
    assert any(expected in message for message in error.value.messages), error.value.messages
    assert UnitSuccession.objects.count() == links


def test_a_commune_may_sit_right_under_its_province(db):
    rows = services.read_units_csv(
        "code,name,type,parent_code\n46,Thành phố Huế,thành phố trung ương,\n19999,Xã Z,xã,46\n"
    )
    assert [services.LEVEL_OF_TYPE[r.unit_type] for r in rows] == ["province", "commune"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("99,Tỉnh A,tỉnh,46\n", "Dòng 2, cột parent_code: đơn vị cấp tỉnh không thể trực thuộc '46'"),
        ("475,Huyện B,huyện,19750\n", "đơn vị cấp huyện không thể trực thuộc '19750' (cấp xã)"),
        ("19999,Xã C,xã,\n", "Dòng 2, cột parent_code: đơn vị cấp xã phải có đơn vị cha"),
        ("474,Thành phố Huế,thành phố trung ương,\n", "mã GSO cấp tỉnh phải có 2 chữ số"),
        ("19999,Đặc khu D,đặc khu,474\n", None),
        (f"19999,{'x' * 201},xã,474\n", "Dòng 2, cột name: tên dài quá 200 ký tự"),
    ],
)
def test_levels_come_from_the_unit_type_and_bad_rows_are_named(db, text, expected):
    header = "code,name,type,parent_code\n"
    if expected is None:
        assert services.read_units_csv(header + text)[0].unit_type == "đặc khu"
        return
    with pytest.raises(InputErrors) as error:
        services.read_units_csv(header + text)
    assert any(expected in message for message in error.value.messages), error.value.messages


def test_a_2025_row_under_a_district_that_no_longer_exists_is_refused(structure_2025):
    rows = services.read_units_csv("code,name,type,parent_code\n19999,Xã Mới,xã,474\n")
    with pytest.raises(InputErrors, match="đơn vị cha '474' không có hiệu lực ngày 01/07/2025"):
        services.load_units(rows, valid_from=REFORM, on=REFORM)


def test_relisting_a_retired_code_without_a_date_is_refused(structure_2025):
    rows = services.read_units_csv("code,name,type,parent_code\n19753,Phường Cũ,phường,46\n")
    with pytest.raises(InputErrors, match="mã '19753' đã thuộc một đơn vị không có hiệu lực ngày 01/01/2026"):
        services.load_units(rows, on=datetime.date(2026, 1, 1))


def test_an_unknown_structure_is_refused(db):
    with pytest.raises(InputErrors, match="Không có cấu trúc đơn vị hành chính '2030'"):
        services.load_structure("2030")
