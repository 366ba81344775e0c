"""The procedure file (Decree 56/2017/NĐ-CP as data): the shipped file, the loader's errors on broken copies,
the order of steps a case's state machine follows, and the check of one form value."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from treem.cases.procedure import Field, default_procedure, read_procedure
from treem.core.errors import InputErrors

SHIPPED = settings.DATA_DIR / "procedures" / "nd-56-2017.yaml"
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime.datetime(2026, 12, 4, 17, 0, tzinfo=HUE)  # a Friday


def broken(tmp_path: Path, *changes: tuple[str, str]) -> tuple[list[str], list[int]]:
    """Read a copy of the shipped file with each `old` text (found once) replaced by `new`; return the
    loader's messages and the line of each `new`."""
    text = SHIPPED.read_text(encoding="utf-8")
    lines = []
    for old, new in changes:
        assert text.count(old) == 1, old
        lines.append(text[: text.index(old)].count("\n") + 1)
        text = text.replace(old, new)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        read_procedure(path)
    return caught.value.messages, lines


def one(messages: list[str], line: int, *phrases: str) -> str:
    hits = [m for m in messages if f"dòng {line}," in m and all(p in m for p in phrases)]
    assert hits, (line, phrases, messages)
    return hits[0]


# The shipped file


def test_shipped_procedure_has_the_ten_steps_in_order_with_forms_01_to_05():
    procedure = read_procedure(SHIPPED)
    assert [s.code for s in procedure.steps] == [
        "notification",
        "initial_assessment",
        "emergency_measure",
        "detailed_assessment",
        "support_plan",
        "plan_approval",
        "service_referral",
        "follow_up",
        "review",
        "closure",
    ]
    forms = {s.code: s.form for s in procedure.steps if s.form}
    assert forms == {
        "notification": "01",
        "initial_assessment": "02",
        "detailed_assessment": "03",
        "support_plan": "04",
        "plan_approval": "05",
    }
    assert default_procedure() is default_procedure()
    assert default_procedure() == procedure


def test_emergency_measure_is_due_12_hours_and_assessment_and_plan_5_working_days_after_the_notification():
    procedure = default_procedure()
    emergency = procedure.step("emergency_measure").limit
    assert emergency is not None and (emergency.hours, emergency.step, emergency.field) == (
        12,
        "notification",
        "received_at",
    )
    for code in ("detailed_assessment", "support_plan"):
        limit = procedure.step(code).limit
        assert limit is not None and (limit.working_days, limit.step) == (5, "notification")
    assert procedure.step("plan_approval").limit is None


def test_five_working_days_skip_the_weekend_and_days_off_and_end_at_midnight():
    procedure = default_procedure()
    done = {"notification": {"received_at": RECEIVED.isoformat()}}
    # Friday 17:00 → Mon 7 … Fri 11 December: late from 00:00 on the 12th.
    assert procedure.due("support_plan", done) == datetime.datetime(2026, 12, 12, tzinfo=HUE)
    assert procedure.due("support_plan", done, days_off={datetime.date(2026, 12, 8)}) == datetime.datetime(
        2026, 12, 15, tzinfo=HUE
    )
    assert procedure.due("emergency_measure", done) == datetime.datetime(2026, 12, 5, 5, tzinfo=HUE)
    assert procedure.due("emergency_measure", {}) is None
    # Received the Friday before Tết 2026 (Tuesday 17/02): the days off push the plan's limit well past
    # the 21st a plain week would give.
    before_tet = {"notification": {"received_at": datetime.datetime(2026, 2, 13, 9, tzinfo=HUE)}}
    due = procedure.due("support_plan", before_tet)
    assert due is not None and due > datetime.datetime(2026, 2, 24, tzinfo=HUE)
    assert procedure.due("plan_approval", done) is None


