"""The register in the admin site: read only, like the case register (treem.cases.admin), and never the
child's name. Register work happens in the application, where every read is logged.

Reads in the admin are logged too: opening the page of a circumstance or a support writes one READ access
event on its child (treem.cases.access.record_child_access, `what` "admin: …"); the lists write none (they
show groups, kinds, dates and the child's number, no name).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from treem.cases.access import record_child_access
from treem.cases.admin import LoggedReadAdmin
from treem.cases.models import AccessAction

from .models import Circumstance, Support


class LoggedChildReadAdmin(LoggedReadAdmin):
    """A read-only admin whose change page writes one READ event on the record's child."""

    read_what = "admin"

    def record_read(self, request: HttpRequest, obj: Any) -> None:
        record_child_access(request.user, AccessAction.READ, obj.child, self.read_what)

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
