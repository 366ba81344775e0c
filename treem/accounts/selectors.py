"""Reads of the accounts app, already limited to what the caller may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from treem.core.deadlines import on_local_days
from treem.core.models import AuditEvent


def audit_events(
    province_code: str | None,
    *,
    action: str | None = None,
    actor: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    object_id: str | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, of one province (`province_code`; None: every province).

    `actor` and `object_id` match any part of the stored name or id (case-insensitive); `date_from` and
    `date_to` are days in the site's time zone, both included."""
    events = AuditEvent.objects.all()
    if province_code is not None:
        events = events.filter(province_code=province_code)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name__icontains=actor)
    if object_id:
        events = events.filter(object_id__icontains=object_id)
    return events.filter(on_local_days("created_at", date_from, date_to)).order_by("-created_at", "-id")