def test_reporter_identity_and_free_text_notes_are_confidential():
    procedure = default_procedure()
    notification = procedure.step("notification")
    confidential = {f.name for f in notification.fields if f.confidential}
    assert {"reporter_name", "reporter_phone", "reporter_relationship", "description"} <= confidential
    assert not notification.field("received_at").confidential
    for step in procedure.steps:
        for item in step.fields:
            if item.type == "longtext":
                assert item.confidential, (step.code, item.name)


def test_every_service_names_a_kind_of_provider_from_the_providers_list():
    procedure = default_procedure()
    providers = {c.code for c in procedure.choices("providers")}
    services = procedure.choices("services")
    assert len(services) == 7 and all(s.provider in providers for s in services)
    assert procedure.step("notification").field("source").options == procedure.choices("sources")


# Broken copies: every class of error is named with its line


def test_unknown_step_in_after_is_named_with_its_line(tmp_path):
    messages, (line,) = broken(tmp_path, ("after: [follow_up]", "after: [follow_upp]"))
    assert one(messages, line, "steps[8].after[0]", "không có bước 'follow_upp'").startswith("broken.yaml, ")


def test_a_cycle_in_the_order_of_steps_is_named_with_its_path(tmp_path):
    messages, (line,) = broken(tmp_path, ("    after: []\n", "    after: [closure]\n"))
    one(messages, line, "steps[0].after", "vòng lặp", "notification → closure → review")


@pytest.mark.parametrize(
    ("old", "new", "phrases"),
    [
        (
            "field: risk, equals: high",
            "field: risk, equals: severe",
            ("when.equals", "'severe'", "risk_levels"),
        ),
        ("field: risk, equals: high", "field: danger, equals: high", ("when.field", "'danger'")),
        (
            "{step: initial_assessment, field: risk",
            "{step: follow_up, field: risk",
            ("when.step", "đứng trước"),
        ),
        ("field: risk, equals: high", "field: assessed_by, equals: high", ("when.field", "lựa chọn")),
        ("field: risk, equals: high", "field: risk, equals: high, in: [low]", ("when", "equals hoặc in")),
    ],
)
def test_a_bad_condition_is_named_with_its_line(tmp_path, old, new, phrases):
    messages, (line,) = broken(tmp_path, (old, new))
    one(messages, line, "steps[2].", *phrases)


@pytest.mark.parametrize(
    ("source", "phrase"),
    [
        ("notification.received_by", "không phải kiểu datetime"),
        ("support_plan.prepared_at", "bước đứng trước"),
        ("nowhere.received_at", "không có bước 'nowhere'"),
        ("notification.arrived_at", "không có trường 'arrived_at'"),
    ],
)
def test_a_limit_counted_from_something_other_than_an_earlier_datetime_is_named(tmp_path, source, phrase):
    old = "plan.\n    limit: {working_days: 5, from: notification.received_at}"
    messages, (line,) = broken(tmp_path, (old, f"plan.\n    limit: {{working_days: 5, from: {source}}}"))
    one(messages, line + 1, "steps[3].limit.from", phrase)


def test_a_duplicate_step_code_is_named_at_the_repeat(tmp_path):
    messages, (line,) = broken(tmp_path, ("  - code: closure\n", "  - code: review\n"))
    one(messages, line, "steps[9].code", "'review' đã dùng ở steps[8]")


def test_a_duplicate_field_name_and_choice_code_are_named(tmp_path):
    messages, lines = broken(
        tmp_path,
        ("{name: received_by,", "{name: received_at,"),
        ("{code: family,", "{code: school,"),
    )
    one(messages, lines[0], "steps[0].fields[1].name", "'received_at'")
    one(messages, lines[1], "sources[4].code", "'school' đã dùng ở mục 1")


