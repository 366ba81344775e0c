"""The 2025 structure loaded beside the 2023 one: dated versions, no district level after 01/07/2025,
a code reused by a different unit, data and evaluations of 2023 untouched, loading repeatable.

The 2023 structure of Huế (46) and Đà Nẵng (48) is loaded for every test (conftest); each test here
loads the 2025 structure itself (rolled back with the test)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue
from treem.units import services
from treem.units.models import AdministrativeUnit, UnitLevel, UnitSuccession

BEFORE = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def huế_on(day: datetime.date):
    return AdministrativeUnit.objects.valid_on(day).filter(path__startswith="46/")


def snapshot() -> list[tuple]:
    return list(
        AdministrativeUnit.objects.order_by("path").values_list(
            "code", "name", "unit_type", "level", "parent_id", "path", "valid_from", "valid_to"
        )
    )


def test_both_structures_of_huế_are_loaded_side_by_side(db):
    province_before = AdministrativeUnit.objects.get(code="46")
    summary = services.load_structure_2025("46")

    assert (summary.created, summary.retired, summary.successions) == (40, 150, 141)
    old = huế_on(BEFORE)
    assert old.filter(level=UnitLevel.DISTRICT).count() == 9
    assert old.filter(level=UnitLevel.COMMUNE).count() == 141
    new = huế_on(REFORM)
    assert not new.filter(level=UnitLevel.DISTRICT).exists()
    assert (
        not AdministrativeUnit.objects.valid_on(datetime.date(2026, 1, 1))
        .filter(level="district")
        .filter(path__startswith="46/")
        .exists()
    )
    communes = new.filter(level=UnitLevel.COMMUNE)
    assert communes.count() == 40
    assert communes.filter(unit_type="phường").count() == 21
    assert communes.filter(unit_type="xã").count() == 19
    assert all(c.parent_id == province_before.pk and c.depth == 1 for c in communes)


def test_a_province_the_reform_kept_keeps_its_row_under_its_2025_name(db):
    province = AdministrativeUnit.objects.get(code="46")
    services.load_structure_2025("46")
    kept = AdministrativeUnit.objects.version_of("46", on=REFORM)
    assert kept.pk == province.pk and kept.path == "46/"
    assert (kept.name, kept.unit_type, kept.level, kept.valid_to) == (
        "Thành phố Huế",
        "thành phố trung ương",
        UnitLevel.PROVINCE,
        None,
    )
    assert AdministrativeUnit.objects.version_of("46", on=BEFORE) == kept
    # …and its 2023 name for the days before: the 2023 plan still speaks of Tỉnh Thừa Thiên Huế.
    assert kept.name_on(datetime.date(2023, 1, 1)) == province.name == "Tỉnh Thừa Thiên Huế"
    assert kept.name_on(BEFORE) == "Tỉnh Thừa Thiên Huế" and kept.name_on(REFORM) == "Thành phố Huế"
    services.load_structure_2025("46")
    assert AdministrativeUnit.objects.get(pk=province.pk).former_names == kept.former_names  # recorded once


def test_a_merged_province_reusing_its_code_is_a_new_version(db):
    old = AdministrativeUnit.objects.get(code="48")  # Đà Nẵng; from 2025 Đà Nẵng + Quảng Nam, code 48
    services.load_structure_2025("48")
    old.refresh_from_db()
    new = AdministrativeUnit.objects.version_of("48", on=REFORM)
    assert old.valid_to == REFORM and new.pk != old.pk
    assert (new.path, new.valid_from) == ("48@20250701/", REFORM)
    assert not AdministrativeUnit.objects.filter(path__startswith="48/", valid_to__isnull=True).exists()


def test_the_2023_and_2025_units_19900_are_different_rows_with_different_paths(db):
    services.load_structure_2025("46")
    old = AdministrativeUnit.objects.version_of("19900", on=BEFORE)
    new = AdministrativeUnit.objects.version_of("19900", on=REFORM)
    assert old.pk != new.pk
    assert (old.path, old.valid_to) == ("46/474/19900/", REFORM)
    assert (new.path, new.valid_from, new.valid_to) == ("46/19900@20250701/", REFORM, None)
    assert AdministrativeUnit.objects.filter(code="19900").count() == 2


def test_loading_2025_twice_changes_nothing(db):
    services.load_structure_2025("46")
    before, links = snapshot(), UnitSuccession.objects.count()
    summary = services.load_structure_2025("46")
    assert (summary.created, summary.updated, summary.retired) == (0, 0, 0)
    assert summary.unchanged == 41
    assert snapshot() == before
    assert UnitSuccession.objects.count() == links == 141


def test_loading_2023_after_2025_neither_revives_nor_duplicates_nor_renames(db):
    services.load_structure_2025("46")
    before = snapshot()
    out = io.StringIO()
    call_command("load_units", stdout=out)
    assert "0 tạo mới, 0 cập nhật, 151 không đổi, 0 hết hiệu lực" in out.getvalue()
    assert snapshot() == before
    assert AdministrativeUnit.objects.version_of("19900", on=BEFORE).valid_to == REFORM


def test_a_2023_figure_on_commune_19900_stays_on_the_2023_unit(db):
    old = AdministrativeUnit.objects.get(code="19900")
    value = ValueInput("LIVE_BIRTHS", "default", "19900", "2023S1", "120", where="test")
    assert not import_values([value], user=None, scope=EntryScope(True), check_outliers=False).conflicts
    services.load_structure_2025("46")
    stored = DataValue.objects.get(element__code="LIVE_BIRTHS", period__code="2023S1", unit=old)
    assert stored.value == 120
    new = AdministrativeUnit.objects.version_of("19900", on=REFORM)
    assert not DataValue.objects.filter(unit=new).exists()


def test_evaluating_the_2023_plan_prints_the_same_after_loading_2025(plan):
    figures = [
        ("NEONATAL_DEATHS", "19750", "2023S1", "3"),
        ("LIVE_BIRTHS", "19750", "2023S1", "400"),
        ("NEONATAL_DEATHS", "19900", "2023S1", "2"),
        ("LIVE_BIRTHS", "19900", "2023", "250"),
        ("NEONATAL_DEATHS", "19903", "2023S2", "1"),
        ("LIVE_BIRTHS", "19903", "2023S2", "600"),
    ]
    inputs = [ValueInput(e, "default", u, p, v, where=f"{e}/{u}/{p}") for e, u, p, v in figures]
    assert not import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False).conflicts

    def evaluated() -> str:
        out = io.StringIO()
        call_command("evaluate_targets", "--plan", plan.code, "--period", "2023", stdout=out)
        return out.getvalue()

    before = evaluated()
    assert '"numerator": 6' in before  # the figures count
    services.load_structure_2025("46")
    assert evaluated() == before


def test_the_whole_country_2025_loads_34_provinces(db):
    summary = services.load_structure_2025(None)
    provinces = AdministrativeUnit.objects.valid_on(REFORM).filter(level=UnitLevel.PROVINCE)
    assert provinces.count() == 34
    assert AdministrativeUnit.objects.valid_on(REFORM).filter(level=UnitLevel.COMMUNE).count() == 3321
    assert not AdministrativeUnit.objects.valid_on(REFORM).filter(level=UnitLevel.DISTRICT).exists()
    assert summary.successions == 141  # only Huế ships a mapping
    assert AdministrativeUnit.objects.filter(path__startswith="48/", valid_to=REFORM).count() > 1


def test_the_load_units_command_loads_2025_with_its_mapping(db):
    out = io.StringIO()
    call_command("load_units", "--structure", "2025", stdout=out)
    text = out.getvalue()
    assert "40 tạo mới, 1 cập nhật, 0 không đổi, 150 hết hiệu lực" in text
    assert "2023→2025: 141 dòng" in text


@pytest.mark.parametrize("options", [{"valid_from": REFORM}, {"retire_missing_on": REFORM}])
def test_the_2025_structure_takes_no_extra_dates(db, options):
    with pytest.raises(Exception, match="không dùng thêm ngày"):
        services.load_structure("2025", "46", **options)
