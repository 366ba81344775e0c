"""Writing the case access log: every read of a case or child record (page, API, export, print) and every
change appends one AccessEvent (treem.cases.models), in the same transaction as the change it records.

`record_access` is called by treem.cases.selectors for reads and by treem.cases.services for changes;
`record_accesses` writes one event per case of a list in one INSERT (the list and task pages, the duplicate
panel, the case API's lists, the export).
Nothing else writes the log and nothing in the application edits or deletes it. The request id and client
address come from treem.core.audit.current_request (empty outside a request).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db import models

from treem.core.audit import current_request, province_of

from .models import AccessAction, AccessEvent, Case, Child


def _clip(name: str, text: str) -> str:
    field = cast(models.CharField, AccessEvent._meta.get_field(name))  # every clipped field is text
    return (text or "")[: field.max_length]


def _event(
    actor: Any, action: AccessAction | str, what: str, *, child_id: int, path: str, case: Case | None = None
) -> AccessEvent:
    """One unsaved event: `actor` did `action` on a child's record (`path`: its commune's), through `case`
    when the record is a case's."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    acting = actor if actor is not None and getattr(actor, "pk", None) else None
    request = current_request()
    return AccessEvent(
        actor=acting,
        actor_name=_clip("actor_name", acting.get_username() if acting is not None else ""),
        action=action,
        case_id=case.pk if case is not None else None,
        case_code=case.code if case is not None else "",
        child_id=child_id,
        what=_clip("what", what),
        province_code=province_of(path),
        request_id=request.request_id if request else "",
        ip=request.ip if request else None,
    )


def _case_event(actor: Any, action: AccessAction | str, case: Case, what: str) -> AccessEvent:
    """An event on `case` (its commune loaded: the province comes from it) and its child."""
    return _event(actor, action, what, child_id=case.child_id, path=case.commune.path, case=case)


def _child_event(actor: Any, action: AccessAction | str, child: Child, what: str) -> AccessEvent:
    """An event on the register record of `child` (its commune loaded), with no case."""
    return _event(actor, action, what, child_id=child.pk, path=child.commune.path)


def record_access(actor: Any, action: AccessAction | str, case: Case, what: str) -> AccessEvent:
    """Append one event: `actor` did `action` on `case` (and its child); `what` says, briefly, which
    fields were shown or changed (never their values)."""
    event = _case_event(actor, action, case, what)
    event.save()
    return event


def record_accesses(
    actor: Any, action: AccessAction | str, cases: Iterable[Case], what: str
) -> list[AccessEvent]:
    """Append one event per case (in one INSERT: a page of a list, an export): `actor` did `action` on
    each of `cases` (their communes loaded, e.g. with select_related("commune")). No case, no event."""
    events = [_case_event(actor, action, case, what) for case in cases]
    return AccessEvent.objects.bulk_create(events) if events else []


def record_child_access(actor: Any, action: AccessAction | str, child: Child, what: str) -> AccessEvent:
    """Append one event: `actor` did `action` on the register record of `child` (its commune loaded)."""
    event = _child_event(actor, action, child, what)
    event.save()
    return event


def record_child_accesses(
    actor: Any, action: AccessAction | str, children: Iterable[Child], what: str
) -> list[AccessEvent]:
    """One event per child, in one INSERT (a page of the register list, an export)."""
    events = [_child_event(actor, action, child, what) for child in children]
    return AccessEvent.objects.bulk_create(events) if events else []
