"""Which body does a duty on a given day, across the 2025 reforms (AgencySuccession), and which members
of a group exist in a period.

Stable API (copy_plan and reporting use it):

- `successor_on(agency, day, duty=None)`: the body that does `agency`'s work on `day`: the agency itself
  while it exists, else the successor it handed the duty to, following chains (A → B → C).
- `valid_members(group, start, end)`: the members of a group that existed at any time from start to end.
- `owing_during(agency, start, end)`: the bodies that owe a task given to `agency` in that period (a
  group's valid members, else the agency itself if it existed then).
- `holder_on(agency, day, duty=None)`: the reverse: the body that held, on `day`, the duty `agency` holds
  now (the Department of Labour, in 2023, for the Department of Health's child protection figures).
- `year_span(year)`: 1 January to 31 December, the period a plan of that year addresses.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .models import Agency, AgencySuccession

# treem's own business: when a body's duties were split (the Department of Labour's went to Health and to
# Home Affairs), the successor that matters to a child protection plan is the one that took this duty.
CHILD_PROTECTION_DUTY = "bảo vệ, chăm sóc trẻ em"
MAX_CHAIN = 20  # successions deeper than this are a loop in the data, not a history


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _is_valid_on(agency: Agency, day: datetime.date) -> bool:
    return agency.exists_during(day, day)


def _next_successor(agency: Agency, day: datetime.date, duty: str | None) -> Agency | None:
    """The body `agency` handed `duty` to by `day`. A succession with an empty duty hands everything over;
    with `duty` None the child protection duty is meant (CHILD_PROTECTION_DUTY), and when no succession
    names it, the only successor if there is just one. Among several, the latest hand-over wins."""
    handed = list(
        AgencySuccession.objects.filter(predecessor=agency, since__lte=day)
        .select_related("successor")
        .order_by("-since", "successor__code")
    )
    wanted = CHILD_PROTECTION_DUTY if duty is None else duty
    for succession in handed:
        if succession.duty == wanted:
            return succession.successor
    for succession in handed:
        if not succession.duty:
            return succession.successor
    if duty is None and len({s.successor_id for s in handed}) == 1:
        return handed[0].successor
    return None


def successor_on(agency: Agency, day: datetime.date, duty: str | None = None) -> Agency | None:
    """The body that does `agency`'s `duty` on `day`: the agency itself if it exists on `day`; else the
    body it was handed to (AgencySuccession with since ≤ day), following the chain until a body that
    exists on `day`. None when the agency had ended and nobody took the duty over, or the chain leads
    only to bodies that no longer exist. A body that has not started yet on `day` is not its own
    successor either (None unless a succession says otherwise)."""
    current = agency
    seen: set[int] = set()
    for _step in range(MAX_CHAIN):
        if _is_valid_on(current, day):
            return current
        seen.add(current.pk)
        following = _next_successor(current, day, duty)
        if following is None or following.pk in seen:
            return None
        current = following
    return None


def valid_members(group: Agency, start: datetime.date, end: datetime.date) -> list[Agency]:
    """The members of `group` that existed at any time from `start` to `end`, by code. Groups keep their
    members across the reforms (history is not rewritten), so a plan asks for the members of its period."""
    return list(group.members.existing_during(start, end).order_by("code"))


def owing_during(agency: Agency, start: datetime.date, end: datetime.date) -> list[Agency]:
    """The bodies that owe a task given to `agency` during the period: a group's members that existed
    then; a body itself if it existed then; else nobody."""
    if agency.is_group:
        return valid_members(agency, start, end)
    return [agency] if agency.exists_during(start, end) else []


def holder_on(agency: Agency, day: datetime.date, duty: str | None = None) -> Agency:
    """The body that held `agency`'s `duty` (None: child protection) on `day`: following the hand-overs
    into `agency` made after `day` back to the body that had the duty then; `agency` itself when nothing
    was handed to it after `day`."""
    return holders_on([agency], day, duty)[agency.pk]


def holders_on(agencies: Iterable[Agency], day: datetime.date, duty: str | None = None) -> dict[int, Agency]:
    """`holder_on` for several bodies at once, in one query (agency pk → the holder on `day`)."""
    wanted = CHILD_PROTECTION_DUTY if duty is None else duty
    handed_to: dict[int, AgencySuccession] = {}
    later = (
        AgencySuccession.objects.filter(since__gt=day, duty__in=[wanted, ""])
        .select_related("predecessor")
        .order_by("since", "-predecessor__code")  # the latest, then the first by code, wins
    )
    for succession in later:
        handed_to[succession.successor_id] = succession
    out: dict[int, Agency] = {}
    for agency in agencies:
        current, seen = agency, {agency.pk}
        for _step in range(MAX_CHAIN):
            earlier = handed_to.get(current.pk)
            if earlier is None or earlier.predecessor_id in seen:
                break
            current = earlier.predecessor
            seen.add(current.pk)
        out[agency.pk] = current
    return out


def later_holders(agency: Agency) -> list[Agency]:
    """The bodies that took `agency`'s child protection duty over, in order (none while nobody has)."""
    found: list[Agency] = []
    current: Agency | None = agency
    while current is not None and len(found) < MAX_CHAIN:
        following = _next_successor(current, datetime.date.max, None)
        if following is None or following == agency or following in found:
            break
        found.append(following)
        current = following
    return found


def successions_from(agency: Agency) -> list[AgencySuccession]:
    """What `agency` handed over, in order (for pages and copy_plan's list of changes)."""
    return list(
        AgencySuccession.objects.filter(predecessor=agency)
        .select_related("successor")
        .order_by("since", "pk")
    )
