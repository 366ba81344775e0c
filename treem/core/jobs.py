"""Background jobs: `submit(fn, *args)` runs `fn(*args)` outside the request that asked for it.

The embedded default runs each job in a daemon thread of the web process, started once the request's
transaction has committed (so the job sees the rows the request wrote). A job records its own status and
progress on a row of the app that owns it, and must catch its own errors; anything it lets escape is
logged. With TREEM_JOBS_EAGER (tests, scripts) the job runs at once, in the caller's thread.

Arguments are plain values (ids, codes), never model instances or files, so a task queue (Celery on
Redis, as DESIGN.md plans) can replace the thread here without changing any caller.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)


def submit(fn: Callable[..., object], *args: object) -> None:
    if getattr(settings, "TREEM_JOBS_EAGER", False):
        fn(*args)
        return
    name = f"treem-job-{getattr(fn, '__name__', 'job')}"
    transaction.on_commit(
        lambda: threading.Thread(target=_run, args=(fn, args), name=name, daemon=True).start()
    )


def _run(fn: Callable[..., object], args: tuple[object, ...]) -> None:
    try:
        fn(*args)
    except Exception:
        logger.exception("background job %s failed", getattr(fn, "__name__", fn))
    finally:
        connections.close_all()  # the thread's own connections
