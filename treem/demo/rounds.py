"""Demo reporting rounds (DEMO): what each body handed in at the plan's past rounds, in every state.

`load_demo_rounds(plan, coordinator)` goes through the plan's rounds whose deadline has passed (not the
consolidated report: that one is left for the coordinator to make in the demo) and, for every body that owes
one, writes its submission through the reporting services, as its reporter and the coordinator would:
most handed in on time and accepted, some late by a few days (accepted), a few missing (nothing, or a
draft), one or two returned with the coordinator's comment, some handed in and waiting for review. Then
the times are moved back to plausible dates around each deadline (on time: 1–5 days before; late: 2–10
days after; reviewed a few days later), so the board tells a real year's story.

Two demo users get something to do on their home page: the demo district officer's district has its first
six-month report returned and its year report still in draft; the demo agency reporter's body has its
year report returned.

Each body reports as a demo reporter of its own (`bc-<agency code>`, DEMO, the demo password) unless one
of the demo users already reports for it; every demo reporter has an e-mail address (`…@treem.local`) so
reminders have somewhere to go. Deterministic (seeded per round, body and task) and idempotent: a body
whose submission exists is left as it is. Only `manage.py load_demo` calls it, after the demo figures
(accepting a submission locks the figures it carries).
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.core import deadlines
from treem.plans.models import MilestoneKind, Plan
from treem.reporting import selectors, services
from treem.reporting.models import ReportingRound, Submission, SubmissionVersion
from treem.units.models import Agency, AgencyKind

from .progress_texts import progress_entry
from .users import DEMO_PASSWORD, USERNAMES, demo_email

SEED = 462023
REPORTER_ROLES = (Role.AGENCY_REPORTER, Role.DISTRICT_OFFICER)
FIRST_NAMES = ("Nguyễn Thị", "Trần Văn", "Lê Thị", "Phạm Văn", "Hoàng Thị", "Võ Văn", "Đặng Thị", "Bùi Văn")
LAST_NAMES = ("An", "Bình", "Châu", "Dung", "Giang", "Hạnh", "Khánh", "Linh", "Mai", "Phúc", "Quân", "Thảo")
RETURN_COMMENTS = (
    "Đề nghị bổ sung kết quả bằng số liệu cho các nhiệm vụ đã hoàn thành (số lớp, số người tham dự, kinh "
    "phí) và rà soát lại số liệu trẻ em bị tai nạn thương tích của các xã, phường; gửi lại trước ngày {date}.",
    "Báo cáo chưa nêu khó khăn, vướng mắc và đề xuất cụ thể cho từng nhiệm vụ đang thực hiện; đề nghị bổ "
    "sung và gửi lại trước ngày {date}.",
)
ACCEPT_COMMENTS = ("", "", "", "Báo cáo đầy đủ, đúng mẫu.", "Đã tổng hợp vào báo cáo chung của tỉnh.")


class Outcome:
    ON_TIME = "on_time"  # handed in before the deadline, accepted
    LATE = "late"  # handed in after the deadline, accepted
    RETURNED = "returned"  # handed in on time, returned with a comment
    SUBMITTED = "submitted"  # handed in, waiting for review
    DRAFT = "draft"  # started, not handed in
    MISSING = "missing"  # nothing


@dataclass
class RoundsSummary:
    created: int = 0
    unchanged: int = 0


def demo_rounds(plan: Plan, now: datetime.datetime | None = None) -> list[ReportingRound]:
    """The plan's rounds the demo fills: past deadlines, bodies' reports (not the consolidated one)."""
    now = now or timezone.now()
    return [
        rnd
        for rnd in selectors.rounds_of(plan)
        if rnd.milestone.kind != MilestoneKind.CONSOLIDATED_REPORT and rnd.deadline_end <= now
    ]


def load_demo_rounds(plan: Plan, coordinator: User) -> RoundsSummary:
    summary = RoundsSummary()
    rounds = demo_rounds(plan)
    special = _special_bodies()
    half_years = [r for r in rounds if re.fullmatch(r"\d{4}S\d", r.period or "")]
    with transaction.atomic():
        for index, rnd in enumerate(rounds):
            bodies = selectors.owed_bodies(rnd.milestone)
            outcomes = _outcomes(rnd, bodies, index, len(rounds), special, half_years[:1])
            scale = 0.4 + 0.6 * index / max(1, len(rounds) - 1)
            for body in bodies:
                reporter = demo_reporter(body)
                if Submission.objects.filter(round=rnd, agency=body).exists():
                    summary.unchanged += 1
                    continue
                outcome = outcomes[body.code]
                if outcome == Outcome.MISSING:
                    continue
                rng = random.Random(f"{SEED}/{rnd.code}/{body.code}")
                _make(rnd, body, outcome, reporter, coordinator, scale, rng)
                summary.created += 1
    return summary


def _special_bodies() -> dict[str, str]:
    """The bodies of the demo district officer and the demo agency reporter: role → agency code."""
    found: dict[str, str] = {}
    for role in REPORTER_ROLES:
        user = User.objects.filter(is_demo=True, username=USERNAMES[role], agency__isnull=False).first()
        if user is not None and user.agency is not None:
            found[role] = user.agency.code
    return found


def _outcomes(
    rnd: ReportingRound,
    bodies: list[Agency],
    index: int,
    count: int,
    special: dict[str, str],
    first_half_year: list[ReportingRound],
) -> dict[str, str]:
    """What each body did at a round: fixed for the two demo users' bodies, drawn for the others."""
    last = index == count - 1
    outcomes: dict[str, str] = {}
    district, agency = special.get(Role.DISTRICT_OFFICER), special.get(Role.AGENCY_REPORTER)
    if district:
        outcomes[district] = (
            Outcome.RETURNED if rnd in first_half_year else Outcome.DRAFT if last else Outcome.ON_TIME
        )
    if agency:
        outcomes[agency] = Outcome.RETURNED if last else Outcome.ON_TIME
    others = [b.code for b in bodies if b.code not in outcomes]
    random.Random(f"{SEED}/{rnd.code}").shuffle(others)
    quotas = [
        (Outcome.MISSING, 1),
        (Outcome.DRAFT, 1 if index > 0 else 0),
        (Outcome.SUBMITTED, 0 if index == 0 else 2 if last else 1),
        (Outcome.LATE, max(1, round(len(bodies) * 0.12))),
    ]
    for outcome, n in quotas:
        for code in others[:n]:
            outcomes[code] = outcome
        others = others[n:]
    for code in others:
        outcomes[code] = Outcome.ON_TIME
    return outcomes


