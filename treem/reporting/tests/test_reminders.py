"""Deadline reminders: which body gets which email around a round's deadline, and each goes exactly once,
run twice or by two passes at the same moment."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from treem.core.models import AuditAction, AuditEvent
from treem.plans.models import Plan
from treem.reporting.models import Reminder, ReminderKind, ReportingRound, Submission
from treem.reporting.reminders import kind_for, run_pass, send_due_reminders, send_one
from treem.reporting.tasks import send_reminders
from treem.units.models import Agency

D = datetime.date
# M-2023-05-25 of the 2023 plan: the departments, the unions and the district committees each report.
ROUND = "M-2023-05-25"


def the_round() -> ReportingRound:
    return ReportingRound.objects.select_related("plan").get(plan__code="tth-2023", code=ROUND)


def hand_in(agency_code: str, state: str) -> Submission:
    return Submission.objects.create(
        round=the_round(), agency=Agency.objects.get(code=agency_code), state=state
    )


def sent() -> set[tuple[str, str]]:
    rows = Reminder.objects.filter(round=the_round()).select_related("agency")
    return {(r.agency.code, r.kind) for r in rows}


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def bodies(make_user: Callable) -> None:
    """Users with an email in three bodies that owe the round (SYT has two) and in one that does not."""
    make_user("agency_reporter", None, "SYT", email="yte@example.vn")
    make_user("agency_reporter", None, "SYT", email="yte2@example.vn")
    make_user("agency_reporter", None, "SYT", email="")  # no address: nothing to send to
    make_user("agency_reporter", None, "SYT", email="nghi@example.vn", is_active=False)
    make_user("district_officer", "478", "UBND-478", email="huyen478@example.vn")
    make_user("agency_reporter", None, "STP", email="tuphap@example.vn")
    make_user("province_coordinator", "46", "UBND-TINH", email="tinh@example.vn")  # owes nothing here


def test_the_kind_follows_the_days_left() -> None:
    kinds = {days: kind_for(days, days_before=7, overdue_days=30) for days in (8, 7, 1, 0, -1, -30, -31)}
    assert kinds == {
        8: None,
        7: ReminderKind.BEFORE,
        1: ReminderKind.BEFORE,
        0: ReminderKind.DUE,
        -1: ReminderKind.OVERDUE,
        -30: ReminderKind.OVERDUE,
        -31: None,
    }


@pytest.mark.django_db
def test_bodies_that_have_not_handed_in_get_one_email_each_before_the_deadline(bodies: None) -> None:
    hand_in("SYT", "draft")  # a draft is not handed in
    hand_in("STP", "submitted")
    assert send_due_reminders(today=D(2023, 5, 20)) == 2
    assert sent() == {("SYT", "before"), ("UBND-478", "before")}
    # Nobody of STP (handed in) nor of UBND-TINH (owes nothing here) nor the inactive user.
    assert recipients() == ["huyen478@example.vn", "yte2@example.vn", "yte@example.vn"]
    message = next(m for m in mail.outbox if "yte@example.vn" in m.to)
    assert message.to == ["yte2@example.vn", "yte@example.vn"]  # one email per body, all its users
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject.startswith("[treem] Nhắc hạn báo cáo: ")
    assert message.subject.endswith("— hạn 25/05/2023") and "\n" not in message.subject
    assert Agency.objects.get(code="SYT").name in message.body
    assert ROUND in message.body and "Hạn gửi: 25/05/2023" in message.body
    assert "Còn 5 ngày đến hạn gửi báo cáo." in message.body


@pytest.mark.django_db
def test_the_email_links_to_the_body_s_submission(bodies: None, settings) -> None:
    settings.TREEM_SITE_URL = "https://treem.example.vn"
    send_due_reminders(today=D(2023, 5, 24))
    message = next(m for m in mail.outbox if m.to == ["huyen478@example.vn"])
    path = reverse("reporting:submission", args=["tth-2023", ROUND, "UBND-478"])
    assert f"https://treem.example.vn{path}\n" in message.body
    assert "UBND-478/" in path


@pytest.mark.django_db
def test_on_the_deadline_day_the_reminder_says_so(bodies: None) -> None:
    assert send_due_reminders(today=D(2023, 5, 25)) == 3
    assert sent() == {("SYT", "due"), ("UBND-478", "due"), ("STP", "due")}
    assert all(m.subject.startswith("[treem] Hôm nay là hạn báo cáo: ") for m in mail.outbox)
    assert all("Hôm nay là hạn cuối gửi báo cáo." in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_after_the_deadline_a_returned_submission_gets_an_overdue_reminder(bodies: None) -> None:
    hand_in("SYT", "returned")
    hand_in("STP", "accepted")
    assert send_due_reminders(today=D(2023, 6, 1)) == 2
    assert sent() == {("SYT", "overdue"), ("UBND-478", "overdue")}
    message = next(m for m in mail.outbox if "yte@example.vn" in m.to)
    assert message.subject.startswith("[treem] Quá hạn báo cáo: ")
    assert "Báo cáo đã quá hạn 7 ngày." in message.body
    assert "đã bị trả lại" in message.body


@pytest.mark.django_db
def test_a_round_long_past_sends_nothing(bodies: None) -> None:
    assert send_due_reminders(today=D(2023, 6, 24)) == 3  # 30 days after: still overdue
    mail.outbox.clear()
    Reminder.objects.all().delete()
    assert send_due_reminders(today=D(2023, 6, 25)) == 0  # 31 days after: a closed round mails nobody
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_days_before_are_configurable(bodies: None, settings) -> None:
    send_due_reminders(today=D(2023, 5, 15))  # 10 days before: not yet (the April round is overdue)
    assert sent() == set()
    send_due_reminders(today=D(2023, 5, 15), days_before=10)
    assert sent() == {("SYT", "before"), ("UBND-478", "before"), ("STP", "before")}
    settings.TREEM_REMINDER_DAYS_BEFORE = 14
    Reminder.objects.all().delete()
    send_due_reminders(today=D(2023, 5, 11))
    assert len(sent()) == 3


@pytest.mark.django_db
def test_a_body_without_a_user_with_an_email_gets_no_reminder_row(bodies: None) -> None:
    result = run_pass(today=D(2023, 5, 25))
    owing = the_round().milestone.reporters.count()
    assert owing and result.no_recipient > 0
    assert not Reminder.objects.filter(round=the_round(), agency__code="SGDDT").exists()


@pytest.mark.django_db
def test_each_reminder_is_recorded_in_the_audit_log(bodies: None) -> None:
    send_due_reminders(today=D(2023, 5, 25))
    events = AuditEvent.objects.filter(action=AuditAction.REMINDER_SEND, object_kind="reminder")
    assert {e.new["agency"] for e in events} == {"SYT", "UBND-478", "STP"}
    reminder = Reminder.objects.get(round=the_round(), agency__code="SYT")
    event = events.get(object_id=str(reminder.pk))
    assert event.province_code == "46" and event.new["kind"] == "due"
    assert reminder.recipients == "yte2@example.vn, yte@example.vn"


@pytest.mark.django_db
def test_run_twice_each_reminder_is_sent_once(bodies: None) -> None:
    assert send_due_reminders(today=D(2023, 5, 25)) == 3
    assert send_due_reminders(today=D(2023, 5, 25)) == 0
    assert len(mail.outbox) == Reminder.objects.count() == 3


@pytest.mark.django_db
def test_a_pass_that_finds_the_row_inserted_by_another_sends_nothing(bodies: None) -> None:
    found = run_pass(today=D(2023, 5, 25), dry_run=True).due  # read before the other pass commits
    assert send_due_reminders(today=D(2023, 5, 25)) == 3
    assert [send_one(due) for due in found] == [False, False, False]
    assert len(mail.outbox) == Reminder.objects.count() == 3


@pytest.mark.django_db
def test_the_command_run_twice_sends_each_reminder_once(bodies: None, capsys) -> None:
    call_command("send_reminders", "--date", "25/05/2023")
    first = capsys.readouterr().out
    call_command("send_reminders", "--date", "2023-05-25")
    second = capsys.readouterr().out
    assert len(mail.outbox) == Reminder.objects.count() == 3
    assert "Đã gửi 3 thư nhắc hạn báo cáo (25/05/2023; nhắc trước hạn: 0, nhắc đúng hạn: 3" in first
    assert "Đã gửi 0 thư" in second and "3 thư đã được gửi trước đó" in second


@pytest.mark.django_db
def test_a_dry_run_lists_and_sends_nothing(bodies: None, capsys) -> None:
    call_command("send_reminders", "--date", "20/05/2023", "--dry-run")
    out = capsys.readouterr().out
    assert "3 thư nhắc sẽ được gửi" in out and "UBND-478 → huyen478@example.vn" in out
    assert mail.outbox == [] and not Reminder.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("send_reminders", "--date", "31/02/2023")


@pytest.mark.django_db
def test_a_failed_send_rolls_back_and_the_next_pass_retries(bodies: None, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    result = run_pass(today=D(2023, 5, 25))
    assert (result.total, result.failed) == (0, 3)
    assert not Reminder.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REMINDER_SEND).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_reminders(today=D(2023, 5, 25)) == 3


@pytest.mark.django_db
def test_the_task_runs_a_pass_with_an_iso_date(bodies: None) -> None:
    # Without REDIS_URL the task runs here; with it, test_reminders_celery.py runs it in a real worker.
    assert send_reminders.apply(kwargs={"today": "2023-05-25"}).get() == 3
    assert len(mail.outbox) == 3


# Two passes at the same moment, each in its own thread with its own connection: the rows are committed.


PLAN_FILE = settings.DATA_DIR / "plans" / "tth-2023.yaml"


@pytest.fixture
def committed_province() -> None:
    """The 2023 plan of province 46, committed. A committing test flushes the database when it ends, so the
    session's data may be gone when this one starts: load it again then (as conftest does)."""
    if not Plan.objects.filter(code="tth-2023").exists():
        call_command("load_units", verbosity=0)
        call_command("load_agencies", verbosity=0)
        call_command("load_plan", str(PLAN_FILE), verbosity=0)


