"""The case register in the admin site: read only, and never a confidential field (the child's name, the
encrypted form fields) in any view. Case work happens in the application, where every read is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessEvent, Case, Child, StepRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Child)
class ChildAdmin(ReadOnlyAdmin):
    """Nothing that names the child: the name (encrypted) and its search fingerprint are left out."""

    list_display = ["pk", "sex", "commune", "created_at", "is_demo"]
    list_filter = ["is_demo"]
    fields = ["sex", "commune", "created_at", "is_demo"]
    list_select_related = ["commune"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune", "state", "cycle", "received_at", "risk", "last_step", "next_due_at"]
    list_filter = ["state", "risk", "is_demo"]
    search_fields = ["code"]
    fields = ["code", "commune", "state", "cycle", "received_at", "risk", "harms", "last_step", "next_due_at",
              "closed_at", "created_by", "is_demo", "created_at", "updated_at"]  # fmt: skip
    list_select_related = ["commune"]


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "step", "cycle", "recorded_at", "due_at", "is_late"]
    list_filter = ["step", "is_late"]
    search_fields = ["case__code"]
    fields = ["case", "step", "cycle", "values", "recorded_at", "recorded_by", "due_at", "is_late"]
    list_select_related = ["case"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "case_code", "what", "province_code"]
    list_filter = ["action", "province_code"]
    search_fields = ["actor_name", "case_code"]
    fields = ["created_at", "actor", "actor_name", "action", "case_id", "case_code", "child_id", "what",
              "province_code", "request_id", "ip"]  # fmt: skip
