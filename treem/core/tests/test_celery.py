"""Celery: a task runs in a real worker on Redis (CI), or at once where it is called when REDIS_URL is unset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from treem.celery import app
from treem.core.audit import record_event
from treem.core.models import AuditAction, AuditEvent
from treem.core.tasks import ping_database
from treem.core.testing_celery import database_url, running_worker

NEEDS_REDIS = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL is not set: a real Celery worker needs Redis (CI sets it)"
)


def test_the_app_reads_django_settings() -> None:
    assert app.conf.task_serializer == "json"
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    reminders = app.conf.beat_schedule["send-reminders"]
    assert reminders["task"] == "treem.reporting.tasks.send_reminders"
    assert (reminders["schedule"].hour, reminders["schedule"].minute) == ({7}, {0})
    assert "treem.core.tasks.ping_database" in app.tasks


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run where they are called, as without REDIS_URL (set here when the environment has Redis)."""
    if not settings.REDIS_URL:
        assert app.conf.task_always_eager and app.conf.task_eager_propagates
        assert app.conf.broker_url == "memory://"
        yield
        return
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db
def test_without_redis_a_task_runs_where_it_is_called(eager: None) -> None:
    record_event(AuditAction.PLAN_LOAD, object_kind="plan", object_id="tth-2023")
    result = ping_database.delay()  # uncommitted: only this connection sees the event
    assert result.get(timeout=5) == AuditEvent.objects.count() > 0


@NEEDS_REDIS
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_runs_the_task_on_the_test_database() -> None:
    assert not app.conf.task_always_eager
    for plan in ("tth-2023", "dn-2023"):  # committed: the worker is another process
        record_event(AuditAction.PLAN_LOAD, object_kind="plan", object_id=plan)
    with running_worker():
        assert ping_database.delay().get(timeout=30) == AuditEvent.objects.count() >= 2


@NEEDS_REDIS
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_listens_on_the_queues_it_is_given() -> None:
    with running_worker(queues=["treem-test"]):
        result = ping_database.apply_async(queue="treem-test")
        assert result.get(timeout=30) == AuditEvent.objects.count()


@pytest.mark.django_db
def test_the_worker_database_url_names_the_test_database() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    assert "test" in name
    assert database_url() in {f"sqlite:///{name}"} or database_url().endswith(f"/{name}")
