"""The reporting models in the admin site. A submission's state and timestamps change only through the
services (each step checked and audited), so here they are read-only; a frozen version is read-only whole."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Attachment,
    ConsolidatedReport,
    Reminder,
    ReportingRound,
    Submission,
    SubmissionVersion,
    TaskProgress,
)


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ("code", "plan", "data_window", "covers_from", "covers_to")
    list_filter = ("plan",)
    search_fields = ("code",)
    readonly_fields = ("plan", "milestone", "code")


class TaskProgressInline(admin.TabularInline):
    model = TaskProgress
    extra = 0
    readonly_fields = ("task",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("round", "agency", "state", "version", "first_submitted_at", "reviewed_at")
    list_filter = ("state", "round__plan")
    search_fields = ("agency__code", "agency__name", "round__code")
    readonly_fields = (
        "round", "agency", "state", "version", "first_submitted_at", "submitted_at", "submitted_by",
        "reviewed_at", "reviewed_by", "created_at", "updated_at",
    )  # fmt: skip
    inlines = [TaskProgressInline]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(admin.ModelAdmin):
    list_display = ("submission", "number", "submitted_at", "outcome")
    list_filter = ("outcome",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ("submission", "task", "status")
    list_filter = ("status",)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "submission", "kind", "size", "uploaded_at", "removed_at")
    readonly_fields = ("submission", "file", "kind", "size", "sha256", "uploaded_by", "uploaded_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("round", "agency", "kind", "sent_at")
    list_filter = ("kind",)


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(admin.ModelAdmin):
    list_display = ("round", "state", "number", "report_date", "issued_at")
    list_filter = ("state",)