def concurrently(passes: int, work: Callable[[], int], ready: Callable[[], object] = list) -> list[object]:
    """Run `work` in `passes` threads started together (after each ran `ready`); their results or errors."""
    barrier = threading.Barrier(passes)
    results: list[object] = []

    def one_pass() -> None:
        try:
            ready()
            barrier.wait(timeout=30)
            results.append(work())
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_pass) for _ in range(passes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_passes_at_once_send_each_reminder_once(committed_province: None, bodies: None) -> None:
    results = concurrently(2, lambda: send_due_reminders(today=D(2023, 5, 25)))
    counts = [r for r in results if isinstance(r, int)]
    assert len(counts) == 2, results  # both passes ended, neither failed (no "database is locked")
    assert sum(counts) == 3  # however they shared the work
    assert sent() == {("SYT", "due"), ("UBND-478", "due"), ("STP", "due")}
    assert len(mail.outbox) == Reminder.objects.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SEND).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_passes_that_found_the_same_reminders_insert_at_once_and_one_sends(
    committed_province: None, bodies: None
) -> None:
    # Both read what is due before either inserts: the unique row decides, at the insert, who sends.
    found = threading.local()

    def read() -> None:
        found.due = run_pass(today=D(2023, 5, 25), dry_run=True).due

    def insert_and_send() -> int:
        return sum(send_one(due) for due in found.due)

    results = concurrently(2, insert_and_send, ready=read)
    counts = [r for r in results if isinstance(r, int)]
    assert len(counts) == 2, results
    assert sum(counts) == 3
    assert sent() == {("SYT", "due"), ("UBND-478", "due"), ("STP", "due")}
    assert len(mail.outbox) == Reminder.objects.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SEND).count() == 3
