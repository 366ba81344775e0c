"""Hostile input to the draft tools: a copy to a year no plan can have, a threshold typed with more decimals
than the column keeps or with digits that are not ASCII, and an edit saved between the issue page's
confirmation and the issuing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from treem.accounts.models import Role
from treem.core.errors import InputErrors
from treem.plans import drafts, views_draft
from treem.plans.copying import copy_plan
from treem.plans.exporter import export_plan
from treem.plans.models import Plan
from treem.plans.services import do_issue_plan, load_plan_data

DRAFT = "tth-2023-cung"
BASE = f"/ke-hoach/{DRAFT}/du-thao/"
INDICATOR = "MT01-TVSS"


@pytest.fixture
def draft_plan(plan: Plan) -> Plan:
    data = export_plan(plan)
    data.update(code=DRAFT, status="draft", source=plan.code)
    return load_plan_data(data).plan


@pytest.fixture
def editor(client: Client, make_user) -> Client:
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    return client


def _version(plan: Plan) -> str:
    return drafts.current_version(Plan.objects.get(pk=plan.pk))


def _threshold(plan: Plan) -> Decimal:
    return plan.indicators.get(code=INDICATOR).threshold


@pytest.mark.parametrize("year", [10000, 99999999999, 1999, 2101])
def test_a_copy_to_a_year_outside_2000_to_2100_is_refused_with_a_message(plan, year):
    with pytest.raises(InputErrors) as refused:
        copy_plan(plan, code="x1", year=year)

    assert refused.value.messages == [f"Năm của bản dự thảo ({year}) phải từ 2000 đến 2100."]


def test_copy_plan_with_a_huge_year_prints_the_message_not_a_traceback(plan):
    with pytest.raises(CommandError):
        call_command("copy_plan", plan.code, code="x1", year=99999999999, verbosity=0)
    assert not Plan.objects.filter(code="x1").exists()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("1e-400", "phải là một số"),
        ("1.0000000000000000001", "tối đa 3 chữ số"),
        ("9.5000000000000001", "tối đa 3 chữ số"),
        ("١٢٣", "phải là một số"),
        ("𝟗", "phải là một số"),
        ("1_000", "phải là một số"),
    ],
)
def test_a_threshold_rounded_or_read_from_other_digits_is_refused(editor, draft_plan, typed, message):
    before = _threshold(draft_plan)
    response = editor.post(
        f"{BASE}chi-tieu/{INDICATOR}/",
        {"version": _version(draft_plan), "text": "Tỷ suất", "direction": "lt", "threshold": typed},
    )

    assert response.status_code == 200 and message in response.content.decode()
    assert _threshold(draft_plan) == before


@pytest.mark.parametrize("typed, stored", [("9,125", "9.125"), ("1.5000", "1.5"), ("1 000", "1000")])
def test_a_threshold_with_at_most_3_decimals_is_saved_exactly(editor, draft_plan, typed, stored):
    response = editor.post(
        f"{BASE}chi-tieu/{INDICATOR}/",
        {"version": _version(draft_plan), "text": "Tỷ suất", "direction": "lt", "threshold": typed},
    )

    assert response.status_code == 302
    assert _threshold(draft_plan) == Decimal(stored)


def test_issuing_with_a_stale_fingerprint_issues_nothing(draft_plan):
    confirmed = _version(draft_plan)
    drafts.apply_edit(
        draft_plan,
        confirmed,
        drafts.set_indicator(INDICATOR, text="Tỷ suất", direction="lt", threshold=1),
        actor=None,
    )

    with pytest.raises(drafts.DraftConflict):
        do_issue_plan(draft_plan, expected_version=confirmed)

    assert Plan.objects.get(pk=draft_plan.pk).is_draft


def test_an_edit_saved_while_the_issue_is_confirmed_is_a_409_and_nothing_is_issued(
    editor, draft_plan, monkeypatch
):
    """The edit commits after the view has started the POST and before the row is locked: the version is
    compared under the lock, so the issue is refused."""
    confirmed = _version(draft_plan)
    issue = views_draft.do_issue_plan

    def edit_then_issue(plan: Plan, **kwargs) -> Plan:
        drafts.apply_edit(
            plan,
            confirmed,
            drafts.set_indicator(INDICATOR, text="Tỷ suất", direction="lt", threshold=1),
            actor=None,
        )
        return issue(plan, **kwargs)

    monkeypatch.setattr(views_draft, "do_issue_plan", edit_then_issue)
    response = editor.post(f"{BASE}ban-hanh/", {"version": confirmed})

    assert response.status_code == 409
    assert "vừa được người khác sửa" in response.content.decode()
    saved = Plan.objects.get(pk=draft_plan.pk)
    assert saved.is_draft and _threshold(saved) == Decimal("1")
    assert f'value="{drafts.current_version(saved)}"' in response.content.decode()


def test_issuing_the_confirmed_version_still_works(editor, draft_plan):
    response = editor.post(f"{BASE}ban-hanh/", {"version": _version(draft_plan)})

    assert response.status_code == 302
    assert not Plan.objects.get(pk=draft_plan.pk).is_draft
