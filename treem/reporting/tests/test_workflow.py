"""Each step of a submission's life and who may take it, by role and scope; every step audited."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.core.models import AuditAction, AuditEvent
from treem.reporting import selectors, services
from treem.reporting.models import ReportingRound, Submission, SubmissionState
from treem.reporting.services import Entry, ReportingError
from treem.units.models import Agency

ROUND = "M-2023-05-25"


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code=ROUND)


@pytest.fixture
def users(make_user):
    return {
        "reporter": make_user(Role.AGENCY_REPORTER, None, "SYT"),
        "district": make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"),
        "coordinator": make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"),
        "admin": make_user(Role.ADMIN, "46", None, is_staff=True, is_superuser=True),
        "leader": make_user(Role.LEADER, "46"),
        "national": make_user(Role.NATIONAL),
        "commune": make_user(Role.COMMUNE_OFFICER, "19903"),
        "coordinator_48": make_user(Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"),
    }


def body(code: str) -> Agency:
    return Agency.objects.get(code=code)


def answers(rnd, agency) -> dict[str, Entry]:
    return {t.code: Entry(status="not_started") for t in selectors.owed_tasks(rnd.plan, agency)}


def saved(actor, rnd, code: str) -> Submission:
    agency = body(code)
    return services.do_save_submission(actor, rnd, agency, note="", entries=answers(rnd, agency))


def submitted(actor, rnd, code: str) -> Submission:
    return services.do_submit(actor, saved(actor, rnd, code))


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- the body's side ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who, code", [("reporter", "SYT"), ("district", "UBND-478")])
def test_a_body_saves_and_submits_its_own(users, rnd, who, code):
    submission = submitted(users[who], rnd, code)

    assert submission.state == SubmissionState.SUBMITTED
    assert submission.version == 1 and submission.versions.count() == 1


@pytest.mark.parametrize(
    "who, code",
    [
        ("district", "UBND-474"),  # another district
        ("reporter", "UBND-478"),  # a department for a district
        ("district", "SYT"),
        ("coordinator_48", "SYT"),  # the other province
        ("leader", "SYT"),
        ("national", "SYT"),
        ("commune", "UBND-478"),
        ("admin", "SYT"),  # reviews, reports for no body
    ],
)
def test_nobody_saves_for_a_body_it_does_not_report_for(users, rnd, who, code):
    before = AuditEvent.objects.count()

    with pytest.raises(ReportingError, match="không báo cáo thay"):
        saved(users[who], rnd, code)

    assert not Submission.objects.filter(round=rnd, agency__code=code).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "who", ["district", "leader", "national", "commune", "coordinator_48", "coordinator"]
)
def test_nobody_submits_another_bodys_saved_report(users, rnd, who):
    submission = saved(users["reporter"], rnd, "SYT")
    before = events(AuditAction.REPORT_SUBMIT)

    with pytest.raises(ReportingError):
        services.do_submit(users[who], submission)

    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT
    assert events(AuditAction.REPORT_SUBMIT) == before


def test_submitting_twice_is_refused_with_a_message(users, rnd):
    submission = submitted(users["reporter"], rnd, "SYT")

    with pytest.raises(ReportingError, match="Không thể gửi"):
        services.do_submit(users["reporter"], submission)

    assert Submission.objects.get(pk=submission.pk).version == 1


def test_a_task_in_progress_needs_what_was_done_before_it_is_submitted(users, rnd):
    agency = body("SYT")
    entries = answers(rnd, agency)
    first = next(iter(entries))
    entries[first] = Entry(status="in_progress")
    submission = services.do_save_submission(users["reporter"], rnd, agency, note="", entries=entries)

    with pytest.raises(ReportingError, match=first):
        services.do_submit(users["reporter"], submission)


# --- the reviewer's side -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_province_reviewers_accept_return_and_reopen(users, rnd, who):
    one = submitted(users["reporter"], rnd, "SYT")
    two = submitted(users["district"], rnd, "UBND-478")

    services.do_accept(users[who], one)
    services.do_return(users[who], two, "Thiếu số liệu quý II.")
    services.do_reopen(users[who], one, "Sở Y tế xin sửa số trẻ đẻ sống.")

    assert Submission.objects.get(pk=one.pk).state == SubmissionState.RETURNED
    assert Submission.objects.get(pk=two.pk).review_comment == "Thiếu số liệu quý II."


@pytest.mark.parametrize("who", ["leader", "national", "commune", "reporter", "district", "coordinator_48"])
def test_no_other_role_reviews(users, rnd, who):
    submission = submitted(users["reporter"], rnd, "SYT")
    other = submitted(users["district"], rnd, "UBND-478")
    before = AuditEvent.objects.count()

    for action in (
        lambda s: services.do_accept(users[who], s),
        lambda s: services.do_return(users[who], s, "Lý do"),
    ):
        for target in (submission, other):
            with pytest.raises(ReportingError):
                action(target)

    assert set(
        Submission.objects.filter(pk__in=[submission.pk, other.pk]).values_list("state", flat=True)
    ) == {SubmissionState.SUBMITTED}
    assert AuditEvent.objects.count() == before


def test_the_other_provinces_coordinator_cannot_reopen(users, rnd):
    submission = services.do_accept(users["coordinator"], submitted(users["reporter"], rnd, "SYT"))

    with pytest.raises(ReportingError):
        services.do_reopen(users["coordinator_48"], submission, "Lý do")

    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.ACCEPTED


def test_accepting_a_draft_is_refused(users, rnd):
    submission = saved(users["reporter"], rnd, "SYT")

    with pytest.raises(ReportingError, match="Không thể tiếp nhận"):
        services.do_accept(users["coordinator"], submission)

    assert events(AuditAction.REPORT_ACCEPT) == 0


def test_returning_an_accepted_report_is_refused(users, rnd):
    submission = services.do_accept(users["coordinator"], submitted(users["reporter"], rnd, "SYT"))

    with pytest.raises(ReportingError, match="Không thể trả lại"):
        services.do_return(users["coordinator"], submission, "Lý do")


def test_reopening_a_submitted_report_is_refused(users, rnd):
    submission = submitted(users["reporter"], rnd, "SYT")

    with pytest.raises(ReportingError, match="Không thể mở lại"):
        services.do_reopen(users["coordinator"], submission, "Lý do")


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_returning_requires_a_comment(users, rnd, comment):
    submission = submitted(users["reporter"], rnd, "SYT")

    with pytest.raises(ReportingError, match="Ghi rõ lý do"):
        services.do_return(users["coordinator"], submission, comment)

    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED
    assert events(AuditAction.REPORT_RETURN) == 0


def test_a_returned_report_cannot_be_accepted_before_it_is_submitted_again(users, rnd):
    submission = services.do_return(users["coordinator"], submitted(users["reporter"], rnd, "SYT"), "Sửa")

    with pytest.raises(ReportingError):
        services.do_accept(users["coordinator"], submission)


# --- versions and audit ----------------------------------------------------------------------------------


def test_resubmission_makes_version_two_and_keeps_version_one_with_its_outcome(users, rnd):
    reporter = users["reporter"]
    first = submitted(reporter, rnd, "SYT")
    services.do_return(users["coordinator"], first, "Bổ sung kết quả.")
    agency = body("SYT")
    services.do_save_submission(reporter, rnd, agency, note="Đã bổ sung", entries=answers(rnd, agency))

    second = services.do_submit(reporter, Submission.objects.get(pk=first.pk))

    assert second.version == 2
    v1, v2 = second.versions.order_by("number")
    assert (v1.number, v1.outcome, v1.review_comment) == (1, "returned", "Bổ sung kết quả.")
    assert v1.content["note"] == "" and v2.content["note"] == "Đã bổ sung"
    assert (v2.number, v2.outcome) == (2, "")


def test_every_step_writes_its_audit_event(users, rnd):
    submission = submitted(users["reporter"], rnd, "SYT")
    services.do_return(users["coordinator"], submission, "Sửa")
    submission = services.do_submit(users["reporter"], Submission.objects.get(pk=submission.pk))
    services.do_accept(users["coordinator"], submission)
    services.do_reopen(users["coordinator"], submission, "Mở lại")

    found = list(
        AuditEvent.objects.filter(object_kind="submission", object_id=str(submission.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert [a for a in found if a != AuditAction.REPORT_SAVE] == [
        AuditAction.REPORT_SUBMIT,
        AuditAction.REPORT_RETURN,
        AuditAction.REPORT_SUBMIT,
        AuditAction.REPORT_ACCEPT,
        AuditAction.REPORT_REOPEN,
    ]
    assert AuditAction.REPORT_SAVE in found


def test_a_step_whose_audit_fails_is_undone_with_it(users, rnd, monkeypatch):
    """The event is written in the step's transaction: when anything fails after it, neither stays."""
    submission = submitted(users["reporter"], rnd, "SYT")
    real_event = services.submission_event

    def event_then_fail(*args, **kwargs):
        real_event(*args, **kwargs)
        raise RuntimeError("failed after the event was written")

    monkeypatch.setattr(services, "submission_event", event_then_fail)
    with pytest.raises(RuntimeError):
        services.do_accept(users["coordinator"], submission)

    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED
    assert submission.versions.get().outcome == ""
    assert events(AuditAction.REPORT_ACCEPT) == 0
