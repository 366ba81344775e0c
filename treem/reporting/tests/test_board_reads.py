"""The board's per-round clock gives what `timeliness()` gives, for every state and around the deadline."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from treem.reporting.timeliness import RoundClock, timeliness

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
DEADLINE = datetime.date(2023, 5, 25)
MOMENTS = [
    datetime.datetime(2023, 5, 25, 23, 59, 59, tzinfo=HUE),
    datetime.datetime(2023, 5, 26, 0, 0, tzinfo=HUE),
    datetime.datetime(2023, 5, 25, 17, 0, tzinfo=UTC),  # 00:00 the next day in Huế
    datetime.datetime(2023, 5, 25, 16, 59, 59, tzinfo=UTC),
    datetime.datetime(2023, 5, 10, 9, tzinfo=HUE),
    datetime.datetime(2023, 6, 3, 23, 30, tzinfo=UTC),
]


def test_the_round_clock_agrees_with_timeliness_for_every_state_and_moment():
    for now in [*MOMENTS, datetime.datetime(2023, 5, 20, 10, tzinfo=HUE)]:
        clock = RoundClock(DEADLINE, now)
        assert clock.unsent == timeliness(DEADLINE, None, None, now)
        for state in ("draft", "submitted", "accepted", "returned"):
            assert clock.status(state, None) == timeliness(DEADLINE, state, None, now)
            for first in MOMENTS:
                assert clock.status(state, first) == timeliness(DEADLINE, state, first, now), (state, first)
