"""The reminder task in a real Celery worker on Redis (CI sets REDIS_URL); skipped, with the reason, elsewhere."""

from __future__ import annotations

import pytest
from django.conf import settings

from treem.core.models import AuditAction, AuditEvent
from treem.core.testing_celery import running_worker
from treem.reporting.models import Reminder
from treem.reporting.tasks import send_reminders

from .test_reminders import bodies, committed_province, sent  # noqa: F401 - fixtures used below

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL is not set: a real Celery worker needs Redis (CI sets it)"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_the_due_reminders_once(
    committed_province: None,  # noqa: F811
    bodies: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker is another process: its mail stays in its own memory; what it did is in the database.
    monkeypatch.setenv("EMAIL_URL", "memory://")
    with running_worker():
        assert send_reminders.delay(today="2023-05-25").get(timeout=60) == 3
        assert send_reminders.delay(today="2023-05-25").get(timeout=60) == 0
    assert sent() == {("SYT", "due"), ("UBND-478", "due"), ("STP", "due")}
    assert Reminder.objects.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SEND).count() == 3
