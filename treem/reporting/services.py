"""Writes of reporting: rounds from the plan's milestones, and each step of a submission's life.

Each action is a named function that checks who may take it (the actor's Scope), runs in one transaction
with the submission's row locked (two clicks or two reviewers at once: the second sees the new state and is
refused with a message), and writes its audit event in that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from treem.accounts.models import User
from treem.accounts.policy import Scope, scope_for
from treem.core import audit, deadlines
from treem.core.formatting import format_count
from treem.core.models import AuditAction
from treem.core.periods import period_dates
from treem.indicators.models import Period
from treem.indicators.write_lock import lock_periods
from treem.plans.models import Plan
from treem.units.models import Agency

from . import selectors
from .models import (
    ProgressStatus,
    ReportingRound,
    Submission,
    SubmissionState,
    SubmissionVersion,
    TaskProgress,
)

TEXT_LIMIT = 5000  # characters in one answer: a page of text; more belongs in an attachment
ENTRY_FIELDS = ("status", "done", "results", "difficulties", "proposals")


class ReportingError(Exception):
    """An action refused, with the reason in the user's language."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__("\n".join(self.messages))


# --- rounds -----------------------------------------------------------------------------------------


def sync_rounds(plan: Plan) -> int:
    """A round for every milestone of the plan (idempotent); returns how many were made or changed.
    A round whose window an administrator set by hand (`custom`) keeps its dates."""
    changed = 0
    for milestone in plan.milestones.all():
        rnd = ReportingRound.objects.filter(milestone=milestone).first() or ReportingRound(
            plan=plan, milestone=milestone
        )
        values: dict[str, Any] = {"code": milestone.code}
        if rnd.data_window != "custom":
            covers = (
                deadlines.data_window(milestone.period, milestone.data_window) if milestone.period else None
            )
            values.update(
                data_window=milestone.data_window,
                covers_from=covers[0] if covers else None,
                covers_to=covers[1] if covers else None,
            )
        if rnd.pk is None or any(getattr(rnd, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(rnd, name, value)
            rnd.save()
            changed += 1
    return changed


def sync_rounds_on_load(sender: object, plan: Plan, **kwargs: object) -> None:
    sync_rounds(plan)


# --- who may ----------------------------------------------------------------------------------------


def reporter_scope(actor: User, rnd: ReportingRound, agency: Agency) -> Scope:
    scope = scope_for(actor)
    if not selectors.may_report_for(scope, agency) or not selectors.owes(rnd, agency):
        raise ReportingError(_("Bạn không báo cáo thay cho đơn vị này."))
    if not rnd.is_active:
        raise ReportingError(_("Mốc báo cáo này không còn trong kế hoạch."))
    return scope


def _reviewer_scope(actor: User, submission: Submission) -> Scope:
    scope = scope_for(actor)
    if not selectors.may_review(scope) or selectors.submission_in_scope(scope, submission.pk) is None:
        raise ReportingError(_("Chỉ cơ quan điều phối cấp tỉnh xem xét báo cáo của các đơn vị."))
    return scope


def locked_row(submission: Submission) -> Submission:
    """The submission's row, locked until the transaction ends, as it is now."""
    return (
        Submission.objects.select_for_update()
        .select_related("round__milestone", "agency")
        .get(pk=submission.pk)
    )


def refuse_step(submission: Submission, step: str) -> None:
    state = submission.get_state_display()
    raise ReportingError(
        _("Không thể %(step)s: báo cáo đang ở trạng thái “%(state)s”.") % {"step": step, "state": state}
    )


def _province(submission: Submission) -> str:
    return submission.round.plan.province.code


def submission_event(
    action: AuditAction, actor: User, submission: Submission, summary: str, **extra: Any
) -> None:
    audit.record_event(
        action,
        actor=actor,
        object_kind="submission",
        object_id=str(submission.pk),
        province_code=_province(submission),
        new={"round": submission.round.code, "agency": submission.agency.code, "state": submission.state,
             "version": submission.version, **extra},
        summary=summary,
    )  # fmt: skip


# --- the body's side ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """One task's answer as typed in the form."""

    status: str = ProgressStatus.NOT_STARTED
    done: str = ""
    results: str = ""
    difficulties: str = ""
    proposals: str = ""


def _clean_entries(rnd: ReportingRound, agency: Agency, entries: dict[str, Entry]) -> list[str]:
    problems = []
    for code, entry in entries.items():
        if entry.status not in ProgressStatus.values:
            problems.append(_("Nhiệm vụ %(task)s: tình trạng không hợp lệ.") % {"task": code})
        for name in ENTRY_FIELDS[1:]:
            if len(getattr(entry, name)) > TEXT_LIMIT:
                problems.append(
                    _("Nhiệm vụ %(task)s: mỗi ô ghi tối đa %(n)s ký tự; phần dài hơn xin đính kèm tệp.")
                    % {"task": code, "n": format_count(TEXT_LIMIT)}
                )
                break
    return problems


def do_save_submission(
    actor: User, rnd: ReportingRound, agency: Agency, *, note: str, entries: dict[str, Entry]
) -> Submission:
    """Save the body's draft (or its returned submission): the note and an answer per owed task. Tasks
    not in `entries` keep what they had. Makes the submission on the first save."""
    reporter_scope(actor, rnd, agency)
    tasks = {t.code: t for t in selectors.owed_tasks(rnd.plan, agency)}
    unknown = sorted(set(entries) - set(tasks))
    problems = [_("Nhiệm vụ %(task)s không phải của đơn vị này.") % {"task": c} for c in unknown]
    problems += _clean_entries(rnd, agency, entries)
    if len(note) > TEXT_LIMIT:
        problems.append(_("Ý kiến chung ghi tối đa %(n)s ký tự.") % {"n": format_count(TEXT_LIMIT)})
    if problems:
        raise ReportingError(problems)
    try:
        with transaction.atomic():
            submission, _created = Submission.objects.get_or_create(round=rnd, agency=agency)
    except IntegrityError:  # another save made it first
        submission = Submission.objects.get(round=rnd, agency=agency)
    with transaction.atomic():
        submission = locked_row(submission)
        if not submission.is_editable:
            refuse_step(submission, _("sửa báo cáo"))
        submission.note = note
        submission.save(update_fields=["note", "updated_at"])
        stored = {p.task.code: p for p in submission.progress.select_related("task")}
        for code, entry in entries.items():
            progress = stored.get(code) or TaskProgress(submission=submission, task=tasks[code])
            if progress.pk and all(getattr(progress, f) == getattr(entry, f) for f in ENTRY_FIELDS):
                continue  # unchanged: no history row
            for name in ENTRY_FIELDS:
                setattr(progress, name, getattr(entry, name))
            progress.save()
        submission_event(AuditAction.REPORT_SAVE, actor, submission,
               f"Lưu báo cáo {submission.round.code} của {submission.agency.code}")  # fmt: skip
    return submission


def _snapshot(submission: Submission) -> dict[str, Any]:
    return {
        "note": submission.note,
        "progress": [
            {"task": p.task.code, **{f: getattr(p, f) for f in ENTRY_FIELDS}}
            for p in submission.progress.select_related("task").order_by("task__order")
        ],
        "attachments": [
            {"id": a.pk, "name": a.name, "kind": a.kind, "size": a.size}
            for a in submission.attachments.filter(removed_at__isnull=True)
        ],
    }


def do_submit(actor: User, submission: Submission) -> Submission:
    """Hand the submission in: every owed task needs an answer, and "what was done" for a task in progress
    or done. Freezes a version; the first hand-in's time decides timeliness."""
    reporter_scope(actor, submission.round, submission.agency)
    with transaction.atomic():
        submission = locked_row(submission)
        if not can_proceed(submission.submit):
            refuse_step(submission, _("gửi"))
        answered = {p.task_id: p for p in submission.progress.all()}
        problems = []
        for task in selectors.owed_tasks(submission.round.plan, submission.agency):
            progress = answered.get(task.pk)
            if progress is None:
                problems.append(_("Nhiệm vụ %(task)s chưa được báo cáo.") % {"task": task.code})
            elif (
                progress.status in (ProgressStatus.IN_PROGRESS, ProgressStatus.DONE)
                and not progress.done.strip()
            ):
                problems.append(
                    _("Nhiệm vụ %(task)s: ghi những việc đã làm (tình trạng “%(status)s”).")
                    % {"task": task.code, "status": progress.get_status_display()}
                )
        if problems:
            raise ReportingError(problems)
        now = timezone.now()
        submission.submit()
        submission.version += 1
        submission.submitted_at = now
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.submitted_by = actor
        submission.review_comment = ""  # it answered the previous version, which keeps it
        submission.save()
        SubmissionVersion.objects.create(
            submission=submission, number=submission.version, submitted_at=now, submitted_by=actor,
            content=_snapshot(submission),
        )  # fmt: skip
        submission_event(AuditAction.REPORT_SUBMIT, actor, submission,
               f"Gửi báo cáo {submission.round.code} của {submission.agency.code} (lần {submission.version})")  # fmt: skip
    return submission


# --- the reviewer's side ------------------------------------------------------------------------------


def _close_version(submission: Submission, actor: User, outcome: str, comment: str) -> None:
    version = submission.versions.order_by("-number").first()
    if version is not None and not version.outcome:
        version.outcome, version.review_comment = outcome, comment
        version.reviewed_at, version.reviewed_by = timezone.now(), actor
        version.save()


def _lock_figures(submission: Submission) -> None:
    """Hold off writes of the figures this submission carries while it is accepted (indicators.locks)."""
    rnd = submission.round
    if rnd.milestone.period:
        _, start, end = period_dates(rnd.milestone.period)
        periods = Period.objects.filter(start_date__gte=start, end_date__lte=end).values_list("pk", flat=True)
        lock_periods(periods)


def do_accept(actor: User, submission: Submission, comment: str = "") -> Submission:
    """Accept a handed-in submission: it and the figures it carries are locked from now on."""
    _reviewer_scope(actor, submission)
    if len(comment.strip()) > TEXT_LIMIT:
        raise ReportingError(_("Ý kiến ghi tối đa %(n)s ký tự.") % {"n": format_count(TEXT_LIMIT)})
    with transaction.atomic():
        submission = locked_row(submission)
        if not can_proceed(submission.accept):
            refuse_step(submission, _("tiếp nhận"))
        _lock_figures(submission)
        submission.accept()
        submission.reviewed_at, submission.reviewed_by = timezone.now(), actor
        submission.review_comment = comment.strip()
        submission.save()
        _close_version(submission, actor, "accepted", submission.review_comment)
        submission_event(AuditAction.REPORT_ACCEPT, actor, submission,
               f"Tiếp nhận báo cáo {submission.round.code} của {submission.agency.code}")  # fmt: skip
    return submission


def _required_comment(comment: str) -> str:
    comment = comment.strip()
    if not comment:
        raise ReportingError(_("Ghi rõ lý do để đơn vị biết cần sửa gì."))
    if len(comment) > TEXT_LIMIT:
        raise ReportingError(_("Lý do ghi tối đa %(n)s ký tự.") % {"n": format_count(TEXT_LIMIT)})
    return comment


def do_return(actor: User, submission: Submission, comment: str) -> Submission:
    """Return a handed-in submission to its body with what to correct."""
    _reviewer_scope(actor, submission)
    comment = _required_comment(comment)
    with transaction.atomic():
        submission = locked_row(submission)
        if not can_proceed(submission.return_to_body):
            refuse_step(submission, _("trả lại"))
        submission.return_to_body()
        submission.reviewed_at, submission.reviewed_by = timezone.now(), actor
        submission.review_comment = comment
        submission.save()
        _close_version(submission, actor, "returned", comment)
        submission_event(AuditAction.REPORT_RETURN, actor, submission,
               f"Trả lại báo cáo {submission.round.code} của {submission.agency.code}", comment=comment)  # fmt: skip
    return submission


def do_reopen(actor: User, submission: Submission, reason: str) -> Submission:
    """Reopen an accepted submission (the province coordinator's explicit act): it goes back to its body
    as returned, and its figures can be changed again until it is accepted again."""
    _reviewer_scope(actor, submission)
    reason = _required_comment(reason)
    with transaction.atomic():
        submission = locked_row(submission)
        if not can_proceed(submission.reopen):
            refuse_step(submission, _("mở lại"))
        if _issued_report_of(submission):
            raise ReportingError(
                _("Đây là báo cáo tổng hợp đã ban hành của đợt này: văn bản đã ban hành thì không mở lại.")
            )
        submission.reopen()
        submission.reviewed_at, submission.reviewed_by = timezone.now(), actor
        submission.review_comment = reason
        submission.save()
        submission_event(AuditAction.REPORT_REOPEN, actor, submission,
               f"Mở lại báo cáo {submission.round.code} của {submission.agency.code}", reason=reason)  # fmt: skip
    return submission


def _issued_report_of(submission: Submission) -> bool:
    """Whether the submission stands for an issued consolidated report (record_issued_report)."""
    report = getattr(submission.round, "report", None)
    return (
        report is not None
        and report.state == "issued"
        and submission.agency_id == submission.round.plan.owner_id
        and submission.versions.filter(content__issued_report__isnull=False).exists()
    )


def record_issued_report(actor: User, rnd: ReportingRound, agency: Agency, *, number: str = "") -> Submission:
    """The province office's own submission at a consolidated-report round is the report it issues:
    issuing records it handed in (now) and accepted, with a version naming the report and the audit
    events of both steps, so the board shows the office like any body. Call it inside the issuing
    transaction."""
    submission, _created = Submission.objects.get_or_create(round=rnd, agency=agency)
    submission = locked_row(submission)
    if submission.state in (SubmissionState.DRAFT, SubmissionState.RETURNED):
        now = timezone.now()
        submission.submit()
        submission.accept()
        submission.version += 1
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.submitted_at = submission.reviewed_at = now
        submission.submitted_by = submission.reviewed_by = actor
        submission.review_comment = ""
        submission.save()
        content = _snapshot(submission) | {"issued_report": number or rnd.code}
        SubmissionVersion.objects.create(
            submission=submission, number=submission.version, submitted_at=now, submitted_by=actor,
            content=content, outcome="accepted", reviewed_at=now, reviewed_by=actor,
        )  # fmt: skip
        summary = f"Ban hành báo cáo tổng hợp {rnd.code}: ghi nhận báo cáo của {agency.code}"
        submission_event(AuditAction.REPORT_SUBMIT, actor, submission, summary, issued_report=number)
        submission_event(AuditAction.REPORT_ACCEPT, actor, submission, summary, issued_report=number)
    return submission
