"""The editor on the 2026 draft copy_plan makes from the 2023 plan, after the 2025 reform: a task goes only to
bodies existing in 2026, an edited threshold is listed against 2023, and the file it exports loads back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from treem.accounts.models import Role
from treem.plans.copying import do_copy_plan
from treem.plans.exporter import export_plan
from treem.plans.models import Plan
from treem.plans.services import load_plan

DRAFT = "hue-2026"
BASE = f"/ke-hoach/{DRAFT}/du-thao/"


@pytest.fixture
def draft_2026(plan: Plan) -> Plan:
    call_command("load_units", structure="2025", province="46", verbosity=0)
    call_command("load_agencies", str(settings.DATA_DIR / "agencies" / "46-hue-2025.yaml"), verbosity=0)
    result = do_copy_plan(plan, code=DRAFT, year=2026)
    assert result.plan is not None
    return result.plan


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SYT"))
    return client


def test_the_2026_draft_offers_only_2026_bodies_and_lists_an_edited_threshold_against_2023(
    editor, draft_2026
):
    task = draft_2026.tasks.order_by("order").first()
    indicator = draft_2026.indicators.get(code="MT01-TVSS")
    page = editor.get(f"{BASE}nhiem-vu/{task.code}/").content.decode()
    assert 'value="SYT"' in page
    assert 'value="SLDTBXH"' not in page  # the Department of Labour ended in 2025
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    refused = editor.post(
        f"{BASE}nhiem-vu/{task.code}/", {"version": version, "text": "x", "agency": "SLDTBXH"}
    )
    assert refused.status_code == 200 and "còn hoạt động trong năm" in refused.content.decode()

    form = editor.get(f"{BASE}chi-tieu/MT01-TVSS/").content.decode()
    version = form.split('name="version" value="', 1)[1].split('"', 1)[0]
    saved = editor.post(
        f"{BASE}chi-tieu/MT01-TVSS/",
        {"version": version, "text": indicator.text, "direction": indicator.direction, "threshold": "8,5"},
    )
    changes = editor.get(f"{BASE}thay-doi/")

    assert saved.status_code == 302
    html = changes.content.decode()
    assert changes.status_code == 200 and "tth-2023" in html
    threshold_rows = [part for part in html.split('<li class="change card"')[1:] if "MT01-TVSS" in part]
    assert any("ngưỡng" in row and "8,5" in row for row in threshold_rows)


def test_the_2026_drafts_yaml_loads_back_unchanged(editor, draft_2026, tmp_path):
    before = export_plan(Plan.objects.get(code=DRAFT))

    response = editor.get(f"{BASE}tai-yaml/")
    path = tmp_path / f"{DRAFT}.yaml"
    path.write_bytes(response.content)
    result = load_plan(path)

    assert sum(result.updated.values()) + sum(result.created.values()) + sum(result.retired.values()) == 0
    after = Plan.objects.get(code=DRAFT)
    assert after.is_draft and after.source.code == "tth-2023"
    assert export_plan(after) == before
