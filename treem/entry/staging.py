"""The generic staged import: check an upload, keep what it would write, apply it once on confirmation.

Every upload of treem goes this way (figures today; the child register and others later): the app that
owns the records registers a `kind` with the function that applies a payload through its own write path.
Staging writes nothing but the StagedImport row; confirming applies it at most once, however many times
it is confirmed (a double click, two tabs, two app servers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import StagedImport

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


@dataclass
class ConfirmResult:
    result: Any  # None: it had already been applied
    staged: StagedImport
    written: bool


def confirm(staged: StagedImport, *, user: Any) -> ConfirmResult:
    """Apply a staged import once. It is claimed by a conditional UPDATE, so two confirmations apply it
    once; if applying refuses (the records changed since the check), nothing is written and the claim
    is rolled back."""
    with transaction.atomic():
        claimed = StagedImport.objects.filter(pk=staged.pk, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        if not claimed:
            staged.refresh_from_db()
            return ConfirmResult(None, staged, False)
        result, written = _appliers[staged.kind](staged.payload, user)
        if not written:
            transaction.set_rollback(True)
    staged.refresh_from_db()
    return ConfirmResult(result, staged, written)
