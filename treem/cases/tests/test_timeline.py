"""The timeline of a case (treem/cases/timeline.py): every record of every cycle oldest first, values
written for people with confidential ones decrypted, late records, moves, and the steps allowed now with
their deadlines (in working days that skip a weekend and public holidays)."""

from __future__ import annotations

import datetime

import pytest

from treem.cases.models import StepRecord
from treem.cases.procedure import Field, default_procedure
from treem.cases.services import do_move_case
from treem.cases.timeline import format_due, format_moment, format_value, time_left_text, timeline_of

from .conftest import NOTES, REPORTER_NAME, local
from .procedure_steps import THROUGH_CLOSURE, record


@pytest.fixture
def case(officers, register):
    return register(officers["commune"], "19903")  # received Thursday 25/04/2024 09:00


def values_of(entry) -> dict[str, str]:
    return {shown.name: shown.text for shown in entry.values}


@pytest.mark.parametrize(
    "field, value, text",
    [
        (Field("at", "Lúc", "datetime"), "2024-04-25T02:00:00+00:00", "25/04/2024 09:00"),
        (Field("day", "Ngày", "date"), "2024-05-25", "25/05/2024"),
        (Field("ok", "Được", "boolean"), True, "Có"),
        (Field("ok", "Được", "boolean"), False, "Không"),
        (Field("n", "Số", "integer"), 12000, "12.000"),
        (Field("x", "X", "text"), "", "—"),
        (default_procedure().step("notification").field("source"), "school", "Nhà trường, cơ sở giáo dục"),
        (default_procedure().step("notification").field("harms"), ["violence", "neglect"],
         "Bạo lực; Bỏ mặc, sao nhãng việc chăm sóc"),
        (default_procedure().step("notification").field("source"), "gone", "gone"),  # a code no longer listed
    ],
)  # fmt: skip
def test_values_are_written_for_people(field, value, text):
    assert format_value(field, value) == text


def test_a_working_day_deadline_reads_as_its_last_day_and_a_clock_as_its_minute():
    assert format_due(local(2024, 5, 7, 0, 0)) == "hết ngày 06/05/2024"
    assert format_due(local(2024, 4, 25, 21, 0)) == "25/04/2024 21:00"
    assert format_due(None) == "" and format_moment(None) == "—"


def test_the_countdown_text_counts_down_then_turns_overdue():
    due = local(2024, 4, 25, 21, 0)

    assert time_left_text(due, local(2024, 4, 25, 9, 2)) == "còn 11 giờ 58 phút"
    assert time_left_text(due, local(2024, 4, 22, 17, 0)) == "còn 3 ngày 4 giờ"
    assert time_left_text(due, local(2024, 4, 25, 23, 5)) == "quá hạn 2 giờ 5 phút"
    assert time_left_text(due, due) == "quá hạn 0 giờ 0 phút"
    assert time_left_text(None) == ""


def test_the_notification_is_the_first_entry_with_its_confidential_values_decrypted(case):
    timeline = timeline_of(case, now=local(2024, 4, 25, 10, 0))

    (first,) = timeline.entries
    shown = {s.name: s for s in first.values}
    assert first.label == "Tiếp nhận thông tin, thông báo, tố giác" and first.form == "01" and first.printable
    assert values_of(first)["received_at"] == "25/04/2024 09:00"
    assert shown["reporter_name"].text == REPORTER_NAME and shown["reporter_name"].confidential
    assert shown["description"].text == NOTES and shown["description"].multiline
    assert not shown["source"].confidential
    assert "child_name" not in shown  # the child's name lives on the Child record, shown apart


def test_the_steps_allowed_now_come_with_their_clocks(officers, case):
    record(officers["commune"], case, "initial_assessment", local(2024, 4, 25, 11, 0))

    timeline = timeline_of(case, now=local(2024, 4, 25, 12, 0))

    allowed = {step.code: step for step in timeline.available}
    assert list(allowed) == ["emergency_measure", "detailed_assessment"]
    assert allowed["emergency_measure"].due_at == local(2024, 4, 25, 21, 0)
    assert allowed["emergency_measure"].limit == "12 giờ" and not allowed["emergency_measure"].overdue
    # 5 working days from Thursday 25/04/2024: Friday 26, Monday 29, then 30/04 and 01/05 are public
    # holidays, Thursday 02, Friday 03, the weekend, Monday 06/05
    assert allowed["detailed_assessment"].due_text == "hết ngày 06/05/2024"
    assert allowed["detailed_assessment"].limit == "5 ngày làm việc"


def test_a_step_past_its_clock_is_overdue_and_a_record_after_it_is_late(officers, case):
    record(officers["commune"], case, "initial_assessment", local(2024, 4, 25, 22, 0))

    timeline = timeline_of(case, now=local(2024, 4, 25, 23, 0))

    late = [entry.kind for entry in timeline.entries if entry.is_late]
    assert late == ["initial_assessment"] and timeline.late_count == 1
    assert next(s for s in timeline.available if s.code == "emergency_measure").overdue


def test_every_cycle_is_kept_oldest_first_when_a_plan_is_returned(officers, case):
    start = local(2024, 4, 25, 10, 0)
    for hour, step in enumerate(THROUGH_CLOSURE[:5]):
        record(officers["commune"], case, step, start + datetime.timedelta(hours=hour), **(
            {"decision": "returned"} if step == "plan_approval" else {}
        ))  # fmt: skip
    record(officers["commune"], case, "support_plan", start + datetime.timedelta(hours=6))

    timeline = timeline_of(case, now=start + datetime.timedelta(hours=7))

    assert [(e.kind, e.cycle) for e in timeline.entries] == [
        ("notification", 1), ("initial_assessment", 1), ("emergency_measure", 1), ("detailed_assessment", 1),
        ("support_plan", 1), ("plan_approval", 1), ("support_plan", 2),
    ]  # fmt: skip
    assert timeline.cycle == 2
    assert [step.code for step in timeline.available] == ["plan_approval"]
    assert values_of(timeline.entries[5])["decision"] == "Trả lại để xây dựng lại kế hoạch"


def test_a_closed_case_allows_nothing_more(officers, case):
    start = local(2024, 4, 25, 10, 0)
    for hour, step in enumerate(THROUGH_CLOSURE):
        record(officers["commune"], case, step, start + datetime.timedelta(hours=hour))
    case.refresh_from_db()

    timeline = timeline_of(case)

    assert timeline.available == () and timeline.entries[-1].kind == "closure"
    referral = next(e for e in timeline.entries if e.kind == "service_referral")
    assert values_of(referral)["response"] == "Tiếp nhận" and not referral.printable  # no decree form


def test_a_move_appears_in_the_timeline_between_the_records(officers, case):
    do_move_case(officers["manager"], case, "19912")
    record(officers["manager"], case, "initial_assessment", local(2030, 1, 1, 9, 0))

    timeline = timeline_of(case)

    kinds = [entry.kind for entry in timeline.entries]
    assert kinds == ["notification", "move", "initial_assessment"]
    move = timeline.entries[1]
    assert (
        move.label.startswith("Chuyển xã: Xã Phú Thuận → ") and move.record_id is None and not move.printable
    )


def test_a_record_of_a_step_the_procedure_no_longer_has_is_shown_under_its_code(officers, case):
    StepRecord.objects.create(
        case=case, step="old_step", cycle=1, values={"note": "x"}, recorded_at=local(2024, 4, 26)
    )

    timeline = timeline_of(case, now=local(2024, 4, 25, 10, 0))

    assert timeline.entries[-1].label == "old_step"
    assert [step.code for step in timeline.available] == ["initial_assessment"]
