"""Demo reports: every state on the coordinator's board, a plausible history, progress for every task handed
in, deterministic and idempotent."""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from treem.accounts.models import Role, User
from treem.accounts.policy import scope_for
from treem.core import deadlines
from treem.plans.models import Plan
from treem.reporting import selectors
from treem.reporting.models import Submission, SubmissionState, SubmissionVersion, TaskProgress
from treem.reporting.timeliness import Kind

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`load_demo` once for the module, inside a transaction rolled back when the module ends (each test
    runs in a savepoint within it)."""
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def board(demo, db):
    plan = Plan.objects.get(code="tth-2023")
    coordinator = User.objects.get(username="dieuphoi")
    return selectors.board(scope_for(coordinator), plan)


def cells(board):
    return [cell for row in board.rows for cell in row.cells if cell is not None]


def test_the_board_shows_every_state_some_late_and_some_missing(board):
    found = cells(board)
    states = Counter(c.submission.state for c in found if c.submission)
    kinds = Counter(c.status.kind for c in found)

    assert set(states) == set(SubmissionState.values)
    assert states[SubmissionState.ACCEPTED] > 3 * sum(n for s, n in states.items() if s != "accepted")
    assert states[SubmissionState.RETURNED] == 2
    assert kinds[Kind.LATE] >= 4 and kinds[Kind.MISSING] >= 4
    assert any(c.status.kind == Kind.MISSING and c.submission is None for c in found)
    assert any(c.status.kind == Kind.MISSING and c.submission is not None for c in found)  # drafts
    # the consolidated report is left for the coordinator to make in the demo
    consolidated = [c for c in found if c.round.code == "M-2023-12-05"]
    assert consolidated and all(c.submission is None for c in consolidated)


def test_the_demo_district_officer_has_a_returned_six_month_report_to_correct(board):
    officer = User.objects.get(username="huyen")
    returned = Submission.objects.get(agency=officer.agency, state=SubmissionState.RETURNED)

    assert officer.agency.code == "UBND-474"
    assert returned.round.code == "M-2023-05-25"
    assert returned.review_comment.startswith(("Đề nghị", "Báo cáo"))
    owed = selectors.owed_by(scope_for(officer))
    assert owed[0].status.kind == Kind.RETURNED and owed[0].round.code == "M-2023-05-25"


def test_times_are_plausible_for_each_deadline(board):
    for cell in cells(board):
        if cell.submission is None or cell.submission.state == SubmissionState.DRAFT:
            continue
        sub = Submission.objects.get(pk=cell.submission.pk)
        days = (deadlines.local_date(sub.first_submitted_at) - cell.round.deadline).days
        if cell.status.kind == Kind.LATE:
            assert 2 <= days <= 10
        elif cell.status.kind in (Kind.ON_TIME, Kind.RETURNED):
            assert -5 <= days <= -1
        assert sub.submitted_at == sub.first_submitted_at
        assert sub.created_at < sub.submitted_at
        if sub.state in (SubmissionState.ACCEPTED, SubmissionState.RETURNED):
            assert sub.submitted_at < sub.reviewed_at < sub.submitted_at + datetime.timedelta(days=8)
        version = SubmissionVersion.objects.get(submission=sub)
        assert (version.submitted_at, version.reviewed_at) == (sub.submitted_at, sub.reviewed_at)
        assert sub.submitted_at.year == 2023


def test_every_task_owed_by_a_body_that_handed_in_has_progress(board):
    handed_in = Submission.objects.exclude(state=SubmissionState.DRAFT).select_related(
        "round__plan", "agency"
    )
    assert handed_in.count() > 70
    for sub in handed_in:
        owed = set(selectors.owed_tasks(sub.round.plan, sub.agency).values_list("code", flat=True))
        progress = list(sub.progress.select_related("task"))
        assert {p.task.code for p in progress} == owed
        for p in progress:
            if p.status in ("in_progress", "done"):
                assert p.done and p.results and any(ch.isdigit() for ch in p.results)
            else:
                assert p.difficulties


def test_progress_varies_by_task(board):
    results = list(TaskProgress.objects.exclude(results="").values_list("results", flat=True))
    assert len(set(results)) > 0.9 * len(results)


def test_every_body_has_a_demo_reporter_with_an_email_address(board):
    bodies = {b for rnd in board.rounds for b in selectors.owed_bodies(rnd.milestone)}
    reporting = [Role.AGENCY_REPORTER, Role.DISTRICT_OFFICER]
    for body in bodies:
        reporter = User.objects.filter(is_demo=True, agency=body, role__in=reporting).first()
        assert reporter is not None, body.code
        assert reporter.email.endswith("@treem.local")
        assert "(DEMO)" in reporter.first_name
    assert not User.objects.filter(is_demo=True, email="").exists()


def snapshot() -> tuple:
    return (
        sorted(
            Submission.objects.values_list("pk", "state", "first_submitted_at", "reviewed_at", "updated_at")
        ),
        sorted(TaskProgress.objects.values_list("pk", "status", "done", "results")),
        Submission.history.count(),
        sorted(User.objects.filter(username__startswith="bc-").values_list("pk", "username", "password")),
    )


def test_loading_again_changes_nothing(demo, board):
    before = snapshot()
    out = io.StringIO()

    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load_demo", stdout=out)

    assert snapshot() == before
    first = [line for line in demo.splitlines() if line.startswith("Báo cáo minh họa")]
    again = [line for line in out.getvalue().splitlines() if line.startswith("Báo cáo minh họa")]
    created = Submission.objects.count()
    assert first == [f"Báo cáo minh họa (DEMO) của các đơn vị: {created} tạo mới, 0 không đổi."]
    assert again == [f"Báo cáo minh họa (DEMO) của các đơn vị: 0 tạo mới, {created} không đổi."]
    assert "(0 mới, 0 cập nhật, 20.304 không đổi)" in out.getvalue()