def demo_reporter(body: Agency) -> User:
    """The demo user who reports for `body`: a demo user already scoped to it, else `bc-<code>`."""
    user = User.objects.filter(
        is_demo=True, agency=body, role__in=REPORTER_ROLES, username__in=USERNAMES.values()
    ).first()
    if user is not None:
        return user
    username = f"bc-{body.code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    rng = random.Random(f"{SEED}/{username}")
    district = body.kind == AgencyKind.DISTRICT_COMMITTEE
    user = User(
        username=username,
        first_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} — {body.short_name or body.code} (DEMO)",
        email=demo_email(username),
        role=Role.DISTRICT_OFFICER if district else Role.AGENCY_REPORTER,
        unit=body.unit if district else None,
        agency=body,
        is_demo=True,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment in office hours of a local day."""
    moment = datetime.time(rng.randint(7, 16), rng.randint(0, 59))
    return datetime.datetime.combine(day, moment, tzinfo=deadlines.local_zone())


def _make(
    rnd: ReportingRound,
    body: Agency,
    outcome: str,
    reporter: User,
    coordinator: User,
    scale: float,
    rng: random.Random,
) -> None:
    tasks = list(selectors.owed_tasks(rnd.plan, body))
    if outcome == Outcome.DRAFT:
        tasks = tasks[: max(1, len(tasks) // 2)]
    position = min(1.0, max(0.0, (scale - 0.4) / 0.6))
    entries = {}
    for task in tasks:
        task_rng = random.Random(f"{SEED}/{rnd.code}/{body.code}/{task.code}")
        status = task_rng.choices(
            ["done", "in_progress", "not_started"],
            weights=[0.15 + 0.7 * position, 0.7 - 0.5 * position, 0.15 - 0.1 * position],
        )[0]
        entries[task.code] = services.Entry(
            status, **progress_entry(task.text, status, scale, task_rng, body_code=body.code)
        )
    note = "" if rng.random() < 0.6 else "Đơn vị gửi kèm báo cáo chi tiết theo mẫu của Sở."
    submission = services.do_save_submission(reporter, rnd, body, note=note, entries=entries)
    deadline = rnd.deadline
    late = outcome == Outcome.LATE
    submitted = _at(
        deadline + datetime.timedelta(days=rng.randint(2, 10) if late else -rng.randint(1, 5)), rng
    )
    created = submitted - datetime.timedelta(days=rng.randint(3, 10), hours=rng.randint(0, 5))
    reviewed = None
    if outcome == Outcome.DRAFT:
        created = _at(deadline - datetime.timedelta(days=rng.randint(2, 8)), rng)
        Submission.objects.filter(pk=submission.pk).update(
            created_at=created, updated_at=created + datetime.timedelta(days=rng.randint(1, 3))
        )
        return
    services.do_submit(reporter, submission)
    if outcome in (Outcome.ON_TIME, Outcome.LATE):
        services.do_accept(coordinator, submission, rng.choice(ACCEPT_COMMENTS))
        reviewed = _at(submitted.date() + datetime.timedelta(days=rng.randint(1, 6)), rng)
    elif outcome == Outcome.RETURNED:
        reviewed = _at(submitted.date() + datetime.timedelta(days=rng.randint(2, 4)), rng)
        by = (reviewed + datetime.timedelta(days=7)).date()
        comment = rng.choice(RETURN_COMMENTS).format(date=by.strftime("%d/%m/%Y"))
        services.do_return(coordinator, submission, comment)
    Submission.objects.filter(pk=submission.pk).update(
        created_at=created,
        first_submitted_at=submitted,
        submitted_at=submitted,
        reviewed_at=reviewed,
        updated_at=reviewed or submitted,
    )
    SubmissionVersion.objects.filter(submission=submission).update(
        submitted_at=submitted, reviewed_at=reviewed
    )
