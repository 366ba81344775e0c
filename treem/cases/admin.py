"""The case register in the admin site: read only, and never a confidential field (the child's name, the
encrypted form fields) in any view. Case work happens in the application, where every read is logged.

Reads in the admin are logged too: opening the page of a case, of a step record (its form's
non-confidential values) or of a child writes one READ access event for the case (for a child: its latest
case), `what` "admin: …". The lists write none: like the case dashboard they show codes, communes, states
and dates, no name and no form content, and one event per listed row would drown the log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from treem.core.admin import ReadOnlyAdminMixin

from .access import record_access, record_child_access
from .models import AccessAction, AccessEvent, Case, Child, StepRecord


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class LoggedReadAdmin(ReadOnlyAdmin):
    """A read-only admin whose change page (the one view of a single record) writes one READ event."""

    read_what = "admin"

    def case_of(self, obj: Any) -> Case | None:
        return obj

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self.record_read(request, obj)
        return response

    def record_read(self, request: HttpRequest, obj: Any) -> None:
        case = self.case_of(obj)
        if case is not None:
            record_access(request.user, AccessAction.READ, case, self.read_what)


@admin.register(Child)
class ChildAdmin(LoggedReadAdmin):
    """Nothing that names the child: the name (encrypted) and its search fingerprint are left out."""

    read_what = "admin: child"

    def case_of(self, obj: Any) -> Case | None:
        return obj.cases.select_related("commune").order_by("-received_at", "-id").first()

    def record_read(self, request: HttpRequest, obj: Any) -> None:
        """A child with a case is logged on its latest case; a child only on the register, on itself."""
        if self.case_of(obj) is not None:
            super().record_read(request, obj)
        else:
            record_child_access(request.user, AccessAction.READ, obj, self.read_what)

    list_display = ["pk", "sex", "commune", "created_at", "is_demo"]
    list_filter = ["is_demo"]
    fields = ["sex", "commune", "ethnicity", "disability", "household", "created_at", "is_demo"]
    list_select_related = ["commune"]


@admin.register(Case)
class CaseAdmin(LoggedReadAdmin):
    list_display = ["code", "commune", "state", "cycle", "received_at", "risk", "last_step", "next_due_at"]
    list_filter = ["state", "risk", "is_demo"]
    search_fields = ["code"]
    fields = ["code", "commune", "state", "cycle", "received_at", "risk", "harms", "last_step", "next_due_at",
              "closed_at", "created_by", "is_demo", "created_at", "updated_at"]  # fmt: skip
    list_select_related = ["commune"]


@admin.register(StepRecord)
class StepRecordAdmin(LoggedReadAdmin):
    read_what = "admin: step record"

    list_display = ["case", "step", "cycle", "recorded_at", "due_at", "is_late"]
    list_filter = ["step", "is_late"]
    search_fields = ["case__code"]
    fields = ["case", "step", "cycle", "values", "recorded_at", "recorded_by", "due_at", "is_late"]
    list_select_related = ["case"]

    def case_of(self, obj: Any) -> Case | None:
        return obj.case


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "case_code", "what", "province_code"]
    list_filter = ["action", "province_code"]
    search_fields = ["actor_name", "case_code"]
    fields = ["created_at", "actor", "actor_name", "action", "case_id", "case_code", "child_id", "what",
              "province_code", "request_id", "ip"]  # fmt: skip
