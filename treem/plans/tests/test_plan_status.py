"""A plan's status (draft or issued) and source in its file, loading from memory, and issuing."""

from __future__ import annotations

import pytest

from treem.core.errors import InputErrors
from treem.core.models import AuditEvent
from treem.plans.copying import do_copy_plan
from treem.plans.exporter import export_plan, plan_yaml
from treem.plans.models import Plan, PlanStatus
from treem.plans.services import PlanIssueError, check_plan_data, do_issue_plan, load_plan, load_plan_data
from treem.units.models import Agency

from .reform_fixtures import reform_fixture  # noqa: F401 (the fixture `reform`)

pytestmark = pytest.mark.django_db


def as_copy(plan: Plan, code: str, **changes) -> dict:
    return {**export_plan(plan), "code": code, **changes}


def messages(excinfo) -> str:
    return "\n".join(excinfo.value.messages)


def test_a_file_without_a_status_is_an_issued_plan_with_its_issue_time(plan):
    assert plan.status == PlanStatus.ISSUED and plan.issued_at is not None and plan.source is None
    assert export_plan(plan)["status"] == "issued" and export_plan(plan)["source"] is None


def test_status_and_source_are_stored_and_exported(plan, tmp_path):
    data = as_copy(plan, "tth-draft", status="draft", source=plan.code)
    data["document"] = {**data["document"], "draft_note": "Dự thảo do treem tạo"}
    path = tmp_path / "draft.yaml"
    path.write_text(plan_yaml(data), encoding="utf-8")
    draft = load_plan(path).plan
    assert (draft.status, draft.source, draft.issued_at) == (PlanStatus.DRAFT, plan, None)
    assert export_plan(draft) == data


def test_loading_a_draft_over_an_issued_plan_is_refused(plan):
    with pytest.raises(InputErrors) as error:
        load_plan_data(as_copy(plan, plan.code, status="draft"))
    assert f"kế hoạch {plan.code}, status: kế hoạch '{plan.code}' đã ban hành" in messages(error)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ISSUED


def test_a_source_that_is_not_loaded_is_refused(plan):
    with pytest.raises(InputErrors) as error:
        load_plan_data(as_copy(plan, "tth-draft", status="draft", source="khong-co"))
    assert "không có kế hoạch nguồn mã 'khong-co'" in messages(error)


def test_an_issued_plan_cannot_carry_a_draft_note(plan):
    data = as_copy(plan, "tth-other")
    data["document"] = {**data["document"], "draft_note": "Dự thảo"}
    with pytest.raises(InputErrors) as error:
        load_plan_data(data)
    assert "document.draft_note" in messages(error)


def test_data_in_memory_gets_the_file_checks_without_lines(plan):
    data = as_copy(plan, "tth-bad")
    data["targets"][0]["indicators"][0]["direction"] = "above"
    data["tasks"][3]["agency"] = "KHONG-CO"
    with pytest.raises(InputErrors) as error:
        check_plan_data(data, name="kế hoạch tth-bad")
    assert "kế hoạch tth-bad, targets[0].indicators[0].direction: giá trị 'above' không hợp lệ" in messages(
        error
    )
    assert "dòng" not in messages(error)
    data["targets"][0]["indicators"][0]["direction"] = "lt"
    with pytest.raises(InputErrors) as error:
        load_plan_data(data)
    assert "kế hoạch tth-bad, tasks[3].agency: không có cơ quan mã 'KHONG-CO'" in messages(error)
    assert not Plan.objects.filter(code="tth-bad").exists()


def test_the_editor_cannot_change_an_issued_plan(plan):
    data = export_plan(plan)
    data["targets"][0]["indicators"][0]["threshold"] = 1
    with pytest.raises(InputErrors) as error:
        load_plan_data(data, only_drafts=True)
    assert "đã ban hành, không sửa được" in messages(error)


def test_a_body_that_does_not_exist_in_the_plans_year_is_refused_naming_it_and_the_year(plan):
    Agency.objects.filter(code="SGDDT").update(valid_to="2022-07-01")
    with pytest.raises(InputErrors) as error:
        load_plan_data(as_copy(plan, "tth-other"))
    assert "cơ quan 'SGDDT' (Sở Giáo dục và Đào tạo) không hoạt động trong năm 2023" in messages(error)


def test_a_province_without_a_version_in_the_plans_year_is_refused(plan):
    data = as_copy(plan, "tth-other", province="99")
    with pytest.raises(InputErrors) as error:
        load_plan_data(data)
    assert "chưa có tỉnh mã '99' hiệu lực ngày 01/01/2023" in messages(error)


def test_issuing_a_draft_freezes_it_and_is_recorded(reform):
    draft = do_copy_plan(reform, code="draft-2026", year=2026).plan
    assert draft is not None
    issued = do_issue_plan(draft)
    assert (issued.status, draft.status) == (PlanStatus.ISSUED, PlanStatus.ISSUED)
    assert issued.issued_at is not None and "draft_note" not in issued.document
    event = AuditEvent.objects.filter(object_kind="plan", object_id="draft-2026").latest("pk")
    assert event.summary == "Ban hành kế hoạch draft-2026"
    with pytest.raises(PlanIssueError, match="đã được ban hành"):
        do_issue_plan(issued)
    with pytest.raises(InputErrors) as error:
        load_plan_data({**export_plan(issued), "status": "draft"})
    assert "đã ban hành" in messages(error)


def test_a_draft_can_be_edited_from_memory_and_keeps_its_source(reform):
    draft = do_copy_plan(reform, code="draft-2026", year=2026).plan
    data = export_plan(draft)
    data["targets"][0]["indicators"][0]["threshold"] = 8
    result = load_plan_data(data, only_drafts=True)
    assert result.updated["indicator"] == 1
    assert (result.plan.status, result.plan.source) == (PlanStatus.DRAFT, reform)
