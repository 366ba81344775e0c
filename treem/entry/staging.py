"""The generic staged import: check an upload, keep what it would write, apply it once on confirmation.

Every upload of treem goes this way (figures today; the child register and others later): the app that
owns the records registers a `kind` with the function that applies a payload through its own write path.
Staging writes nothing but the StagedImport row; confirming applies it at most once, however many times
it is confirmed (a double click, two tabs, two app servers). A staged import expires after
TREEM_STAGED_IMPORT_HOURS (default 24): what it was checked against may have changed too much since, so it
must be uploaded again; `purge_expired` (manage.py purge_staged_imports) deletes the expired ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from treem.core.transactions import Contended, run_in_transaction

from .models import StagedImport

DEFAULT_HOURS = 24

# Applies a payload for a user: (result to show, whether it was written). Not written → rolled back.
Applier = Callable[[Any, Any], tuple[Any, bool]]
_appliers: dict[str, Applier] = {}


def register_kind(kind: str, apply: Applier) -> None:
    _appliers[kind] = apply


def stage(kind: str, *, user: Any, filename: str, payload: Any) -> StagedImport:
    if kind not in _appliers:
        raise KeyError(f"no staged import kind {kind!r} is registered")
    return StagedImport.objects.create(kind=kind, created_by=user, filename=filename[:255], payload=payload)


def staged_for(user: Any, pk: int, kind: str) -> StagedImport | None:
    """The user's own staged import of that kind (None: unknown, or someone else's)."""
    return StagedImport.objects.filter(pk=pk, kind=kind, created_by=user).first()


class Outcome(StrEnum):
    APPLIED = "applied"  # written now
    REFUSED = "refused"  # the applier refused (the records changed since the check): `result` says why
    ALREADY_APPLIED = "already_applied"  # written before (a double click, a second tab)
    EXPIRED = "expired"  # older than TREEM_STAGED_IMPORT_HOURS: to be uploaded and checked again
    CONTENDED = "contended"  # kept losing to concurrent writes: nothing written, try again


@dataclass
class ConfirmResult:
    outcome: Outcome
    result: Any  # what the applier returned (APPLIED, REFUSED); None otherwise
    staged: StagedImport

    @property
    def written(self) -> bool:
        return self.outcome == Outcome.APPLIED


def lifetime() -> datetime.timedelta:
    """How long a staged import may be confirmed (setting TREEM_STAGED_IMPORT_HOURS, default 24)."""
    return datetime.timedelta(hours=getattr(settings, "TREEM_STAGED_IMPORT_HOURS", DEFAULT_HOURS))


def expires_at(staged: StagedImport) -> datetime.datetime:
    return staged.created_at + lifetime()


def confirm(staged: StagedImport, *, user: Any) -> ConfirmResult:
    """Apply a staged import once, unless it has expired. It is claimed by a conditional UPDATE, so two
    confirmations apply it once; if applying refuses (the records changed since the check), nothing is
    written and the claim is rolled back. The claim and the write are one transaction, run again if it
    loses a deadlock (core.transactions)."""

    def attempt() -> tuple[Outcome, Any]:
        now = timezone.now()
        claimed = StagedImport.objects.filter(
            pk=staged.pk, applied_at__isnull=True, created_at__gt=now - lifetime()
        ).update(applied_at=now)
        if not claimed:
            return Outcome.ALREADY_APPLIED, None  # or expired: told apart below
        result, written = _appliers[staged.kind](staged.payload, user)
        if not written:
            transaction.set_rollback(True)
        return (Outcome.APPLIED if written else Outcome.REFUSED), result

    try:
        outcome, result = run_in_transaction(attempt)
    except Contended:
        outcome, result = Outcome.CONTENDED, None
    staged.refresh_from_db()
    if outcome == Outcome.ALREADY_APPLIED and staged.applied_at is None:
        outcome = Outcome.EXPIRED
    return ConfirmResult(outcome, result, staged)


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the staged imports older than their lifetime, confirmed or not (their payloads and uploaded
    files are only needed until then); how many. `manage.py purge_staged_imports` runs it, and a scheduler
    may call it directly."""
    cutoff = (now or timezone.now()) - lifetime()
    deleted, _by_model = StagedImport.objects.filter(created_at__lte=cutoff).delete()
    return deleted