def test_a_wrong_type_is_named_with_its_line_and_nothing_else_is_checked(tmp_path):
    messages, lines = broken(
        tmp_path,
        (
            "type: datetime, required: true}\n      - {name: received_by",
            "type: timestamp, required: true}\n      - {name: received_by",
        ),
        ("repeatable: true   # one", 'repeatable: "yes"   # one'),
    )
    one(messages, lines[0], "steps[0].fields[0].type", "'timestamp'")
    one(messages, lines[1], "steps[6].repeatable", "sai kiểu")
    assert len(messages) == 2


def test_an_unknown_choices_list_is_named_with_its_line(tmp_path):
    messages, (line,) = broken(tmp_path, ("choices: sources", "choices: origins"))
    one(messages, line, "steps[0].fields[2].choices", "không có danh sách 'origins'")


def test_a_choice_field_without_a_list_and_a_list_on_a_date_are_named(tmp_path):
    messages, lines = broken(
        tmp_path,
        ("type: choice, choices: sexes}", "type: choice}"),
        ('label: "Ngày sinh", type: date}', 'label: "Ngày sinh", type: date, choices: sexes}'),
    )
    one(messages, lines[0], "steps[0].fields[4]", "cần khai báo choices")
    one(messages, lines[1], "steps[0].fields[5].choices", "chỉ dùng cho")


