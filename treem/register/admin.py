"""The register in the admin site: read only, like the case register (treem.cases.admin), and never the
child's name. Register work happens in the application, where every read is logged.

Reads in the admin are logged too: opening the page of a circumstance or a support writes one READ access
event on its child (treem.cases.access.record_child_access, `what` "admin: …"); the lists write none (they
show groups, kinds, dates and the child's number, no name).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from treem.cases.access import record_child_access
from treem.cases.admin import ReadOnlyAdmin
from treem.cases.models import AccessAction

from .models import Circumstance, Support


class LoggedChildReadAdmin(ReadOnlyAdmin):
    """A read-only admin whose change page writes one READ event on the record's child."""

    read_what = "admin"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_child_access(request.user, AccessAction.READ, obj.child, self.read_what)
        return response

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("child", "child__commune")


@admin.register(Circumstance)
class CircumstanceAdmin(LoggedChildReadAdmin):
    read_what = "admin: circumstance"

    list_display = ["pk", "child", "kind", "group", "started_on", "ended_on"]
    list_filter = ["kind", "group"]
    fields = ["child", "kind", "group", "started_on", "ended_on", "recorded_by", "created_at"]


@admin.register(Support)
class SupportAdmin(LoggedChildReadAdmin):
    read_what = "admin: support"

    list_display = ["pk", "child", "kind", "started_on", "ended_on", "amount", "provider"]
    list_filter = ["kind"]
    fields = ["child", "kind", "started_on", "ended_on", "amount", "provider", "decision", "recorded_by",
              "created_at"]  # fmt: skip
