"""Register tests run the derivation's deferred tasks where they are called, as `make run` does without
REDIS_URL: with a broker (CI sets REDIS_URL) no worker runs during these tests, and a back-dated change's
earlier periods would wait for one. `treem/core/tests/test_celery.py` tests the worker itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from treem.celery import app


@pytest.fixture(autouse=True)
def tasks_run_where_called() -> Iterator[None]:
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = was