def test_a_file_that_is_not_yaml_names_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("code: x\nsteps: [\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        read_procedure(path)
    assert "bad.yaml, dòng" in caught.value.messages[0]


# The order of steps


def done_until(risk: str = "medium", **more: dict) -> dict:
    done: dict = {
        "notification": {"received_at": RECEIVED.isoformat(), "source": "school", "harms": ["violence"]},
        "initial_assessment": {"risk": risk, "verified": True},
    }
    return done | more


def codes(steps) -> list[str]:
    return [s.code for s in steps]


def test_a_new_case_can_only_start_with_a_notification():
    procedure = default_procedure()
    assert codes(procedure.available_steps({})) == ["notification"]
    assert procedure.refusal("notification", {}) is None


def test_a_detailed_assessment_before_the_initial_assessment_is_refused_naming_the_missing_step():
    procedure = default_procedure()
    done = {"notification": done_until()["notification"]}
    message = procedure.refusal("detailed_assessment", done)
    assert message is not None
    assert "Đánh giá nguy cơ chi tiết" in message
    assert "Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu" in message
    assert codes(procedure.available_steps(done)) == ["initial_assessment"]


def test_emergency_measure_is_offered_only_for_high_risk():
    procedure = default_procedure()
    assert codes(procedure.available_steps(done_until("high"))) == [
        "emergency_measure",
        "detailed_assessment",
    ]
    assert codes(procedure.available_steps(done_until("low"))) == ["detailed_assessment"]
    message = procedure.refusal("emergency_measure", done_until("low"))
    assert message is not None and "“Cao”" in message and "(hiện là “Thấp”)" in message


def test_a_done_step_is_not_offered_again_but_a_follow_up_is():
    procedure = default_procedure()
    done = done_until(
        detailed_assessment={},
        support_plan={},
        plan_approval={"decision": "approved"},
        follow_up={"child_safe": True},
    )
    available = codes(procedure.available_steps(done))
    assert "follow_up" in available and "service_referral" in available and "review" in available
    assert "support_plan" not in available
    assert (
        procedure.refusal("support_plan", done)
        == "Bước “Xây dựng kế hoạch hỗ trợ, can thiệp” đã được thực hiện."
    )


def test_closure_is_offered_after_a_review_that_concludes_so_and_then_nothing_more():
    procedure = default_procedure()
    base = done_until(
        detailed_assessment={}, support_plan={}, plan_approval={"decision": "approved"}, follow_up={}
    )
    assert "closure" not in codes(procedure.available_steps(base))
    assert "closure" in codes(procedure.available_steps(base | {"review": {"outcome": "close"}}))
    assert "closure" not in codes(procedure.available_steps(base | {"review": {"outcome": "continue"}}))
    closed = base | {"review": {"outcome": "close"}, "closure": {"reason": "safe"}}
    assert procedure.available_steps(closed) == []
    assert "đã kết thúc" in (procedure.refusal("follow_up", closed) or "")


def test_a_returned_plan_or_a_review_for_a_new_plan_starts_a_new_cycle_from_the_plan():
    procedure = default_procedure()
    returned = done_until(detailed_assessment={}, support_plan={}, plan_approval={"decision": "returned"})
    # Nothing goes on from a returned plan (no referral, no follow-up, no review) until the new cycle.
    assert procedure.available_steps(returned) == []
    again = procedure.new_cycle(returned, "plan_approval")
    assert again is not None and set(again) == {"notification", "initial_assessment", "detailed_assessment"}
    assert codes(procedure.available_steps(again)) == ["support_plan"]
    reviewed = returned | {
        "plan_approval": {"decision": "approved"},
        "follow_up": {},
        "review": {"outcome": "new_plan"},
    }
    assert set(procedure.new_cycle(reviewed, "review") or {}) == set(again)
    assert procedure.new_cycle(reviewed | {"review": {"outcome": "close"}}, "review") is None


def test_an_unknown_step_is_refused():
    assert "không có bước" in (default_procedure().refusal("interview", {}) or "").lower()


# One form value


def field(type_: str, **extra) -> Field:
    return Field(name="x", label="Ô thử", type=type_, **extra)


@pytest.mark.parametrize(
    ("item", "good", "bad"),
    [
        (field("text", max_length=5), ["abc", " ab  "], ["abcdef", "a\nb", 5, "a\x00"]),
        (field("longtext", max_length=10), ["a\nb"], ["a" * 11, ["a"]]),
        (field("date"), [datetime.date(2026, 1, 31), "2026-01-31"], ["2026-02-30", "31/01/2026", RECEIVED]),
        (
            field("datetime"),
            [RECEIVED, RECEIVED.isoformat()],
            ["2026-12-04T17:00:00", "hôm qua", datetime.date.today()],
        ),
        (field("integer", minimum=0, maximum=15), [0, 15, "7"], [-1, 16, "7.5", 1.5, True]),
        (field("boolean"), [True, False], ["yes", 1]),
        (default_procedure().step("notification").field("source"), ["school"], ["School", ["school"]]),
        (
            default_procedure().step("notification").field("harms"),
            [["violence", "neglect"]],
            [["nope"], "violence", ["neglect", "neglect"]],
        ),
    ],
)
def test_field_validate_accepts_good_values_and_names_the_field_on_bad_ones(item, good, bad):
    for value in good:
        assert item.validate(value) is None, value
    for value in bad:
        message = item.validate(value)
        assert message is not None and message.startswith(f"“{item.label}”"), value


def test_an_empty_value_is_refused_only_when_the_field_is_required():
    for empty in (None, "", "   ", []):
        assert field("text").validate(empty) is None
        assert field("text", required=True).validate(empty) == "Cần nhập “Ô thử”."
    assert field("boolean", required=True).validate(False) is None


def test_a_step_validates_a_whole_form_and_names_unknown_fields():
    step = default_procedure().step("initial_assessment")
    problems = step.validate({"assessed_at": RECEIVED, "risk": "extreme", "colour": "red"})
    assert set(problems) == {"risk", "colour", "assessed_by", "verified", "findings"}


@given(st.text(max_size=40))
def test_text_validation_never_fails_and_accepts_exactly_short_single_lines(value):
    message = field("text", max_length=20).validate(value)
    fits = len(value) <= 20 and not any(c in value for c in "\n\r\x00")
    assert (message is None) == (fits or not value.strip())


@given(st.integers())
def test_integer_validation_accepts_exactly_the_range(value):
    item = field("integer", minimum=-3, maximum=100)
    assert (item.validate(value) is None) == (-3 <= value <= 100)
    assert item.validate(str(value)) == item.validate(value) or abs(value) >= 10**18
