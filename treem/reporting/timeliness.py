"""Timeliness of a body's report at a round, computed from timestamps, never claimed.

The first hand-in decides on time or late (a return for corrections does not make an on-time report late);
until a body hands in, its report is due (with days left) or, after the deadline, missing; a returned report
not yet handed in again is returned. Deadlines end at 23:59:59 local time (core.deadlines)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treem.core import deadlines
from treem.core.formatting import format_count


class Kind:
    ON_TIME = "on_time"
    LATE = "late"
    DUE = "due"  # not handed in, deadline not passed
    MISSING = "missing"  # not handed in, deadline passed
    RETURNED = "returned"  # returned, not handed in again


@dataclass(frozen=True)
class Timeliness:
    kind: str
    days: int = 0  # days late (late, missing) or days left (due)
    accepted: bool = False

    @property
    def label(self) -> str:
        if self.kind == Kind.ON_TIME:
            return _("Đúng hạn")
        if self.kind == Kind.LATE:
            return ngettext("Trễ %(n)s ngày", "Trễ %(n)s ngày", self.days) % {"n": format_count(self.days)}
        if self.kind == Kind.MISSING:
            return _("Chưa nộp")
        if self.kind == Kind.RETURNED:
            return _("Bị trả lại")
        if self.days == 0:
            return _("Hạn hôm nay")
        return ngettext("Còn %(n)s ngày", "Còn %(n)s ngày", self.days) % {"n": format_count(self.days)}

    @property
    def detail(self) -> str:
        """The label with how long a missing report is overdue, for a page about that one report."""
        if self.kind == Kind.MISSING:
            return ngettext("Chưa nộp, quá hạn %(n)s ngày", "Chưa nộp, quá hạn %(n)s ngày", self.days) % {
                "n": format_count(self.days)
            }
        return self.label

    @property
    def is_problem(self) -> bool:
        return self.kind in (Kind.LATE, Kind.MISSING, Kind.RETURNED)


def timeliness(
    deadline: datetime.date,
    state: str | None,
    first_submitted_at: datetime.datetime | None,
    now: datetime.datetime,
) -> Timeliness:
    """`state` is the submission's state, None when the body has not started one."""
    return RoundClock(deadline, now).status(state or "", first_submitted_at)


RETURNED = Timeliness(Kind.RETURNED)


class RoundClock:
    """The rule of `timeliness()` at one round, with the deadline's end and the status of a report not
    handed in worked out once: the board asks it for thousands of cells without the time-zone work per
    cell."""

    def __init__(self, deadline: datetime.date, now: datetime.datetime) -> None:
        self.zone = deadlines.local_zone()
        self.deadline, self.end = deadline, deadlines.deadline_end(deadline)
        self.end_epoch = self.end.timestamp()
        left = (deadline - timezone.localtime(now, self.zone).date()).days
        self.unsent = (
            Timeliness(Kind.DUE, max(left, 0)) if now < self.end else Timeliness(Kind.MISSING, -left)
        )
        self.known: dict[tuple[int, bool], Timeliness] = {}

    def status(self, state: str, first: datetime.datetime | float | None) -> Timeliness:
        """`first`: the first hand-in, as a datetime or as seconds since the epoch (board reads)."""
        if state == "returned":
            return RETURNED
        if first is None or state == "draft":
            return self.unsent
        epoch = first.timestamp() if isinstance(first, datetime.datetime) else first
        on_time = epoch < self.end_epoch
        late = (
            0
            if on_time
            else max(0, (datetime.datetime.fromtimestamp(epoch, self.zone).date() - self.deadline).days)
        )
        key = (late, state == "accepted")
        if key not in self.known:
            self.known[key] = Timeliness(Kind.ON_TIME if on_time else Kind.LATE, late, accepted=key[1])
        return self.known[key]
