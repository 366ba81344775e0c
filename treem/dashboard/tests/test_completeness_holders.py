"""The completeness matrix names, for each year, the body that supplied the figures then: the Department of
Labour for 2023, the Department of Health (which took child protection over in 2025) for 2026."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command

from treem.dashboard import selectors
from treem.dashboard.completeness import completeness
from treem.indicators.periods import find_period
from treem.plans.models import Plan
from treem.plans.services import load_plan


def test_completeness_names_the_body_that_supplied_the_figures_in_each_year(plan):
    call_command("load_units", structure="2025", province="46", verbosity=0)
    call_command("load_agencies", str(settings.DATA_DIR / "agencies" / "46-hue-2025.yaml"), verbosity=0)
    load_plan(settings.DATA_DIR / "plans" / "hue-2026.yaml")

    columns = {}
    for code, year in ((plan.code, "2023"), ("hue-2026", "2026")):
        shown, period = Plan.objects.get(code=code), find_period(year)
        province = selectors.plan_province(shown)
        matrix = completeness(
            shown,
            period,
            province,
            selectors.child_units(province, period),
            selectors.active_indicators(shown),
        )
        columns[year] = {agency.code for agency in matrix.agencies}

    assert "SLDTBXH" in columns["2023"]
    assert "SYT" in columns["2026"] and "SLDTBXH" not in columns["2026"]
