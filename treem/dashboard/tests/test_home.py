"""Every role's home page: what its bodies owe next with the days left (returned first, with the
reviewer's comment), its tasks and their last reported status; the board in brief for province-wide roles;
ways in for the national role and commune officers. The 2023 deadlines have passed, so what is not handed
in is overdue; days left are checked on a round made in the future and on `owed_by(now=...)`."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.core import deadlines
from treem.plans.models import Milestone, Task
from treem.reporting import selectors
from treem.reporting.models import ReportingRound, Submission, TaskProgress
from treem.units.models import Agency

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
S1 = "M-2023-05-25"
YEAR = "M-2023-11-15"


def at(day: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10), tzinfo=HUE)


def hand_in(plan, round_code, agency_code, state, first=None, comment="") -> Submission:
    return Submission.objects.create(
        round=ReportingRound.objects.get(plan=plan, code=round_code),
        agency=Agency.objects.get(code=agency_code),
        state=state,
        first_submitted_at=first,
        review_comment=comment,
    )


@pytest.fixture
def home_of(client, make_user):
    def get(role, unit=None, agency=None):
        client.force_login(make_user(role, unit, agency))
        response = client.get("/")
        assert response.status_code == 200
        return response.content.decode()

    return get


def _owed(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr data-round="([\w-]+)" data-body="([\w-]+)" data-status="(\w+)">', html)


def test_a_reporter_sees_its_returned_report_first_with_the_comment_then_the_overdue(plan, home_of):
    hand_in(plan, YEAR, "SYT", "returned", at("2023-11-10"), "Bổ sung số trẻ được hỗ trợ")
    hand_in(plan, S1, "SYT", "accepted", at("2023-05-20"))

    html = home_of(Role.AGENCY_REPORTER, None, "SYT")

    owed = _owed(html)
    assert owed[0] == (YEAR, "SYT", "returned")
    assert "Bổ sung số trẻ được hỗ trợ" in html
    assert (S1, "SYT", "missing") not in owed  # accepted: nothing more to do
    assert ("M-2023-04-15", "SYT", "missing") in owed
    days = (deadlines.today() - datetime.date(2023, 4, 15)).days
    assert f"Quá hạn {days // 1000}.{days % 1000:03d} ngày" in html  # numbers written the Vietnamese way


def test_days_left_before_a_deadline(plan, make_user):
    scope = scope_for(make_user(Role.AGENCY_REPORTER, None, "SYT"))

    owed = selectors.owed_by(scope, now=at("2023-05-20"))

    s1 = next(o for o in owed if o.round.code == S1)
    assert s1.status.kind == "due" and s1.status.days == 5


def test_a_round_in_the_future_shows_its_days_left_on_the_home_page(plan, home_of):
    day = deadlines.today() + datetime.timedelta(days=10)
    milestone = Milestone.objects.create(
        plan=plan, code="M-TUONG-LAI", date=day, kind="report", description="Báo cáo đột xuất", order=99
    )
    milestone.reporters.add(Agency.objects.get(code="SO-NGANH"))
    ReportingRound.objects.create(plan=plan, milestone=milestone, code="M-TUONG-LAI")

    html = home_of(Role.AGENCY_REPORTER, None, "SYT")

    assert ("M-TUONG-LAI", "SYT", "due") in _owed(html)
    assert "Còn 10 ngày" in html
    assert day.strftime("%d/%m/%Y") in html


def test_a_reporter_sees_its_tasks_with_the_status_it_last_reported(plan, home_of):
    task = Task.objects.filter(plan=plan, agency__code="SYT").order_by("order").first()
    early = hand_in(plan, S1, "SYT", "accepted", at("2023-05-20"))
    TaskProgress.objects.create(submission=early, task=task, status="in_progress", done="x")
    later = hand_in(plan, YEAR, "SYT", "submitted", at("2023-11-10"))
    TaskProgress.objects.create(submission=later, task=task, status="done", done="x")

    html = home_of(Role.AGENCY_REPORTER, None, "SYT")

    assert f'<tr data-task="{task.code}" data-status="done">' in html
    other = Task.objects.filter(plan=plan, agency__code="SYT").exclude(pk=task.pk).first()
    assert f'<tr data-task="{other.code}" data-status="none">' in html


def test_a_district_officer_never_sees_another_districts_submissions(plan, home_of):
    hand_in(plan, YEAR, "UBND-474", "returned", at("2023-11-10"), "Ý kiến riêng cho thành phố Huế")
    hand_in(plan, YEAR, "UBND-478", "returned", at("2023-11-10"), "Ý kiến cho Phú Vang")

    html = home_of(Role.DISTRICT_OFFICER, "478", "UBND-478")

    assert {body for _, body, _ in _owed(html)} == {"UBND-478"}
    assert "Ý kiến cho Phú Vang" in html
    assert "Ý kiến riêng cho thành phố Huế" not in html and "UBND-474" not in html
    assert 'data-section="board"' not in html


def test_a_coordinator_sees_the_board_in_brief_and_what_its_own_office_owes(plan, home_of):
    hand_in(plan, S1, "SYT", "submitted", at("2023-05-28"))

    html = home_of(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")

    board = re.search(r'data-section="board".*?</section>', html, re.S).group(0)
    s1 = re.search(rf'<tr data-round="{S1}">.*?</tr>', board, re.S).group(0)
    assert re.search(r'data-count="late">1<', s1)
    assert re.search(r'data-count="missing">26<', s1)
    assert "/bao-cao/tth-2023/bang/" in board and "/bao-cao/tth-2023/nhiem-vu/" in board
    assert {body for _, body, _ in _owed(html)} == {"SLDTBXH"}


def test_a_leader_reads_the_board_in_brief_and_owes_nothing(plan, home_of):
    html = home_of(Role.LEADER, "46")

    assert 'data-section="board"' in html and "Chỉ xem" in html
    assert 'data-section="owed"' not in html
    assert "/bang-theo-doi/" in html


def test_the_national_role_gets_every_provinces_plan(home_of):
    html = home_of(Role.NATIONAL)

    assert 'data-plan="tth-2023"' in html and 'data-plan="dn-2023"' in html
    assert 'data-section="owed"' not in html


def test_a_commune_officer_gets_its_data_entry_and_plan(home_of):
    html = home_of(Role.COMMUNE_OFFICER, "19903")

    assert 'href="/so-lieu/"' in html and 'href="/ke-hoach/tth-2023/"' in html
    assert 'data-section="owed"' not in html and 'data-section="board"' not in html
    assert 'href="/bao-cao/"' not in html  # neither in the page nor in the menu


def test_a_user_without_a_role_gets_the_no_access_page(home_of):
    assert "Tài khoản chưa được phân quyền" in home_of("")


def test_the_menu_offers_reports_to_those_who_report_or_read_them(home_of):
    assert 'href="/bao-cao/"' in home_of(Role.AGENCY_REPORTER, None, "SYT")
    assert 'href="/bao-cao/"' in home_of(Role.LEADER, "46")


def test_the_home_page_is_for_signed_in_users(client):
    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_now_is_2026_so_the_2023_rounds_are_past():
    assert timezone.now().year >= 2024
