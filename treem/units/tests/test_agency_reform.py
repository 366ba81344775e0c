"""The agency registry through the 2025 reforms: the 2025 file of Huế city loads beside the 2023 one with
dates and successions, its mistakes are named in Vietnamese, and `successor_on` / `valid_members` answer
who does a duty on a day and which members a group has in a period."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from treem.core.errors import InputErrors
from treem.units import agency_loading
from treem.units.models import AdministrativeUnit, Agency, AgencySuccession, UnitLevel
from treem.units.successions import owing_during, successor_on, valid_members, year_span

D = datetime.date
AGENCIES = settings.DATA_DIR / "agencies"
FILE_2023 = AGENCIES / "46-thua-thien-hue.yaml"
FILE_2025 = AGENCIES / "46-hue-2025.yaml"
REFORM = D(2025, 7, 1)


def make_2025_communes() -> None:
    """The 2025 communes of Huế the 2025 file names, under the province (no district level), as
    `load_units` of the 2025 structure makes them: the 2023 districts and communes end on the reform day,
    and 2025 communes are new versions of codes 2023 communes may also carry."""
    province = AdministrativeUnit.objects.version_of("46", on=REFORM)
    AdministrativeUnit.objects.filter(
        path__startswith="46/", valid_to__isnull=True, valid_from__isnull=True
    ).exclude(code="46").update(valid_to=REFORM)
    data = yaml.safe_load(FILE_2025.read_text(encoding="utf-8"))
    for entry in data["agencies"]:
        unit = entry.get("unit")
        if unit and unit != "46" and AdministrativeUnit.objects.version_of(unit, on=REFORM) is None:
            AdministrativeUnit.objects.create(
                code=unit, name=entry["name"].removeprefix("Ủy ban nhân dân "), level=UnitLevel.COMMUNE,
                unit_type="xã", parent=province, valid_from=REFORM,
            )  # fmt: skip


@pytest.fixture
def reform(db) -> None:
    make_2025_communes()
    agency_loading.load_agencies(FILE_2025)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reloading_the_2023_file_changes_nothing_and_states_no_dates(db):
    summary = agency_loading.load_agencies(FILE_2023)
    assert (summary.created, summary.updated) == (0, 0)
    assert not Agency.objects.filter(code="SLDTBXH", valid_to__isnull=False).exists()


def test_the_2025_file_ends_2023_bodies_and_dates_the_new_ones(reform):
    assert agency("SLDTBXH").valid_to == D(2025, 3, 1)
    assert agency("UBND-478").valid_to == REFORM
    assert agency("UBND-TINH").valid_to == D(2025, 1, 1)
    assert agency("SNV").valid_from == D(2025, 3, 1)
    assert agency("SYT").valid_from is None and agency("SYT").valid_to is None  # continues
    communes = agency("UBND-XA").members.all()
    assert communes.count() == 40
    assert {c.valid_from for c in communes} == {REFORM}


def test_a_commune_committee_sits_on_the_2025_commune_not_the_2023_one_with_the_same_code(reform):
    unit = agency("UBND-19900").unit
    assert unit.valid_from == REFORM
    assert unit.parent.code == "46"  # no district level
    old = AdministrativeUnit.objects.version_of("19900", on=D(2023, 6, 1))
    assert old is not None and old.pk != unit.pk


def test_loading_the_2025_file_twice_changes_nothing(reform):
    summary = agency_loading.load_agencies(FILE_2025)
    assert (summary.created, summary.updated) == (0, 0)
    assert AgencySuccession.objects.count() == 11


def test_reloading_the_2023_file_keeps_what_the_2025_file_added(reform):
    summary = agency_loading.load_agencies(FILE_2023)
    assert (summary.created, summary.updated) == (0, 0)
    assert agency("SLDTBXH").valid_to == D(2025, 3, 1)
    assert {"SNV", "SLDTBXH"} <= {m.code for m in agency("SO-NGANH").members.all()}


def test_a_group_still_loses_a_member_its_own_file_takes_out(db, tmp_path):
    text = FILE_2023.read_text(encoding="utf-8").replace("members: [MTTQ, TINHDOAN, ", "members: [")
    agency_loading.load_agencies(write(tmp_path, text))
    assert {m.code for m in agency("DOAN-THE").members.all()} == {"HLHPN", "HND", "HCCB", "LDLD"}


def test_child_protection_goes_from_the_department_of_labour_to_health(reform):
    labour = agency("SLDTBXH")
    assert successor_on(labour, D(2024, 12, 31)) == labour  # still in office
    assert successor_on(labour, D(2026, 1, 1)).code == "SYT"
    assert successor_on(labour, D(2026, 1, 1), duty="lao động, người có công").code == "SNV"
    assert successor_on(agency("BLDTBXH"), D(2026, 1, 1)).code == "BYT"
    assert successor_on(agency("UBND-TINH"), D(2026, 1, 1)).code == "UBND-TP"
    assert successor_on(agency("UBND-HUYEN"), D(2026, 1, 1)).code == "UBND-XA"
    assert successor_on(agency("SYT"), D(2026, 1, 1)).code == "SYT"


def test_a_body_that_ended_with_nobody_taking_over_has_no_successor(reform):
    # A district committee's work went to the communes of its territory: no single body, so none.
    assert successor_on(agency("UBND-478"), D(2026, 1, 1)) is None


def test_successions_are_followed_along_a_chain_and_a_loop_ends(reform):
    later = Agency.objects.create(
        code="SYT-2030", name="Sở Y tế (2030)", kind="department", valid_from=D(2030, 1, 1)
    )
    Agency.objects.filter(code="SYT").update(valid_to=D(2030, 1, 1))
    AgencySuccession.objects.create(predecessor=agency("SYT"), successor=later, since=D(2030, 1, 1))
    assert successor_on(agency("SLDTBXH"), D(2031, 1, 1)) == later
    assert successor_on(agency("SLDTBXH"), D(2029, 1, 1)).code == "SYT"
    Agency.objects.filter(code="SYT-2030").update(valid_to=D(2031, 1, 1))
    AgencySuccession.objects.create(predecessor=later, successor=agency("SYT"), since=D(2031, 1, 1))
    assert successor_on(agency("SLDTBXH"), D(2032, 1, 1)) is None


def test_a_group_has_the_members_of_the_period_asked(reform):
    departments = agency("SO-NGANH")
    in_2023 = {a.code for a in valid_members(departments, *year_span(2023))}
    in_2026 = {a.code for a in valid_members(departments, *year_span(2026))}
    assert "SLDTBXH" in in_2023 and "SNV" not in in_2023
    assert "SNV" in in_2026 and "SLDTBXH" not in in_2026 and "SYT" in in_2026
    assert owing_during(agency("UBND-XA"), *year_span(2023)) == []
    assert owing_during(agency("UBND-HUYEN"), *year_span(2026)) == []
    assert owing_during(agency("SLDTBXH"), *year_span(2026)) == []


def test_the_2025_file_needs_the_2025_communes_loaded_first(db):
    # The 2023 communes ended with the reform (as loading the 2025 structure records), and the 2025 ones
    # are not there yet: a committee is never put on a 2023 commune that carries its code.
    AdministrativeUnit.objects.filter(path__startswith="46/").exclude(code="46").update(valid_to=REFORM)
    with pytest.raises(InputErrors) as error:
        agency_loading.load_agencies(FILE_2025)
    assert (
        "agencies[8].unit: chưa có đơn vị hành chính mã '19768' (chạy load_units trước)."
        in error.value.messages
    )
    assert not Agency.objects.filter(code="SNV").exists()  # nothing written


BAD = """
province: "46"
agencies:
  - {code: NEW, name: "Cơ quan mới", kind: department, unit: "46", valid_from: 2025-03-01}
  - {code: LATE, name: "Cơ quan muộn", kind: department, unit: "46", valid_from: 2025-03-01, valid_to: 2024-01-01}
  - {code: ODD, name: "Ngày sai", kind: department, unit: "46", valid_from: "ngày mai"}
