"""Tasks of the register (Celery; the nightly schedule is settings.CELERY_BEAT_SCHEDULE "derive-figures").

Arguments are plain values (ids, codes, ISO dates). With a broker (REDIS_URL) a worker runs them; without
one Celery runs a task at once where it is called (settings: CELERY_TASK_ALWAYS_EAGER), which is the
fallback `make run` uses. Not treem.core.jobs' thread: a thread still writing figures after the request
(or after a test) races whatever comes next, and these writes are short."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task

from treem.core.deadlines import today as local_today

from . import derivation

logger = logging.getLogger(__name__)


@shared_task(name="treem.register.tasks.derive_current_periods")
def derive_current_periods(today: str | None = None) -> int:
    """Bring every province's derived values of the years holding `today` (YYYY-MM-DD, default today,
    local) and yesterday up to date, with their halves and quarters: what the per-record recomputation
    cannot see is caught here (a stock read "as of today" moves with the day: a child turns 16, a support
    ends; a worker was down). Yesterday's year too, so the first night of a year closes the one before.
    Returns the number of communes refused (each is logged)."""
    day = datetime.date.fromisoformat(today) if today else local_today()
    yesterday = day - datetime.timedelta(days=1)
    periods = sorted(set(derivation.current_periods(day)) | set(derivation.current_periods(yesterday)))
    report = derivation.do_derive(periods, today=day)
    logger.info(
        "derived figures of %s: %d communes, %d new, %d updated, %d refused",
        ", ".join(report.periods),
        report.communes,
        report.imported,
        report.updated,
        len(report.refused),
    )
    return len(report.refused)


@shared_task(name="treem.register.tasks.derive_communes")
def derive_communes(commune_ids: list[int], periods: list[str]) -> int:
    """Recompute these communes' derived values of these periods (as named: a record change names every
    period it alters, `derivation.periods_for_change`). Returns the number refused."""
    return len(derivation.do_derive(periods, commune_ids=commune_ids, expand=False).refused)


def defer_derive_communes(commune_ids: list[int], periods: list[str]) -> None:
    """Run `derive_communes` on a worker (with a broker), else at once (see the module's docstring)."""
    derive_communes.delay(commune_ids, periods)
