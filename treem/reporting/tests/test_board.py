"""The coordinator's board (who handed in what, and when), its filters and Excel copy, and the progress of
each task across the bodies that owe it. Submissions are written with set timestamps: the boundary logic of
timeliness itself is tested with timeliness.py."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.plans.models import Task
from treem.reporting import selectors
from treem.reporting.models import ReportingRound, Submission, TaskProgress
from treem.units.models import Agency, AgencyKind

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
S1 = "M-2023-05-25"
YEAR = "M-2023-11-15"
BOARD = "/bao-cao/tth-2023/bang/"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HUE)


def hand_in(plan, round_code: str, agency_code: str, state: str, first: datetime.datetime | None = None,
            comment: str = "") -> Submission:  # fmt: skip
    rnd = ReportingRound.objects.get(plan=plan, code=round_code)
    return Submission.objects.create(
        round=rnd, agency=Agency.objects.get(code=agency_code), state=state, first_submitted_at=first,
        submitted_at=first, review_comment=comment,
    )  # fmt: skip


@pytest.fixture
def submissions(plan):
    hand_in(plan, S1, "SYT", "accepted", at("2023-05-25", 20))  # on time, the deadline's evening
    hand_in(plan, S1, "SGDDT", "submitted", at("2023-05-28"))  # three days late
    hand_in(plan, S1, "STC", "returned", at("2023-05-20"), "Thiếu số liệu")
    hand_in(plan, S1, "SKHDT", "draft")  # started, never handed in: missing
    hand_in(plan, S1, "UBND-478", "submitted", at("2023-05-24"))


@pytest.fixture
def coordinator(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    return client


def _row(html: str, body: str) -> str:
    found = re.search(rf'<tr data-body="{body}">.*?</tr>', html, re.S)
    assert found, f"no row for {body}"
    return found.group(0)


def _status(html: str, body: str, round_code: str) -> str:
    found = re.search(rf'data-round="{round_code}" data-status="(\w+)"', _row(html, body))
    assert found, f"no cell for {body} at {round_code}"
    return found.group(1)


def test_board_cells_show_on_time_late_returned_and_missing_from_the_timestamps(coordinator, submissions):
    html = coordinator.get(BOARD).content.decode()

    assert _status(html, "SYT", S1) == "on_time"
    assert _status(html, "SGDDT", S1) == "late"
    assert "Trễ 3 ngày" in _row(html, "SGDDT")
    assert _status(html, "STC", S1) == "returned"
    assert _status(html, "SKHDT", S1) == "missing"
    assert _status(html, "STP", S1) == "missing"  # nothing at all
    assert "✓" in _row(html, "SYT") and "✓" not in _row(html, "SGDDT")  # accepted


def test_a_cell_links_to_the_submission_page_and_the_header_shows_the_deadline(coordinator, submissions):
    html = coordinator.get(BOARD).content.decode()

    assert reverse("reporting:submission", args=["tth-2023", S1, "SYT"]) in _row(html, "SYT")
    assert "25/05/2023" in html


def test_a_body_that_does_not_owe_a_round_has_no_cell_there(coordinator):
    html = coordinator.get(BOARD).content.decode()

    assert 'data-round="M-2023-09-30"' not in _row(html, "SYT")  # only the districts report then
    assert 'data-round="M-2023-09-30"' in _row(html, "UBND-478")


def test_before_the_deadline_a_report_not_handed_in_is_due_with_days_left(plan, make_user, submissions):
    scope = scope_for(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    board = selectors.board(scope, plan, now=at("2023-05-20"))

    column = [r.code for r in board.rounds].index(S1)
    cells = {row.agency.code: row.cells[column] for row in board.rows}
    assert cells["STP"].status.kind == "due" and cells["STP"].status.days == 5
    assert cells["SKHDT"].status.kind == "due"
    assert cells["STC"].status.kind == "returned"


def test_filters_by_kind_of_body_status_and_round(coordinator, submissions):
    districts = coordinator.get(BOARD, {"kind": "district"}).content.decode()
    late = coordinator.get(BOARD, {"status": "late", "round": S1}).content.decode()
    one_round = coordinator.get(BOARD, {"round": S1}).content.decode()
    organisations = coordinator.get(BOARD, {"kind": "organisation"}).content.decode()

    assert set(re.findall(r'<tr data-body="([\w-]+)"', districts)) == {
        f"UBND-{n}" for n in range(474, 484) if n != 475
    }
    assert re.findall(r'<tr data-body="([\w-]+)"', late) == ["SGDDT"]
    assert set(re.findall(r'<th data-round="([\w-]+)"', one_round)) == {S1}
    assert set(re.findall(r'<tr data-body="([\w-]+)"', organisations)) == {
        "MTTQ", "TINHDOAN", "HLHPN", "HND", "HCCB", "LDLD"
    }  # fmt: skip


def test_counts_per_status_are_those_of_the_cells_shown(coordinator, submissions):
    html = coordinator.get(BOARD, {"round": S1, "status": "late"}).content.decode()

    counts = dict(re.findall(r'data-count="(\w+)"[^>]*>[^<]*<strong>(\d+)</strong>', html))
    assert counts["late"] == "1" and counts["on_time"] == "2" and counts["returned"] == "1"
    owing = 12 + 6 + 9  # departments, organisations, districts
    assert sum(int(n) for n in counts.values()) == owing


def test_unknown_filter_values_filter_nothing(coordinator, submissions):
    everything = coordinator.get(BOARD).content.decode()
    odd = coordinator.get(BOARD, {"kind": "x", "status": "?", "round": "KHONG-CO"})

    assert odd.status_code == 200
    assert re.findall(r'<tr data-body="([\w-]+)"', odd.content.decode()) == re.findall(
        r'<tr data-body="([\w-]+)"', everything
    )


def test_the_excel_copy_has_the_same_cells_headers_and_a_legend(coordinator, submissions):
    response = coordinator.get("/bao-cao/tth-2023/bang.xlsx", {"kind": "department", "round": S1})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2][:3] == ["STT", "Đơn vị", "Loại đơn vị"]
    assert rows[2][3].startswith(S1) and "Hạn 25/05/2023" in rows[2][3] and len(rows[2]) == 4
    by_body = {row[1]: row[3] for row in rows[3:] if row[1] and isinstance(row[0], int)}
    assert by_body["Sở Y tế"] == "Đúng hạn · gửi 25/05/2023 · đã tiếp nhận"
    assert by_body["Sở Giáo dục và Đào tạo"] == "Trễ 3 ngày · gửi 28/05/2023"
    assert by_body["Sở Tư pháp"] == "Chưa nộp"
    assert not any("Ủy ban nhân dân" in name for name in by_body)  # the kind filter holds
    assert any(row[1] == "Chú giải" for row in rows)


def test_the_board_runs_the_same_queries_however_many_bodies_owe(plan, make_user, submissions):
    scope = scope_for(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))
    with CaptureQueriesContext(connection) as before:
        selectors.board(scope, plan)
    group = Agency.objects.get(code="SO-NGANH")
    rnd = ReportingRound.objects.get(plan=plan, code=S1)
    for n in range(30):
        body = Agency.objects.create(code=f"SO-MOI-{n}", name=f"Sở mới {n}", kind=AgencyKind.DEPARTMENT)
        group.members.add(body)
        Submission.objects.create(
            round=rnd, agency=body, state="submitted", first_submitted_at=at("2023-05-01")
        )

    with CaptureQueriesContext(connection) as after:
        board = selectors.board(scope, plan)

    assert len(board.rows) == 27 + 30
    assert len(after) == len(before) <= 5


def test_the_board_page_stays_within_a_fixed_number_of_queries(coordinator, submissions,
                                                               django_assert_max_num_queries):  # fmt: skip
    with django_assert_max_num_queries(15):
        assert coordinator.get(BOARD).status_code == 200


def test_a_leader_reads_the_board_and_the_other_province_does_not_see_it(client, make_user, submissions):
    client.force_login(make_user(Role.LEADER, "46"))
    assert "Chỉ xem" in client.get(BOARD).content.decode()

    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"))
    assert client.get(BOARD).status_code == 404


# --- task progress ----------------------------------------------------------------------------------


def _answer(submission: Submission, task: Task, status: str) -> None:
    TaskProgress.objects.create(submission=submission, task=task, status=status, done="x")


@pytest.fixture
def district_task(plan):
    return Task.objects.filter(plan=plan, agency__code="UBND-HUYEN", is_active=True).order_by("order").first()


def test_task_progress_counts_what_each_owing_body_reported_at_the_round(coordinator, plan, district_task):
    _answer(hand_in(plan, YEAR, "UBND-478", "submitted", at("2023-11-10")), district_task, "done")
    _answer(hand_in(plan, YEAR, "UBND-474", "accepted", at("2023-11-10")), district_task, "in_progress")
    _answer(hand_in(plan, YEAR, "UBND-476", "draft"), district_task, "done")  # not handed in: not counted

    html = coordinator.get("/bao-cao/tth-2023/nhiem-vu/", {"round": YEAR}).content.decode()

    row = re.search(rf'<tr data-task="{re.escape(district_task.code)}".*?</tr>', html, re.S).group(0)
    assert "data-behind" in row
    assert 'data-body="UBND-478" data-status="done"' in row
    assert 'data-body="UBND-474" data-status="in_progress"' in row
    assert 'data-body="UBND-476" data-status="none"' in row and "Chưa báo cáo" in row
    assert '<td class="num" data-label="Chưa báo cáo">7</td>' in row


def test_task_progress_defaults_to_the_latest_round_with_reports(plan, district_task):
    _answer(hand_in(plan, S1, "UBND-478", "submitted", at("2023-05-20")), district_task, "done")

    assert selectors.default_progress_round(plan).code == S1


def test_only_behind_keeps_the_tasks_some_body_has_not_finished(coordinator, plan, district_task):
    syt_task = Task.objects.filter(plan=plan, agency__code="SYT").first()
    for body in ("UBND-474", "UBND-476", "UBND-477", "UBND-478", "UBND-479", "UBND-480", "UBND-481",
                 "UBND-482", "UBND-483"):  # fmt: skip
        _answer(hand_in(plan, YEAR, body, "submitted", at("2023-11-10")), district_task, "done")
    _answer(hand_in(plan, YEAR, "SYT", "submitted", at("2023-11-10")), syt_task, "not_started")

    html = coordinator.get("/bao-cao/tth-2023/nhiem-vu/", {"round": YEAR, "behind": "1"}).content.decode()

    shown = re.findall(r'<tr data-task="([^"]+)"', html)
    assert syt_task.code in shown and district_task.code not in shown


@pytest.mark.parametrize("page", ["bang/", "bang.xlsx", "nhiem-vu/"])
def test_a_plan_outside_the_scope_is_the_same_404_as_a_missing_one(client, make_user, main_of, page):
    client.force_login(make_user(Role.AGENCY_REPORTER, None, "SYT"))

    outside = client.get(f"/bao-cao/tth-2023/{page}")
    missing = client.get(f"/bao-cao/khong-co/{page}")

    assert outside.status_code == missing.status_code == 404
    assert main_of(outside) == main_of(missing)
