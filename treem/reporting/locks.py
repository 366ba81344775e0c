"""The figures an accepted submission carries are locked: the engine asks here at every write.

A submission carries the figures its body enters (accounts.policy.body_entry_scope: a district People's
Committee every element in its district, another body the elements it supplies in its area) for periods
inside its round's period. Only accepted submissions lock; reopening one (services.do_reopen) unlocks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext as _

from treem.accounts.policy import EntryScope, body_entry_scope
from treem.core.periods import period_dates
from treem.indicators.locks import Cell

from .models import Submission, SubmissionState


@dataclass(frozen=True)
class _Frozen:
    scope: EntryScope
    start: datetime.date
    end: datetime.date
    reason: str


def _accepted() -> list[_Frozen]:
    frozen = []
    accepted = (
        Submission.objects.filter(state=SubmissionState.ACCEPTED)
        .exclude(round__milestone__period="")
        .select_related("round__milestone", "agency__unit")
        .prefetch_related("agency__groups")  # body_entry_scope reads them: one query, not one per report
    )
    # One scope per body, not per report: an ended body's scope asks who took its duties over.
    scopes: dict[int, EntryScope] = {}
    for submission in accepted:
        if submission.agency_id not in scopes:
            scopes[submission.agency_id] = body_entry_scope(submission.agency)
        _kind, start, end = period_dates(submission.round.milestone.period)
        reason = _(
            "số liệu đã được tiếp nhận trong báo cáo “%(round)s” của %(body)s nên không sửa được; muốn sửa, "
            "đề nghị cơ quan điều phối cấp tỉnh mở lại báo cáo đó"
        ) % {"round": submission.round.milestone.description, "body": submission.agency}
        frozen.append(_Frozen(scopes[submission.agency_id], start, end, reason))
    return frozen


def accepted_figures(cells: list[Cell]) -> dict[int, str]:
    """The cells among `cells` that an accepted submission carries, with why they are locked."""
    frozen = _accepted()
    if not frozen:
        return {}
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        element = SimpleNamespace(supplier_id=cell.supplier_id)
        unit = SimpleNamespace(path=cell.unit_path)
        for item in frozen:
            if item.start <= cell.period_start and cell.period_end <= item.end:
                if item.scope.allows(element, unit):  # type: ignore[arg-type]
                    found[index] = item.reason
                    break
    return found
