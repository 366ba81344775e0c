"""Reads of the accounts app, already limited to what the caller may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from treem.core.models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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
    if date_from is not None:
        events = events.filter(created_at__gte=_start_of(date_from))
    if date_to is not None and date_to < datetime.date.max:
        events = events.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return events.order_by("-created_at", "-id")
