"""What one request may see and do, as data: the `Scope` that `accounts.policy` builds once per request.

A Scope names units by path (a subtree root and the province it belongs to), agencies by id and entry
rights by unit path and supplier ids; it knows no user and no role rules (those live in accounts.policy).
Selectors take a Scope. `unit_in_scope` and `agency_in_scope` answer "this object, if the scope may see
it": a missing object and one outside the scope give the same None, so pages and the API answer both
with the same 404 and nobody learns that another area's unit or agency exists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import F, Q, QuerySet

from . import geometry
from .models import AdministrativeUnit, Agency, UnitQuerySet


@dataclass(frozen=True)
class EntryScope:
    """Where figures may be entered: units under `unit_path` (None: any unit) and elements supplied by
    `supplier_ids` (None: any element). `allowed=False` means no entry at all (leaders, national)."""

    allowed: bool
    unit_path: str | None = None
    supplier_ids: frozenset[int] | None = None

    def allows(self, element: Any, unit: AdministrativeUnit) -> bool:
        if not self.allowed:
            return False
        if self.unit_path is not None and not geometry.is_within(unit.path, self.unit_path):
            return False
        return self.supplier_ids is None or element.supplier_id in self.supplier_ids

    def allows_unit(self, unit: AdministrativeUnit) -> bool:
        return self.allowed and (self.unit_path is None or geometry.is_within(unit.path, self.unit_path))


@dataclass(frozen=True)
class Scope:
    """One request's reach. `unit_path` is the root of the units seen (None: none, or every unit when
    `all_provinces`); `province_path` the province the scope belongs to (None: every province);
    `agency_ids` the agencies whose pages are seen (None: every agency of the province and the national
    bodies)."""

    user_id: int | None = None
    role: str = ""
    unit_path: str | None = None
    province_path: str | None = None
    all_provinces: bool = False
    agency_ids: frozenset[int] | None = frozenset()
    entry: EntryScope = field(default_factory=lambda: EntryScope(False))
    can_manage_plans: bool = False
    can_read_audit: bool = False
    # Reporting: the bodies whose submissions this scope fills in and submits, and whether it reviews
    # (accepts, returns, reopens) the submissions of the bodies it sees.
    reports_for: frozenset[int] = frozenset()
    can_review_reports: bool = False
    # Cases (treem.cases): the unit subtree whose case and child records this scope reads (None: none;
    # roles without it see case figures only in aggregate, small counts suppressed).
    case_path: str | None = None

    # --- what it reaches -----------------------------------------------------------------------------

    @property
    def has_access(self) -> bool:
        """False for a signed-in user without a role and an area: such a user sees nothing yet."""
        return self.all_provinces or self.unit_path is not None

    @property
    def province_code(self) -> str | None:
        return geometry.path_codes(self.province_path)[0] if self.province_path else None

    @property
    def can_enter_values(self) -> bool:
        return self.entry.allowed

    @property
    def is_province_wide(self) -> bool:
        """Sees a whole province (or every province), not a district, commune or agency's area."""
        return self.all_provinces or (self.unit_path is not None and self.unit_path == self.province_path)

    def sees_path(self, path: str) -> bool:
        if self.all_provinces:
            return True
        return self.unit_path is not None and geometry.is_within(path, self.unit_path)

    def sees_unit(self, unit: AdministrativeUnit) -> bool:
        return self.sees_path(unit.path)

    def in_province(self, path: str) -> bool:
        """Whether a path lies in the scope's province (every path for a national scope)."""
        if self.all_provinces and self.province_path is None:
            return True
        return self.province_path is not None and geometry.is_within(path, self.province_path)

    # --- querysets -------------------------------------------------------------------------------------

    def units(self) -> UnitQuerySet:
        units = AdministrativeUnit.objects.all()
        if self.all_provinces:
            return units
        if self.unit_path is None:
            return units.none()
        return units.filter(path__startswith=self.unit_path)

    def agencies(self) -> QuerySet[Agency]:
        """The agencies whose pages the scope opens."""
        if self.agency_ids is not None:
            return Agency.objects.filter(pk__in=self.agency_ids) if self.has_access else Agency.objects.none()
        return self.province_agencies()

    def province_agencies(self) -> QuerySet[Agency]:
        """Every body of the scope's province and the national ones that plans name as recipients (every
        body for a national scope): the bodies a figure or a task of the province can belong to."""
        agencies = Agency.objects.all()
        if not self.has_access:
            return agencies.none()
        if self.province_path is None:
            return agencies
        return agencies.filter(Q(unit__path__startswith=self.province_path) | Q(unit__isnull=True))


def unit_in_scope(
    scope: Scope, code: str, *, during: tuple[datetime.date, datetime.date] | None = None
) -> AdministrativeUnit | None:
    """The version of the unit with this GSO code that existed `during` (the later one when two did, as
    `version_of`), if the scope sees it; else None, whether it does not exist, did not exist then or lies
    outside the scope. Without `during`: the version valid today, or for a code no longer in use its last
    version (a 2023 district's pages stay reachable). A code alone does not name a unit after the 2025
    reform: callers that hold a period pass it."""
    if not isinstance(code, str) or not code or "\x00" in code:
        return None
    units = scope.units()
    if during is not None:
        return units.version_of(code, during=during)
    return units.version_of(code, on=datetime.date.today()) or last_version(units, code)


def last_version(units: UnitQuerySet, code: str) -> AdministrativeUnit | None:
    """The version of a code that ended last (one still in use first)."""
    return (
        units.filter(code=code)
        .order_by(F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True))
        .first()
    )


def unit_by_path(scope: Scope, path: str) -> AdministrativeUnit | None:
    """The unit at this path if the scope sees it (a path, unlike a code, names one unit)."""
    if not isinstance(path, str) or not path or "\x00" in path:
        return None
    return scope.units().filter(path=path).first()


def agency_in_scope(scope: Scope, code: str) -> Agency | None:
    """The agency with this code if the scope may open its page; else None (missing or outside)."""
    if not isinstance(code, str) or not code:
        return None
    return scope.agencies().filter(code=code).first()


def attached_scope(request: object) -> Scope:
    """The Scope that accounts' middleware attached to the request as `request.scope`. Units may not import
    accounts (where `policy.scope_of` reads it), so the views and API of units read it here."""
    return cast(Scope, getattr(request, "scope"))  # noqa: B009 (an attribute HttpRequest does not declare)
