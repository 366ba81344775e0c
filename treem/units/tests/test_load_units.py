import datetime

import pytest
from django.core.management import CommandError, call_command

from treem.core.errors import InputErrors
from treem.units import agency_loading, services
from treem.units.models import AdministrativeUnit, Agency, UnitLevel


def test_shipped_2023_structure_of_thua_thien_hue_has_1_province_9_districts_141_communes(db):
    province = AdministrativeUnit.objects.get(code="46")
    units = AdministrativeUnit.objects.filter(path__startswith=province.path)
    assert units.filter(level=UnitLevel.PROVINCE).count() == 1
    assert units.filter(level=UnitLevel.DISTRICT).count() == 9
    assert units.filter(level=UnitLevel.COMMUNE).count() == 141
    hue = AdministrativeUnit.objects.get(code="474")
    assert (hue.name, hue.unit_type, hue.parent, hue.level) == (
        "Thành phố Huế",
        "thành phố",
        province,
        "district",
    )
    assert AdministrativeUnit.objects.get(code="19750").path == "46/474/19750/"


def test_loading_units_twice_changes_nothing(db):
    before = list(AdministrativeUnit.objects.values_list("code", "name", "parent__code", "path"))
    summary = services.load_shipped_province("46")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 151)
    assert list(AdministrativeUnit.objects.values_list("code", "name", "parent__code", "path")) == before


def test_another_province_loads_from_the_shipped_country_data(db):
    summary = services.load_shipped_province("01")  # Hà Nội (46 and 48 are loaded for every test)
    assert summary.created > 500
    assert AdministrativeUnit.objects.get(code="01").level == UnitLevel.PROVINCE


def test_csv_with_bad_rows_names_each_row_and_column_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text(
        "code,name,type,parent_code\n"
        "46,Tỉnh Thừa Thiên Huế,tỉnh,\n"
        "4x7,Huyện Sai,huyện,46\n"
        "99999,,xã,777\n"
        "46,Trùng,tỉnh,\n",
        encoding="utf-8",
    )
    count = AdministrativeUnit.objects.count()
    with pytest.raises(InputErrors) as error:
        services.load_units(services.read_units_csv(bad.read_text(encoding="utf-8")))
    text = "\n".join(error.value.messages)
    assert "Dòng 3, cột code" in text
    assert "Dòng 4, cột name" in text
    assert "Dòng 4, cột parent_code" in text and "777" in text
    assert "Dòng 5, cột code" in text and "lặp" in text
    assert AdministrativeUnit.objects.count() == count


def test_csv_missing_a_column_is_refused(db):
    with pytest.raises(InputErrors, match="thiếu cột: parent_code"):
        services.read_units_csv("code,name,type\n46,Huế,tỉnh\n")


def test_a_unit_that_disappears_gets_valid_to_and_keeps_existing(db, tmp_path):
    rows = [
        r
        for r in services.province_rows(
            services.read_units_csv(services.SHIPPED_UNITS_CSV.read_text(encoding="utf-8")), "46"
        )
        if r.code != "19750"
    ]
    summary = services.load_units(rows, retire_missing_on=datetime.date(2025, 7, 1))
    assert summary.retired == 1
    gone = AdministrativeUnit.objects.get(code="19750")
    assert gone.valid_to == datetime.date(2025, 7, 1)
    assert not gone.is_valid_on(datetime.date(2025, 7, 1))
    assert gone.is_valid_on(datetime.date(2023, 6, 30))


def test_load_units_command_reports_errors_in_vietnamese(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,type,parent_code\n123456,X,làng,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không có gì được ghi"):
        call_command("load_units", csv=bad)


def test_agencies_include_every_body_of_section_iv_and_groups_expand_to_members(db):
    for code in [
        "SLDTBXH",
        "SKHDT",
        "STC",
        "STP",
        "SYT",
        "SGDDT",
        "SVHTT",
        "CAT",
        "STTTT",
        "BDT",
        "SXD",
        "STNMT",
        "MTTQ",
        "TINHDOAN",
    ]:
        assert Agency.objects.filter(code=code).exists(), code
    district_committees = Agency.objects.get(code="UBND-HUYEN").owing_agencies()
    assert len(district_committees) == 9
    assert {a.unit.code for a in district_committees} == set(
        AdministrativeUnit.objects.filter(parent__code="46").values_list("code", flat=True)
    )
    syt = Agency.objects.get(code="SYT")
    assert syt.owing_agencies() == [syt]


def test_a_gso_code_of_the_wrong_width_for_its_level_is_refused(db):
    with pytest.raises(InputErrors) as error:
        services.read_units_csv(
            "code,name,type,parent_code\n46,Huế,tỉnh,\n4747,Huyện X,huyện,46\n1975,Xã Y,xã,474\n"
        )
    text = "\n".join(error.value.messages)
    assert "Dòng 3, cột code" in text and "3 chữ số" in text
    assert "Dòng 4, cột code" in text and "5 chữ số" in text


def test_a_district_moved_to_another_province_takes_its_communes_along(db):
    services.load_units(services.read_units_csv("code,name,type,parent_code\n99,Tỉnh Mới,tỉnh,\n"))
    services.load_units(
        services.read_units_csv("code,name,type,parent_code\n474,Thành phố Huế,thành phố,99\n")
    )
    assert AdministrativeUnit.objects.get(code="474").path == "99/474/"
    assert AdministrativeUnit.objects.get(code="19750").path == "99/474/19750/"
    assert not AdministrativeUnit.objects.filter(path__startswith="46/474/").exists()


@pytest.mark.parametrize(
    "text",
    ["- just a list\n", "agencies: 5\n", "agencies: []\ngroups:\n  - {code: G1}\n"],
)
def test_a_malformed_agency_file_is_refused_in_vietnamese(db, tmp_path, text):
    path = tmp_path / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as error:
        agency_loading.load_agencies(path)
    assert any("agencies.yaml" in m or "groups[0]" in m for m in error.value.messages)


def test_a_nul_character_in_the_units_csv_is_refused_naming_its_line(db):
    with pytest.raises(InputErrors, match="dòng 2: có ký tự không hợp lệ"):
        services.read_units_csv("code,name,type,parent_code\n,,,\x00")
