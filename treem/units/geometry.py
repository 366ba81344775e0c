"""The geometry of GSO codes and unit paths, in one place.

A unit's `path` is the codes from the province down, each followed by "/" ("46/474/19750/"). GSO codes
have a fixed width per level (province 2, district 3, commune 5 digits), so the prefix of a path up to a
level has a fixed length: aggregation groups values by that prefix in SQL, and a subtree is one indexed
prefix query. Validity ("exists during") is the same rule in Python and SQL.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

# Digits of a GSO code by depth in the tree (0 = province).
CODE_WIDTH = {0: 2, 1: 3, 2: 5}
LEVEL_DEPTH = {"province": 0, "district": 1, "commune": 2}


def path_length(level: str) -> int:
    """Characters of a path down to a unit of this level: 3 for "46/", 7 for "46/474/", 13 for a commune."""
    depth = LEVEL_DEPTH[level]
    return sum(CODE_WIDTH[d] + 1 for d in range(depth + 1))


PATH_LENGTH = {level: path_length(level) for level in LEVEL_DEPTH}


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}/"


def path_codes(path: str) -> list[str]:
    """The codes along a path, province first: "46/474/19750/" → ["46", "474", "19750"]."""
    return [code for code in path.split("/") if code]


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit's strict ancestors, province first: "46/474/19750/" → ["46/", "46/474/"]."""
    codes = path_codes(path)
    return ["".join(f"{c}/" for c in codes[:n]) for n in range(1, len(codes))]


def is_within(path: str, root_path: str) -> bool:
    """Whether the unit at `path` lies in the subtree rooted at `root_path` (itself included)."""
    return path.startswith(root_path)


def code_at_depth(path: str, depth: int) -> str | None:
    codes = path_codes(path)
    return codes[depth] if depth < len(codes) else None


def exists_during(
    valid_from: datetime.date | None, valid_to: datetime.date | None, start: datetime.date, end: datetime.date
) -> bool:
    """Whether a unit valid from `valid_from` (inclusive) to `valid_to` (exclusive) existed at any time from
    `start` to `end`: valid_from ≤ end and valid_to > start. `existing_during_q` is the same rule in SQL."""
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to > start)


def existing_during_q(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """The SQL filter of `exists_during`, on fields under `prefix` ("unit__" for a related unit)."""
    return (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": start})) & (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})
    )
