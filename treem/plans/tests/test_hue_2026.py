"""data/plans/hue-2026.yaml is what copy_plan makes of the 2023 plan on the 2025 units and bodies, and
loads and exports back to the same text."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from treem.accounts.policy import body_entry_scope
from treem.indicators.models import DataElement
from treem.plans.copying import copy_plan
from treem.plans.exporter import export_plan, plan_yaml
from treem.plans.models import Plan, PlanStatus
from treem.plans.services import load_plan
from treem.units.models import AdministrativeUnit, Agency

DRAFT_FILE = settings.DATA_DIR / "plans" / "hue-2026.yaml"


@pytest.fixture
def structure_2025(plan):
    call_command("load_units", structure="2025", province=plan.province.code, verbosity=0)
    call_command("load_agencies", str(settings.DATA_DIR / "agencies" / "46-hue-2025.yaml"), verbosity=0)
    return plan


def test_the_2026_draft_file_is_the_copy_of_the_2023_plan(structure_2025):
    result = copy_plan(structure_2025, code="hue-2026", year=2026)
    assert plan_yaml(result.data) == DRAFT_FILE.read_text(encoding="utf-8")


def test_the_2026_draft_file_loads_as_a_draft_and_exports_to_the_same_text(structure_2025):
    draft = load_plan(DRAFT_FILE).plan
    assert (draft.status, draft.source, draft.year) == (PlanStatus.DRAFT, structure_2025, 2026)
    assert "không phải văn bản chính thức" in draft.document["draft_note"]
    assert draft.province == AdministrativeUnit.objects.version_of("46", on=datetime.date(2026, 1, 1))
    assert draft.owner.code == "SYT" and "SLDTBXH" not in DRAFT_FILE.read_text(encoding="utf-8")
    out = StringIO()
    call_command("export_plan", "hue-2026", "--format", "yaml", stdout=out)
    assert out.getvalue() == DRAFT_FILE.read_text(encoding="utf-8")
    assert Plan.objects.get(code="hue-2026").is_draft


def test_loading_the_2026_draft_leaves_the_2023_plan_and_its_numbers_as_they_were(structure_2025):
    def exported(code: str) -> str:
        out = StringIO()
        call_command("export_plan", code, "--format", "yaml", stdout=out)
        return out.getvalue()

    def evaluated() -> str:
        out = StringIO()
        call_command("evaluate_targets", "--plan", "tth-2023", "--period", "2023", stdout=out)
        return out.getvalue()

    before, numbers = exported("tth-2023"), evaluated()
    load_plan(DRAFT_FILE)
    # The figures the Department of Labour supplied in 2023 are the Department of Health's now, yet the
    # 2023 plan still names the Department of Labour as their supplier, in whatever order the plans load.
    assert "SLDTBXH" in before and "SLDTBXH" not in exported("hue-2026")
    assert exported("tth-2023") == before
    assert evaluated() == numbers
    load_plan(settings.DATA_DIR / "plans" / "tth-2023.yaml")
    assert exported("tth-2023") == before and "SLDTBXH" not in exported("hue-2026")


def test_the_health_department_supplies_the_labour_departments_figures_now(structure_2025):
    element_code = next(
        e["code"] for e in export_plan(structure_2025)["data_elements"] if e["supplier"]["code"] == "SLDTBXH"
    )
    load_plan(DRAFT_FILE)
    element = DataElement.objects.get(code=element_code)
    assert element.supplier.code == "SYT"
    # …and the Department of Labour's accepted 2023 reports still lock those figures of theirs.
    labour = Agency.objects.get(code="SLDTBXH")
    commune = AdministrativeUnit.objects.version_of("19900", on=datetime.date(2023, 1, 1))
    assert body_entry_scope(labour).allows(element, commune)
    assert body_entry_scope(Agency.objects.get(code="SYT")).allows(element, commune)
