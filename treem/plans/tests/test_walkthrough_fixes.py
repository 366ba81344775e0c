"""What a coordinator read on the plan pages and in the draft editor during a walk-through: no "None" for a
signer not named yet, years never grouped ("2.026"), a threshold typed as words refused in plain Vietnamese
without the plan file's path, and the changes list written for people (bodies by name, decimal comma, the
signer key by key, never raw JSON)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from treem.accounts.models import Role
from treem.core.errors import InputErrors
from treem.plans import drafts
from treem.plans.changes import data_changes
from treem.plans.copying import do_copy_plan
from treem.plans.exporter import export_plan
from treem.plans.models import Plan

from .reform_fixtures import reform_fixture  # noqa: F401 (the fixture `reform`)

DRAFT = "draft-2026"
INDICATOR = "MT01-TVSS"


@pytest.fixture
def draft(reform: Plan) -> Plan:
    result = do_copy_plan(reform, code=DRAFT, year=2026)
    assert result.plan is not None
    return result.plan


@pytest.fixture
def editor(client: Client, make_user) -> Client:
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SYT"))
    return client


def _version(plan: Plan) -> str:
    return drafts.current_version(Plan.objects.get(pk=plan.pk))


def _change_rows(html: str) -> list[str]:
    return html.split('<li class="change card"')[1:]


def test_a_draft_whose_signer_is_not_named_yet_prints_no_none(editor, draft):
    assert draft.document["signer"]["name"] is None

    html = editor.get(f"/ke-hoach/{DRAFT}/").content.decode()

    assert draft.document["signer"]["title"] in html
    assert "None" not in html


def test_the_plan_list_prints_years_without_a_thousands_mark(editor, draft):
    response = editor.get("/ke-hoach/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>2026</td>" in html and "<td>2023</td>" in html
    assert "2.026" not in html and "2.023" not in html


def test_the_changes_list_shows_the_signer_key_by_key_not_as_json(editor, draft, reform):
    html = editor.get(f"/ke-hoach/{DRAFT}/du-thao/thay-doi/").content.decode()

    signer_rows = [row for row in _change_rows(html) if 'data-path="document.signer' in row]
    assert signer_rows and all("{" not in row and "&quot;" not in row for row in signer_rows)
    assert any("người ký – họ tên" in row for row in signer_rows)


def test_a_dict_change_names_each_changed_key_and_an_emptied_one_as_absent(plan):
    old, new = export_plan(plan), export_plan(plan)
    old["document"]["signer"] = {"name": "Nguyễn Văn A", "title": "Phó Chủ tịch", "capacity": "KT. Chủ tịch"}
    new["document"]["signer"] = {"name": None, "title": "Phó Chủ tịch", "capacity": "KT. Chủ tịch"}

    changes = [c for c in data_changes(old, new) if c.path.startswith("document.signer")]

    assert [(c.path, c.label, c.old, c.new) for c in changes] == [
        ("document.signer.name", "Văn bản: người ký – họ tên", "Nguyễn Văn A", None)
    ]


def test_the_changes_list_names_bodies_and_writes_decimals_with_a_comma(editor, draft):
    form = editor.get(f"/ke-hoach/{DRAFT}/du-thao/chi-tieu/{INDICATOR}/")
    assert form.status_code == 200
    indicator = draft.indicators.get(code=INDICATOR)
    saved = editor.post(
        f"/ke-hoach/{DRAFT}/du-thao/chi-tieu/{INDICATOR}/",
        {
            "version": _version(draft),
            "text": indicator.text,
            "direction": indicator.direction,
            "threshold": "8,5",
        },
    )
    assert saved.status_code == 302

    html = editor.get(f"/ke-hoach/{DRAFT}/du-thao/thay-doi/").content.decode()

    threshold = next(row for row in _change_rows(html) if f"{INDICATOR}: ngưỡng" in row)
    assert "8,5" in threshold and "8.5" not in threshold
    bodies = [row for row in _change_rows(html) if 'data-path="owner"' in row or ".agency" in row]
    shown = [re.sub(r'title="[^"]*"', "", row).split("</strong>", 1)[1] for row in bodies]
    assert bodies and all("SLDTBXH" not in text and "SYT" not in text for text in shown)
    assert any("Sở Y tế" in text for text in shown)
    assert any('title="Sau: SYT"' in row for row in bodies)  # the code, for who needs it


@pytest.mark.parametrize("typed", ["abc", "chín phẩy năm", "1e2", "١٢٣"])
def test_a_threshold_that_is_not_a_plain_decimal_is_refused_in_plain_words(editor, draft, typed):
    before = draft.indicators.get(code=INDICATOR).threshold

    response = editor.post(
        f"/ke-hoach/{DRAFT}/du-thao/chi-tieu/{INDICATOR}/",
        {"version": _version(draft), "text": "Tỷ suất", "direction": "lt", "threshold": typed},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngưỡng phải là một số, ví dụ 95 hoặc 9,5." in html
    assert "sai kiểu dữ liệu" not in html and "targets[" not in html
    assert draft.indicators.get(code=INDICATOR).threshold == before


def test_a_plan_check_message_next_to_its_field_keeps_only_what_is_wrong():
    error = InputErrors(
        [
            "kế hoạch hue-2026, targets[0].indicators[0].text: không được để trống.",
            "kế hoạch hue-2026, tasks[3].agency: không có cơ quan X.",
        ]
    )

    by_field, other = drafts.field_errors(error, "targets[0].indicators[0]", {"text": "text"})

    assert by_field == {"text": ["Không được để trống."]}
    assert other == ["kế hoạch hue-2026, tasks[3].agency: không có cơ quan X."]


def test_the_plan_page_prints_the_documents_date_as_dd_mm_yyyy(client: Client, make_user, plan: Plan):
    plan.document = {**plan.document, "date": "2022-12-30"}
    plan.save()
    client.force_login(make_user(Role.LEADER, "46"))
    html = client.get(f"/ke-hoach/{plan.code}/").content.decode()
    assert ", 30/12/2022" in html and "2022-12-30" not in html
