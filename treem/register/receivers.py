"""Connects the record-change signal of treem.cases.signals to the recomputation of derived figures
(treem.register.derivation).

The signal comes after the change has committed. The periods holding today (the figures the scorecard
shows now) are recomputed at once, for the changed communes only: a few aggregates over one commune,
well under a second, so the officer who saved a record sees its figure change on the next page. Earlier
periods a back-dated change alters go to a Celery task (treem.register.tasks: a worker with a broker, at
once without one), which a nightly run backs up. A failure here is logged, never raised: the record is
saved, and the nightly run repairs the figure."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.dispatch import receiver

from treem.cases.signals import child_records_changed
from treem.core.deadlines import today as local_today

from . import derivation, tasks

logger = logging.getLogger(__name__)


@receiver(child_records_changed, dispatch_uid="treem.register.recompute_derived")
def recompute_derived(sender: Any, commune_ids: list[int], since: datetime.date, **kwargs: Any) -> None:
    try:
        elements = derivation.derived_elements()
        periods = derivation.periods_for_change(since, elements)
        current = set(derivation.current_periods(local_today()))
        now = [p for p in periods if p in current]
        earlier = [p for p in periods if p not in current]
        if now:
            report = derivation.do_derive(now, commune_ids=list(commune_ids), elements=elements, expand=False)
            for refusal in report.refused:
                logger.warning("derived figures of %s refused: %s", refusal.commune, refusal.reasons)
        if earlier:
            tasks.defer_derive_communes(list(commune_ids), earlier)
    except Exception:
        logger.exception("recomputing the derived figures of communes %s failed", commune_ids)
