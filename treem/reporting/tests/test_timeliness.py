"""On time or late at the deadline's edge, in the province's time zone (Asia/Ho_Chi_Minh, UTC+7)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from treem.reporting.models import ReportingRound, Submission, SubmissionState
from treem.reporting.selectors import board
from treem.reporting.timeliness import Kind, timeliness
from treem.units.models import Agency
from treem.units.scope import Scope

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
DEADLINE = datetime.date(2023, 5, 25)
LATER = datetime.datetime(2023, 8, 1, 9, tzinfo=HCM)


def local(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=HCM)


def test_handed_in_at_the_last_second_of_the_deadline_is_on_time():
    status = timeliness(DEADLINE, "submitted", local(2023, 5, 25, 23, 59, 59), LATER)

    assert status.kind == Kind.ON_TIME and status.label == "Đúng hạn"


def test_handed_in_at_midnight_after_the_deadline_is_one_day_late():
    status = timeliness(DEADLINE, "submitted", local(2023, 5, 26, 0, 0, 0), LATER)

    assert (status.kind, status.days) == (Kind.LATE, 1)
    assert status.label == "Trễ 1 ngày"


def test_five_pm_utc_on_the_deadline_is_already_the_next_day_locally():
    status = timeliness(DEADLINE, "submitted", datetime.datetime(2023, 5, 25, 17, 0, tzinfo=UTC), LATER)

    assert (status.kind, status.days) == (Kind.LATE, 1)


def test_a_second_before_five_pm_utc_is_on_time():
    status = timeliness(DEADLINE, "accepted", datetime.datetime(2023, 5, 25, 16, 59, 59, tzinfo=UTC), LATER)

    assert status.kind == Kind.ON_TIME and status.accepted


def test_not_handed_in_before_the_deadline_is_due_with_days_left():
    status = timeliness(DEADLINE, None, None, local(2023, 5, 20, 10))

    assert (status.kind, status.days, status.label) == (Kind.DUE, 5, "Còn 5 ngày")


def test_on_the_deadline_day_itself_it_is_due_today():
    status = timeliness(DEADLINE, "draft", None, local(2023, 5, 25, 23, 59, 59))

    assert (status.kind, status.label) == (Kind.DUE, "Hạn hôm nay")


def test_not_handed_in_after_the_deadline_is_missing():
    status = timeliness(DEADLINE, "draft", None, local(2023, 5, 27, 8))

    assert (status.kind, status.days, status.label) == (Kind.MISSING, 2, "Chưa nộp")
    assert status.is_problem


def test_a_returned_report_is_returned_until_handed_in_again():
    status = timeliness(DEADLINE, "returned", local(2023, 5, 20, 8), LATER)

    assert status.kind == Kind.RETURNED and status.is_problem


def test_the_first_hand_in_decides_even_after_a_late_resubmission():
    # handed in on time, returned, handed in again in August: the first time counts
    status = timeliness(DEADLINE, "submitted", local(2023, 5, 24, 16), LATER)

    assert status.kind == Kind.ON_TIME


# --- through submissions with their timestamps ----------------------------------------------------------


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code="M-2023-05-25")


def handed_in(rnd, code: str, first: datetime.datetime, state: str = SubmissionState.SUBMITTED) -> Submission:
    return Submission.objects.create(
        round=rnd, agency=Agency.objects.get(code=code), state=state, version=1,
        first_submitted_at=first, submitted_at=first,
    )  # fmt: skip


def statuses(plan) -> dict[str, object]:
    scope = Scope(all_provinces=True, agency_ids=None)
    result = board(scope, plan, now=LATER)
    column = [r.code for r in result.rounds].index("M-2023-05-25")
    return {row.agency.code: row.cells[column].status for row in result.rows if row.cells[column]}


def test_the_board_reads_lateness_from_the_submissions_timestamps(plan, rnd):
    handed_in(rnd, "SYT", local(2023, 5, 25, 23, 59, 59))
    handed_in(rnd, "UBND-478", datetime.datetime(2023, 5, 25, 17, 0, tzinfo=UTC))
    handed_in(rnd, "UBND-474", local(2023, 5, 28, 9), SubmissionState.ACCEPTED)
    handed_in(rnd, "SGDDT", local(2023, 5, 10, 9), SubmissionState.RETURNED)
    # resubmitted in July after a return: the first hand-in (on time) decides
    again = handed_in(rnd, "STP", local(2023, 5, 24, 9))
    Submission.objects.filter(pk=again.pk).update(submitted_at=local(2023, 7, 1, 9), version=2)

    found = statuses(plan)

    assert found["SYT"].kind == Kind.ON_TIME
    assert (found["UBND-478"].kind, found["UBND-478"].days) == (Kind.LATE, 1)
    assert (found["UBND-474"].kind, found["UBND-474"].days, found["UBND-474"].accepted) == (
        Kind.LATE,
        3,
        True,
    )
    assert found["SGDDT"].kind == Kind.RETURNED
    assert found["STP"].kind == Kind.ON_TIME
    assert found["UBND-476"].kind == Kind.MISSING  # never started


def test_a_draft_is_not_handed_in(plan, rnd):
    Submission.objects.create(round=rnd, agency=Agency.objects.get(code="SYT"))

    assert statuses(plan)["SYT"].kind == Kind.MISSING
