"""The case register's services: registering a notification, recording steps in the procedure's order with
their clocks and cycles, closing and moving a case."""

from __future__ import annotations

import datetime

import pytest

from treem.cases.models import AccessEvent, Case, CaseState
from treem.cases.services import CaseError, do_move_case, do_record_step
from treem.core.workdays import add_working_days

from .conftest import local


def initial(at: datetime.datetime, risk: str = "medium") -> tuple[dict, dict]:
    values = {"assessed_at": at.isoformat(), "assessed_by": "Cán bộ xã", "verified": True, "risk": risk}
    return values, {"findings": "Đã đến nhà kiểm tra"}


def detailed(at: datetime.datetime) -> tuple[dict, dict]:
    values = {"assessed_at": at.isoformat(), "assessed_by": "Cán bộ xã", "risk": "medium"}
    return values, {"needs": "Cần hỗ trợ tâm lý"}


def test_a_notification_creates_the_child_the_case_and_its_first_record(officers, register):
    case = register(officers["commune"], "19903")

    assert case.code == "19903-2024-0001" and case.state == CaseState.OPEN and case.cycle == 1
    assert case.received_at == local(2024, 4, 25, 9, 0)
    assert case.harms == ["violence"] and case.last_step == "notification"
    assert case.next_due_at == local(2024, 4, 25, 21, 0)  # the initial assessment: 12 hours
    assert case.child.birth_year_estimate == 2015 and case.child.sex == "male"
    record = case.records.get()
    assert record.step == "notification" and "child_name" not in record.values
    assert AccessEvent.objects.filter(case_id=case.pk, action="create").count() == 1


def test_case_codes_number_the_communes_cases_of_the_year(officers, register):
    first = register(officers["commune"], "19903")
    second = register(officers["commune"], "19903")

    assert (first.code, second.code) == ("19903-2024-0001", "19903-2024-0002")


def test_a_notification_with_a_bad_form_is_refused_field_by_field(officers, register):
    with pytest.raises(CaseError) as refused:
        register(officers["commune"], "19903", harms=["no_such_harm"], source="")

    assert set(refused.value.problems) == {"harms", "source"}
    assert not Case.objects.exists()


def test_a_notification_outside_the_officers_commune_is_refused_like_a_missing_commune(officers, register):
    with pytest.raises(CaseError) as outside:
        register(officers["commune"], "19912")
    with pytest.raises(CaseError) as missing:
        register(officers["commune"], "99999")

    assert "trong phạm vi của bạn" in outside.value.message
    assert outside.value.message.replace("19912", "X") == missing.value.message.replace("99999", "X")


def test_a_leader_cannot_register_a_notification(officers, register):
    with pytest.raises(CaseError):
        register(officers["leader"], "19903")


def test_a_step_out_of_order_is_refused_with_the_reason(officers, register):
    case = register(officers["commune"], "19903")

    with pytest.raises(CaseError) as refused:
        do_record_step(officers["commune"], case, "detailed_assessment", *detailed(local(2024, 4, 26, 9)))

    assert refused.value.message == (
        "Chưa thể thực hiện bước “Đánh giá nguy cơ chi tiết”: cần hoàn thành trước "
        "“Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu”."
    )
    assert case.records.count() == 1


def test_a_step_already_done_is_refused(officers, register):
    case = register(officers["commune"], "19903")
    do_record_step(officers["commune"], case, "initial_assessment", *initial(local(2024, 4, 25, 10)))

    with pytest.raises(CaseError, match="đã được thực hiện"):
        do_record_step(officers["commune"], case, "initial_assessment", *initial(local(2024, 4, 25, 11)))


