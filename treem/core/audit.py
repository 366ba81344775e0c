"""Writing the audit log.

`record_event` is called by the service that makes a change, INSIDE that service's transaction
(`transaction.atomic`): the event is committed with the change and rolled back with it, so a failed write
leaves no event and a committed change always has one. Log-in events are written by signal receivers
(`treem.accounts.signals`), outside any business transaction.

The request id and the client address come from a context variable that the middleware
`treem.core.middleware.request_id` sets for each request; outside a request (commands, workers) both are
empty.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import models

from .models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


_current_request: ContextVar[RequestInfo | None] = ContextVar("treem_audit_request", default=None)


def bind_request(request_id: str, ip: str | None) -> Token:
    """Set the request id and client address events are stamped with; reset with `unbind_request`."""
    return _current_request.set(RequestInfo(request_id, ip))


def unbind_request(token: Token) -> None:
    _current_request.reset(token)


def current_request() -> RequestInfo | None:
    return _current_request.get()


def jsonable(value: Any) -> Any:
    """`value` with everything JSON cannot hold made plain: Decimal → str, dates and times → ISO 8601,
    sets and tuples → lists, mapping keys → str, anything else unknown → str."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def province_of(path: str | None) -> str:
    """The province code of a unit path ("46/478/19900/" → "46"); "" for no path."""
    return path.split("/")[0] if path else ""


def describe_scope(user: Any) -> str:
    """A short text of a user's role and scope, kept with the event ("district_officer 46/478/ UBND-478")."""
    if user is None or not getattr(user, "pk", None):
        return ""
    role = "superuser" if getattr(user, "is_superuser", False) else getattr(user, "role", "")
    unit = getattr(user, "unit", None)
    agency = getattr(user, "agency", None)
    parts = [role, getattr(unit, "path", ""), getattr(agency, "code", "")]
    return " ".join(p for p in parts if p)[: AuditEvent._meta.get_field("scope").max_length]


def _clip(model_field: str, text: str) -> str:
    field = cast(models.CharField, AuditEvent._meta.get_field(model_field))  # every clipped field is text
    return (text or "")[: field.max_length]


def record_event(
    action: AuditAction | str,
    *,
    actor: Any = None,
    object_kind: str = "",
    object_id: str = "",
    province_code: str = "",
    old: Any = None,
    new: Any = None,
    summary: str = "",
    scope: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    `actor` is the user who acted (None for a command or an anonymous attempt; then `actor_name` may name
    the attempted user). `old`/`new` are made JSON-safe with `jsonable`. `scope` defaults to the actor's
    role and scope."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    acting = actor if actor is not None and getattr(actor, "pk", None) else None
    name = actor_name or (acting.get_username() if acting is not None else "")
    request = current_request()
    return AuditEvent.objects.create(
        actor=acting,
        actor_name=_clip("actor_name", name),
        action=action,
        object_kind=_clip("object_kind", object_kind),
        object_id=_clip("object_id", str(object_id)),
        province_code=_clip("province_code", province_code),
        scope=_clip("scope", scope or describe_scope(acting)),
        old=jsonable(old),
        new=jsonable(new),
        summary=_clip("summary", summary),
        request_id=request.request_id if request else "",
        ip=request.ip if request else None,
    )
