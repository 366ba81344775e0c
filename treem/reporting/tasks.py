"""Tasks of the reporting app (Celery; the daily schedule is settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import reminders


@shared_task(name="treem.reporting.tasks.send_reminders")
def send_reminders(today: str | None = None) -> int:
    """One reminder pass (reminders.send_due_reminders); `today` as YYYY-MM-DD, default today (local).
    Returns the number of reminders sent. Safe to run twice or in two workers at once."""
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.send_due_reminders(today=day)
