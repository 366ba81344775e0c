"""The geometry of GSO codes and unit paths, in one place.

A unit's `path` is the segments from the province down, each followed by "/" ("46/474/19750/"). A
segment is the unit's GSO code, or for a later version of a code already used the code and the day the
version starts ("46/19900@20250701/"). The tree has a district level in 2023 and none from 01/07/2025, so
a level has no fixed depth: the prefix of a path up to an ancestor is as long as the ancestor's own path,
which is what aggregation groups by in SQL; a subtree is one indexed prefix query. Validity ("exists
during") is the same rule in Python and SQL.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

# Digits of a GSO code by level (the same before and after the 2025 reform).
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
# Levels from the top: a level's rank, unlike its depth in the tree, is the same in 2023 and 2025.
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
VERSION_MARK = "@"


def child_path(parent_path: str, segment: str) -> str:
    return f"{parent_path}{segment}/"


def versioned_segment(code: str, valid_from: datetime.date) -> str:
    return f"{code}{VERSION_MARK}{valid_from:%Y%m%d}"


def path_segments(path: str) -> list[str]:
    """The segments along a path, province first: "46/19900@20250701/" → ["46", "19900@20250701"]."""
    return [segment for segment in path.split("/") if segment]


def path_codes(path: str) -> list[str]:
    """The GSO codes along a path, province first: "46/474/19750/" → ["46", "474", "19750"]. A code alone
    does not name a unit (see AdministrativeUnit): look a unit up by its path, or by code and a day."""
    return [segment.split(VERSION_MARK)[0] for segment in path_segments(path)]


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit's strict ancestors, province first: "46/474/19750/" → ["46/", "46/474/"]."""
    segments = path_segments(path)
    return ["".join(f"{s}/" for s in segments[:n]) for n in range(1, len(segments))]


def child_toward(root_path: str | None, path: str) -> str | None:
    """The path of the child of `root_path` (None or "": the country) on the way down to `path`, or None
    when `path` is the root itself or lies outside it: ("46/", "46/474/19750/") → "46/474/"."""
    root = root_path or ""
    if not path.startswith(root) or path == root:
        return None
    rest = path[len(root) :]
    return root + rest[: rest.index("/") + 1]


def children_q(root_path: str | None, prefix: str = "") -> Q:
    """The SQL filter of the units right below `root_path` (None: the provinces), whatever their level."""
    if root_path is None:
        return Q(**{f"{prefix}parent__isnull": True})
    return Q(**{f"{prefix}parent__path": root_path})


def is_within(path: str, root_path: str) -> bool:
    """Whether the unit at `path` lies in the subtree rooted at `root_path` (itself included)."""
    return path.startswith(root_path)


def province_path(path: str) -> str:
    """The path of the province a path lies in: "46/474/19750/" → "46/"."""
    return path[: path.index("/") + 1]


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
