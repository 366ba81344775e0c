"""The register's reference lists (data/register/reference.yaml): the 54 ethnic groups, the 14 groups of
children in special circumstances, the at-risk groups and the kinds of support and benefit. Read once per
process; the file is the one place these codes live."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

REFERENCE_FILE = Path("register") / "reference.yaml"


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    family: str = ""  # support kinds: "support" or "benefit"
    monthly: bool = False


@dataclass(frozen=True)
class Reference:
    ethnicities: tuple[Entry, ...]
    special_circumstances: tuple[Entry, ...]
    at_risk: tuple[Entry, ...]
    support_kinds: tuple[Entry, ...]

    def labels(self, name: str) -> dict[str, str]:
        """code → label of one list (`ethnicities`, `special_circumstances`, `at_risk`, `support_kinds`)."""
        return {e.code: e.label for e in getattr(self, name)}

    def choices(self, name: str) -> list[tuple[str, str]]:
        return [(e.code, e.label) for e in getattr(self, name)]

    def group_label(self, code: str) -> str:
        return (self.labels("special_circumstances") | self.labels("at_risk")).get(code, code)


def _entries(rows: list[dict]) -> tuple[Entry, ...]:
    return tuple(
        Entry(str(r["code"]), str(r["label"]), str(r.get("family", "")), bool(r.get("monthly", False)))
        for r in rows
    )


@functools.cache
def reference() -> Reference:
    data = yaml.safe_load((Path(settings.DATA_DIR) / REFERENCE_FILE).read_text(encoding="utf-8"))
    return Reference(
        ethnicities=_entries(data["ethnicities"]),
        special_circumstances=_entries(data["special_circumstances"]),
        at_risk=_entries(data["at_risk"]),
        support_kinds=_entries(data["support_kinds"]),
    )
