"""Communes by GSO code for a registration: today's, as a child is registered where it lives now."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from treem.units.models import AdministrativeUnit


class CommunesByCode:
    """Every commune by code (leading zeros optional), read once. After the 2025 reform a code may name a
    2023 commune and a 2025 one: `current` gives the one that exists today, `former` the last one that
    no longer does (to say so when a file still names it)."""

    def __init__(self) -> None:
        self._current: dict[str, AdministrativeUnit] | None = None
        self._former: dict[str, AdministrativeUnit] = {}

    def current(self, code: str) -> AdministrativeUnit | None:
        return self._find(self._load(), code)

    def former(self, code: str) -> AdministrativeUnit | None:
        self._load()
        return self._find(self._former, code)

    def _load(self) -> dict[str, AdministrativeUnit]:
        if self._current is None:
            self._current = {}
            today = timezone.localdate()
            # Oldest first: a later version of a code replaces an earlier one among the former.
            ordered = AdministrativeUnit.objects.filter(level="commune").order_by(
                F("valid_from").asc(nulls_first=True)
            )
            for unit in ordered:
                found = self._current if unit.is_valid_on(today) else self._former
                found[unit.code] = unit
                found.setdefault(unit.code.lstrip("0"), unit)
        return self._current

    @staticmethod
    def _find(found: dict[str, AdministrativeUnit], code: str) -> AdministrativeUnit | None:
        return found.get(code) or found.get(code.lstrip("0"))
