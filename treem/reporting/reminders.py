"""Email reminders of reporting deadlines: before the deadline, on the day, and once it has passed.

One pass (`send_due_reminders`) looks at every active round and every body that owes it and has not handed
it in (no submission yet, a draft, or a submission returned to it). The bodies that owe a round are those
that existed in its plan's year (`selectors.owed_bodies`, docs/agencies.md): a 2026 round mails no 2023
district committee. Which reminder a body gets depends on the
days left to the deadline (local calendar days, core.deadlines):

- `before`  when 0 < days left <= TREEM_REMINDER_DAYS_BEFORE (default 7);
- `due`     on the deadline day;
- `overdue` once the deadline has passed, but only up to TREEM_REMINDER_OVERDUE_DAYS days after it (default
  30): a round that closed long ago (a 2023 plan loaded today) mails nobody.

Each kind goes once per round and body, whoever runs the pass and however often (`manage.py send_reminders`
from cron, the Celery beat task). Exactly once: the Reminder row (unique round, body, kind) is inserted in a
transaction and the email is sent inside that same transaction, after the insert; only the pass whose insert
succeeded sends. A second pass running at the same moment waits for the first one's commit and then fails its
insert (PostgreSQL: the unique index; SQLite: transactions are IMMEDIATE, so it waits for the write lock and
then sees the row) and skips. If sending fails the transaction rolls back, the row goes with it, and a later
pass tries again.

The email goes to the active users of the body that have an address (its reporters, a district's officers);
a body without one gets no Reminder row (there is nothing to send) and is logged.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from treem.accounts.models import User
from treem.core import deadlines
from treem.core.audit import record_event
from treem.core.formatting import format_date
from treem.core.models import AuditAction
from treem.units.models import Agency

from .models import EDITABLE_STATES, Reminder, ReminderKind, ReportingRound, Submission
from .selectors import owed_bodies

logger = logging.getLogger(__name__)

DEFAULT_DAYS_BEFORE = 7
DEFAULT_OVERDUE_DAYS = 30


def days_before_setting() -> int:
    return int(getattr(settings, "TREEM_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


def overdue_days_setting() -> int:
    return int(getattr(settings, "TREEM_REMINDER_OVERDUE_DAYS", DEFAULT_OVERDUE_DAYS))


def kind_for(days_left: int, *, days_before: int, overdue_days: int) -> ReminderKind | None:
    """The reminder a body that has not handed in gets with `days_left` to the deadline (negative: past)."""
    if 0 < days_left <= days_before:
        return ReminderKind.BEFORE
    if days_left == 0:
        return ReminderKind.DUE
    if -overdue_days <= days_left < 0:
        return ReminderKind.OVERDUE
    return None


@dataclass
class Due:
    """A reminder a pass would send: the round, the body, the kind and who gets it."""

    round: ReportingRound
    agency: Agency
    kind: ReminderKind
    days_left: int
    returned: bool
    recipients: list[str]


@dataclass
class PassResult:
    sent: Counter[str] = field(default_factory=Counter)  # by kind
    skipped: int = 0  # already sent (by an earlier pass or another worker)
    failed: int = 0  # sending failed: rolled back, a later pass retries
    no_recipient: int = 0  # bodies with no user with an email: nothing to send
    due: list[Due] = field(default_factory=list)  # what this pass found to send (dry run: what it would)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def recipients_of(agency: Agency) -> list[str]:
    """The addresses of the body's active users, each once."""
    emails = (
        User.objects.filter(agency=agency, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(emails)


def active_rounds() -> list[ReportingRound]:
    return list(
        ReportingRound.objects.filter(milestone__is_active=True)
        .select_related("milestone", "plan__province")
        .order_by("milestone__date", "milestone__order", "pk")
    )


def due_reminders(
    today: datetime.date, *, days_before: int, overdue_days: int, result: PassResult | None = None
) -> list[Due]:
    """The reminders due today and not yet sent, round by round, body by body."""
    found: list[Due] = []
    for rnd in active_rounds():
        days_left = (rnd.deadline - today).days
        kind = kind_for(days_left, days_before=days_before, overdue_days=overdue_days)
        if kind is None:
            continue
        sent = set(Reminder.objects.filter(round=rnd, kind=kind).values_list("agency_id", flat=True))
        states = dict(Submission.objects.filter(round=rnd).values_list("agency_id", "state"))
        for body in owed_bodies(rnd.milestone):
            state = states.get(body.pk)
            if state is not None and state not in EDITABLE_STATES:
                continue  # handed in
            if body.pk in sent:
                if result is not None:
                    result.skipped += 1
                continue
            emails = recipients_of(body)
            if not emails:
                logger.info("No reminder for %s at %s: no active user with an email", body.code, rnd.code)
                if result is not None:
                    result.no_recipient += 1
                continue
            found.append(Due(rnd, body, kind, days_left, state == "returned", emails))
    return found


def submission_url(rnd: ReportingRound, agency: Agency) -> str:
    path = reverse("reporting:submission", args=[rnd.plan.code, rnd.code, agency.code])
    return f"{settings.TREEM_SITE_URL}{path}"


def build_message(due: Due) -> EmailMessage:
    """The email of a reminder, in Vietnamese (the site's language) from the reminder_* templates; the
    subject on one line (a header cannot hold a newline)."""
    context = {
        "kind": str(due.kind),
        "agency": due.agency,
        "round": due.round,
        "plan": due.round.plan,
        "description": due.round.milestone.description,
        "deadline": format_date(due.round.deadline),
        "days_left": due.days_left,
        "days_overdue": -due.days_left,
        "returned": due.returned,
        "url": submission_url(due.round, due.agency),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("reporting/email/reminder_subject.txt", context).split())
        body = render_to_string("reporting/email/reminder_body.txt", context)
    return EmailMessage(subject, body, from_email=settings.DEFAULT_FROM_EMAIL, to=due.recipients)


def send_one(due: Due) -> bool:
    """Insert the reminder and send its email in one transaction: True when this call sent it, False when
    another pass already has it. Raises (and rolls back) when sending fails."""
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the outer transaction usable
                reminder = Reminder.objects.create(
                    round=due.round, agency=due.agency, kind=due.kind, recipients=", ".join(due.recipients)
                )
        except IntegrityError:
            return False
        record_event(
            AuditAction.REMINDER_SEND,
            object_kind="reminder",
            object_id=str(reminder.pk),
            province_code=due.round.plan.province.code,
            new={
                "plan": due.round.plan.code,
                "round": due.round.code,
                "agency": due.agency.code,
                "kind": str(due.kind),
                "recipients": due.recipients,
            },
            summary=f"{due.round.code} · {due.agency.code} · {due.kind}",
        )
        build_message(due).send(fail_silently=False)
    return True


def run_pass(
    *,
    today: datetime.date | None = None,
    days_before: int | None = None,
    overdue_days: int | None = None,
    dry_run: bool = False,
) -> PassResult:
    """One pass over the active rounds; `dry_run` finds what is due and sends nothing."""
    today = today or deadlines.today()
    days_before = days_before_setting() if days_before is None else days_before
    overdue_days = overdue_days_setting() if overdue_days is None else overdue_days
    result = PassResult()
    result.due = due_reminders(today, days_before=days_before, overdue_days=overdue_days, result=result)
    if dry_run:
        return result
    for due in result.due:
        try:
            sent = send_one(due)
        except Exception:  # noqa: BLE001 - a mail server's failure: rolled back, the next pass retries
            logger.exception("Reminder %s for %s at %s not sent", due.kind, due.agency.code, due.round.code)
            result.failed += 1
            continue
        if sent:
            result.sent[str(due.kind)] += 1
        else:
            result.skipped += 1
    return result


def send_due_reminders(*, today: datetime.date | None = None, days_before: int | None = None) -> int:
    """Send the reminders due `today` (default: today, local) that no pass has sent; the number sent."""
    return run_pass(today=today, days_before=days_before).total
