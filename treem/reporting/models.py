"""Reporting rounds and what each body hands in at them.

A ReportingRound is a milestone of the plan file run as a round: its deadline, the period its figures cover
and the days they count (its data window). Each body that owes the round (a group's members each owe one)
has at most one Submission: its progress on every task the plan gives it, a link to its figures (never a
copy: the figures stay in the indicator engine) and its attachments. A Submission moves through a state
machine (draft → submitted → accepted, or returned → submitted again); every submit freezes a
SubmissionVersion, so earlier versions stay readable. Timeliness is computed from the timestamps
(`selectors.timeliness`), never stored as a claim.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from treem.core import deadlines
from treem.core.storage import private_storage
from treem.plans.models import DataWindow


class ReportingRound(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="rounds")
    milestone = models.OneToOneField(
        "plans.Milestone", on_delete=models.PROTECT, related_name="round", verbose_name=_("mốc thời hạn")
    )
    code = models.CharField(_("mã"), max_length=40)  # the milestone's code
    # Which days the figures count: from the milestone's data window, unless an administrator set the
    # dates by hand (`custom`), which a re-load of the plan then keeps.
    data_window = models.CharField(_("thời gian lấy số liệu"), max_length=20, default=DataWindow.CALENDAR)
    covers_from = models.DateField(_("số liệu từ ngày"), null=True, blank=True)
    covers_to = models.DateField(_("số liệu đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["milestone__date", "milestone__order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_round_code")]
        verbose_name = _("đợt báo cáo")
        verbose_name_plural = _("đợt báo cáo")

    def __str__(self) -> str:
        return f"{self.code}: {self.milestone.description[:60]}"

    @property
    def deadline(self) -> datetime.date:
        return self.milestone.date

    @property
    def deadline_end(self) -> datetime.datetime:
        return deadlines.deadline_end(self.milestone.date)

    @property
    def period(self) -> str:
        return self.milestone.period

    @property
    def is_active(self) -> bool:
        return self.milestone.is_active


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Bị trả lại")


EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class Submission(models.Model):
    round = models.ForeignKey(
        ReportingRound, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("đợt báo cáo")
    )
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("đơn vị báo cáo")
    )
    state = FSMField(_("trạng thái"), default=SubmissionState.DRAFT, choices=SubmissionState.choices)
    note = models.TextField(_("ý kiến chung"), blank=True)
    # The first hand-in decides timeliness; a return and a resubmission do not make it late or on time.
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("ý kiến của nơi tiếp nhận"), blank=True)
    version = models.PositiveIntegerField(_("lần gửi"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="unique_submission")]
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")

    def __str__(self) -> str:
        return f"{self.round.code} · {self.agency.code}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    # The transitions only move the state; `services` checks who may, stamps times and writes the audit.
    @transition(
        field=state,
        source=[SubmissionState.DRAFT, SubmissionState.RETURNED],
        target=SubmissionState.SUBMITTED,
    )
    def submit(self) -> None:
        pass

    @transition(field=state, source=SubmissionState.SUBMITTED, target=SubmissionState.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=state, source=SubmissionState.SUBMITTED, target=SubmissionState.RETURNED)
    def return_to_body(self) -> None:
        pass

    @transition(field=state, source=SubmissionState.ACCEPTED, target=SubmissionState.RETURNED)
    def reopen(self) -> None:
        pass


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", pgettext_lazy("task status", "Hoàn thành")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")


class TaskProgress(models.Model):
    """What a body reports on one of its tasks in one submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="progress")
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    done = models.TextField(_("kết quả thực hiện"), blank=True)
    results = models.TextField(_("kết quả bằng số liệu"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task__order"]
        constraints = [models.UniqueConstraint(fields=["submission", "task"], name="unique_task_progress")]
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.submission} · {self.task.code}"


class SubmissionVersion(models.Model):
    """A submission as it was handed in, frozen, with what the reviewer answered."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("lần gửi"))
    submitted_at = models.DateTimeField(_("gửi lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(_("nội dung"), default=dict)  # note, progress entries, attachment names
    outcome = models.CharField(_("kết quả xem xét"), max_length=20, blank=True)  # accepted | returned | ""
    review_comment = models.TextField(_("ý kiến"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="unique_submission_version")
        ]
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is ours, never the uploader's: the display name is kept in `name`.
    return f"attachments/{instance.submission_id}/{instance.sha256[:16]}.{instance.kind}"


class Attachment(models.Model):
    """A file handed in with a submission, stored outside the web root (core.storage) and served only
    through a view that checks the submission is in the reader's scope. Removing one keeps it."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(_("tên tệp"), max_length=150)
    kind = models.CharField(_("loại"), max_length=10)  # core.filetypes: pdf, docx, xlsx, jpeg, png
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Nhắc trước hạn")
    DUE = "due", _("Nhắc đúng hạn")
    OVERDUE = "overdue", _("Nhắc quá hạn")


class Reminder(models.Model):
    """A reminder sent (or being sent) to a body for a round. The unique constraint is what makes a
    reminder go once even when two workers run at once: only the one that inserts the row sends."""

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="reminders")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    recipients = models.TextField(_("người nhận"), blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["round", "agency", "kind"], name="unique_reminder")]
        verbose_name = _("nhắc hạn")
        verbose_name_plural = _("nhắc hạn")

    def __str__(self) -> str:
        return f"{self.round.code} · {self.agency.code} · {self.kind}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class ConsolidatedReport(models.Model):
    """The province's report of a round. A draft's text is edited by the coordinator; issuing freezes it
    and keeps the files and the figures they were written from."""

    round = models.OneToOneField(ReportingRound, on_delete=models.PROTECT, related_name="report")
    state = models.CharField(_("trạng thái"), max_length=10, choices=ReportState.choices, default="draft")
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    report_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    texts = models.JSONField(_("nội dung đã sửa"), default=dict)  # edited parts, by part name
    source = models.JSONField(_("số liệu gốc"), default=dict)  # the content the issued files were built from
    docx = models.FileField(storage=private_storage, upload_to="reports/", blank=True, max_length=200)
    xlsx = models.FileField(storage=private_storage, upload_to="reports/", blank=True, max_length=200)
    pdf = models.FileField(storage=private_storage, upload_to="reports/", blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")

    def __str__(self) -> str:
        return f"{self.round.code} ({self.get_state_display()})"
