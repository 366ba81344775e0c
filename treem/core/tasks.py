"""Tasks of the core app."""

from __future__ import annotations

from celery import shared_task

from .models import AuditEvent


@shared_task(name="treem.core.tasks.ping_database")
def ping_database() -> int:
    """The number of audit events, read by whoever runs the task: shows that a worker reaches the database
    (treem/core/tests/test_celery.py). Reads only."""
    return AuditEvent.objects.count()