ended:
  - {code: NOBODY, valid_to: 2025-03-01}
memberships:
  - {group: SYT, members: [NEW]}
successions:
  - {predecessor: SLDTBXH, successor: NEW, since: 2025-01-01}
  - {predecessor: SLDTBXH, successor: GHOST, since: 2025-03-01}
  - {predecessor: SLDTBXH, successor: NEW}
"""


def test_mistakes_in_a_registry_file_are_each_named_in_vietnamese_and_nothing_is_written(db, tmp_path):
    with pytest.raises(InputErrors) as error:
        agency_loading.load_agencies(write(tmp_path, BAD))
    text = "\n".join(error.value.messages)
    assert "agencies[1].valid_to: ngày kết thúc 01/01/2024 phải sau ngày bắt đầu 01/03/2025." in text
    assert "agencies[2].valid_from: ngày 'ngày mai' không hợp lệ" in text
    assert "ended[0].code: không có cơ quan mã 'NOBODY'." in text
    assert "memberships[0].group: không có nhóm cơ quan mã 'SYT'" in text
    assert (
        "successions[0].since: cơ quan 'NEW' chỉ có từ 01/03/2025, không thể nhận nhiệm vụ từ 01/01/2025."
        in text
    )
    assert "successions[1].successor: không có cơ quan mã 'GHOST'." in text
    assert "successions[2].since: thiếu ngày chuyển giao." in text
    assert not Agency.objects.filter(code="NEW").exists()


def test_a_unit_is_looked_up_on_the_bodys_own_date(reform, tmp_path):
    text = """
province: "46"
agencies:
  - {code: OLD-19900, name: "UBND xã cũ", kind: district_committee, unit: "19900", valid_from: 2023-01-01, valid_to: 2025-07-01}
"""
    agency_loading.load_agencies(write(tmp_path, text))
    assert agency("OLD-19900").unit == AdministrativeUnit.objects.version_of("19900", on=D(2023, 1, 1))
    assert agency("OLD-19900").unit != agency("UBND-19900").unit


def test_the_command_loads_the_2025_file_and_says_how_many(db, capsys):
    make_2025_communes()
    call_command("load_agencies", str(FILE_2025))
    out = capsys.readouterr().out
    assert out.startswith("Cơ quan: 60 tạo mới")


def test_the_2025_file_loads_after_the_shipped_2025_structure(db):
    from treem.units import services

    if not hasattr(services, "load_structure"):
        pytest.skip("load_units --structure 2025 not available yet")
    services.load_structure("2025", "46")
    agency_loading.load_agencies(FILE_2025)
    thuan_an = agency("UBND-19900").unit
    assert (thuan_an.valid_from, thuan_an.parent.code) == (REFORM, "46")
    assert agency("SNV").unit.code == "46"
    assert agency("UBND-XA").members.count() == 40