def test_five_working_days_span_the_weekend_and_the_april_holidays(officers, register):
    """Received Thu 25/04/2024: Fri 26 counts; Sat 27, Sun 28, Mon 29 (bridging day off), Tue 30/4 and Wed
    1/5 do not; Thu 2, Fri 3, Sat 4/5 (worked in exchange) and Mon 6/5 do: due at 00:00 on Tue 7/5."""
    received = local(2024, 4, 25, 9, 0)
    on_time_case = register(officers["commune"], "19903", received)
    late_case = register(officers["commune"], "19903", received)
    due = add_working_days(received, 5)
    assert due == local(2024, 5, 7, 0, 0)

    records = []
    for case, at in [(on_time_case, local(2024, 5, 6, 16, 30)), (late_case, local(2024, 5, 7, 8, 0))]:
        do_record_step(officers["commune"], case, "initial_assessment", *initial(received), at=received)
        case.refresh_from_db()
        assert case.next_due_at == due
        records.append(do_record_step(officers["commune"], case, "detailed_assessment", *detailed(at), at=at))

    on_time, late = records
    assert on_time.due_at == due and not on_time.is_late
    assert late.due_at == due and late.is_late


def test_an_emergency_measure_applies_only_to_a_high_risk(officers, register):
    case = register(officers["commune"], "19903")
    do_record_step(officers["commune"], case, "initial_assessment", *initial(local(2024, 4, 25, 10), "low"))

    with pytest.raises(CaseError, match="chỉ thực hiện khi"):
        do_record_step(
            officers["commune"], case, "emergency_measure",
            {"taken_at": local(2024, 4, 25, 11).isoformat(), "decided_by": "Chủ tịch UBND xã",
             "measures": ["safe_place"]}, {},
        )  # fmt: skip
    case.refresh_from_db()
    assert case.risk == "low"


def walk(officer, case, steps: list[tuple[str, dict, dict]]) -> None:
    for code, values, secret in steps:
        do_record_step(officer, case, code, values, secret)


def test_a_returned_plan_starts_a_new_cycle_and_a_closure_closes_the_case(officers, register):
    officer = officers["commune"]
    case = register(officer, "19903")
    t = local(2024, 4, 25, 12).isoformat()
    plan = ("support_plan", {"prepared_at": t, "prepared_by": "Cán bộ xã", "services": ["psychological_support"],
                             "review_date": "2024-06-01"}, {"goals": "An toàn"})  # fmt: skip
    walk(officer, case, [("initial_assessment", *initial(local(2024, 4, 25, 10))),
                         ("detailed_assessment", *detailed(local(2024, 4, 25, 11))), plan,
                         ("plan_approval", {"decided_at": t, "approver": "Chủ tịch", "decision": "returned"}, {})])  # fmt: skip
    case.refresh_from_db()
    assert case.cycle == 2 and case.last_step == "plan_approval"

    walk(officer, case, [
        plan,
        ("plan_approval", {"decided_at": t, "approver": "Chủ tịch", "decision": "approved"}, {}),
        ("service_referral", {"service": "psychological_support", "provider_kind": "social_work",
                              "provider_name": "Trung tâm CTXH", "referred_at": t, "response": "accepted"}, {}),
        ("follow_up", {"visited_at": t, "visited_by": "Cán bộ xã", "child_safe": True}, {"progress": "Tốt"}),
        ("review", {"reviewed_at": t, "reviewed_by": "Cán bộ xã", "risk": "low", "outcome": "close"},
         {"findings": "Đạt mục tiêu"}),
        ("closure", {"closed_at": t, "decided_by": "Chủ tịch", "reason": "safe"}, {"notes": "Kết thúc"}),
    ])  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.closed_at is not None and case.next_due_at is None
    assert case.risk == "low" and case.cycle == 2
    assert list(case.records.filter(step="support_plan").values_list("cycle", flat=True)) == [1, 2]
    with pytest.raises(CaseError, match="đã kết thúc"):
        walk(officer, case, [("follow_up", {"visited_at": t, "visited_by": "X", "child_safe": True},
                              {"progress": "-"})])  # fmt: skip


def test_moving_a_case_keeps_its_history(officers, register):
    case = register(officers["commune"], "19903")

    do_move_case(officers["district"], case, "19912")

    case.refresh_from_db()
    assert case.commune.code == "19912" and case.child.commune.code == "19912"
    assert case.code == "19903-2024-0001"  # the code it was registered with
    assert [h.commune.code for h in case.history.order_by("history_date")][-2:] == ["19903", "19912"]


def test_a_case_cannot_move_to_another_province(officers, register):
    case = register(officers["manager"], "19903")

    with pytest.raises(CaseError, match="trong phạm vi"):
        do_move_case(officers["manager"], case, "20194")
