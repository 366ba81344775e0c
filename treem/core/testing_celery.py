"""A real Celery worker for tests: `running_worker()` starts one in a subprocess on the test database.

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_task_in_a_worker() -> None:
        AuditEvent.objects.create(...)            # committed: the worker is another process
        with running_worker():
            assert ping_database.delay().get(timeout=30) == AuditEvent.objects.count()

The worker is another process with its own connection, so it sees only committed rows: a test that uses it
must be `django_db(transaction=True)` (add `serialized_rollback=True`, as the other committing tests do, so
the rows migrations made come back after the flush). It needs a broker: REDIS_URL set (CI sets it); without
one a task runs eagerly in the test itself and no worker is needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from treem.celery import app

START_SECONDS = 30
STOP_SECONDS = 10


def database_url() -> str:
    """The URL of the database the tests use now (the test database, once pytest-django made it)."""
    db = settings.DATABASES["default"]
    name = str(db["NAME"])
    if db["ENGINE"] == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError(f"a worker cannot share an in-memory SQLite database ({name})")
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(str(db.get("USER") or ""), safe="")
        password = db.get("PASSWORD")
        credentials = f"{user}:{quote(str(password), safe='')}" if password else user
        host = db.get("HOST") or "localhost"
        port = db.get("PORT") or 5432
        return f"postgres://{credentials}@{host}:{port}/{quote(name, safe='')}"
    raise RuntimeError(f"no worker for database engine {db['ENGINE']}")


def _answers(nodename: str) -> bool:
    try:
        return bool(app.control.ping(destination=[nodename], timeout=0.5))
    except Exception:  # noqa: BLE001 - the broker not ready yet: ask again
        return False


@contextmanager
def running_worker(queues: list[str] | None = None) -> Iterator[str]:
    """Run a Celery worker (solo pool, one process) on the test database while the block runs; yields its
    node name. It listens on `queues` (default: Celery's default queue). Raises RuntimeError when it does not
    answer a ping within START_SECONDS (its output is in the message); stopped, then killed, on exit."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise RuntimeError("tasks run eagerly (REDIS_URL is not set): there is no broker for a worker")
    # Tasks that earlier tests sent and no worker ran (a record change defers a recomputation) would run
    # first, against this test's database: the worker starts on empty queues.
    with app.connection_for_write() as connection:
        for queue in queues or [app.conf.task_default_queue]:
            connection.default_channel.queue_purge(queue)
    nodename = f"treem-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    command = [
        sys.executable, "-m", "celery", "-A", "treem", "worker",
        "--pool=solo", "--concurrency=1", "-l", "warning", "-n", nodename,
    ]  # fmt: skip
    if queues:
        command += ["-Q", ",".join(queues)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "treem.settings"),
        "DATABASE_URL": database_url(),
    }
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=Path(settings.BASE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            ends = time.monotonic() + START_SECONDS
            while not _answers(nodename):
                if worker.poll() is not None or time.monotonic() > ends:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-4000:]
                    state = "exited" if worker.poll() is not None else f"did not answer in {START_SECONDS} s"
                    raise RuntimeError(f"Celery worker {nodename} {state}:\n{output}")
                time.sleep(0.2)
            yield nodename
        finally:
            worker.terminate()  # warm shutdown: the task under way ends first
            try:
                worker.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
