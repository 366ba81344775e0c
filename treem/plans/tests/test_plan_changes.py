"""plan_changes: what a plan changes against another, the years between them discounted."""

from __future__ import annotations

import pytest

from treem.core.formatting import format_number
from treem.plans.changes import PlanChange, data_changes, plan_changes, shift_date, shift_period
from treem.plans.copying import do_copy_plan
from treem.plans.exporter import export_plan
from treem.plans.services import load_plan_data

from .reform_fixtures import reform_fixture  # noqa: F401 (the fixture `reform`)

pytestmark = pytest.mark.django_db


def test_a_plan_against_itself_has_no_changes(plan):
    assert plan_changes(plan, plan) == []


def test_a_copied_unedited_draft_shows_only_the_year_bodies_and_document(reform):
    draft = do_copy_plan(reform, code="draft-2026", year=2026).plan
    changes = plan_changes(draft, reform)
    assert (
        changes[0] == PlanChange("year", "Năm kế hoạch", "2023", "2026", changes[0].note)
        and "+3 năm" in changes[0].note
    )
    kinds = {c.path.split("[")[0].split(".")[0] for c in changes[1:]}
    assert kinds <= {"owner", "document", "data_elements", "targets", "tasks", "milestones"}
    for change in changes[1:]:
        field = change.path.rsplit(".", 1)[-1]
        assert field in {
            "owner", "supplier", "agency", "cooperating", "reporters", "via", "recipients",
            "heading", "draft_note", "name",
        }, change  # fmt: skip
    assert not any(c.path.endswith((".date", ".period")) or "năm 2023" in (c.old or "") for c in changes)


def test_an_edited_threshold_shows_as_one_change_with_its_indicator(reform):
    draft = do_copy_plan(reform, code="draft-2026", year=2026).plan
    data = export_plan(draft)
    indicator = data["targets"][0]["indicators"][0]
    old = indicator["threshold"]
    indicator["threshold"] = 8
    load_plan_data(data)
    change = next(c for c in plan_changes(draft, reform) if c.path.endswith("threshold"))
    assert str(change) == f"targets[0].indicators[0].threshold: {format_number(old)} → 8"
    assert change.label == f"Chỉ tiêu {indicator['code']}: ngưỡng"


def test_added_removed_and_moved_items_are_matched_by_code(plan):
    old = export_plan(plan)
    new = export_plan(plan)
    removed = new["tasks"].pop(0)
    new["tasks"].append(dict(new["tasks"][0], code="IV.99", text="Nhiệm vụ mới"))
    new["milestones"].reverse()
    changes = data_changes(old, new)
    assert [(c.label, c.old is None, c.new is None) for c in changes] == [
        (f"Nhiệm vụ {removed['code']} (đã bỏ)", False, True),
        ("Nhiệm vụ IV.99 (thêm mới)", True, False),
    ][::-1]


@pytest.mark.parametrize(
    ("value", "years", "expected"),
    [("2024-02-29", 2, "2026-02-28"), ("2023-12-05", 3, "2026-12-05"), (None, 3, None)],
)
def test_a_date_moves_by_whole_years(value, years, expected):
    assert shift_date(value, years) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("2023S1", "2026S1"), ("2023", "2026"), ("2023Q4", "2026Q4"), (None, None)]
)
def test_a_report_period_moves_by_whole_years(value, expected):
    assert shift_period(value, 3) == expected
