"""The one place that answers "may this user see or do this": it builds one `Scope` per request.

Every view, API endpoint and selector starts from the Scope built here (`scope_of(request)`); nothing
else compares roles. The Scope itself (units.scope) is plain data: subtree, province, agencies, rights.

| role                  | units seen                  | agency pages seen                  | writes |
|-----------------------|-----------------------------|------------------------------------|--------|
| superuser (no area)   | every province              | all                                | everything |
| national              | every province              | all                                | none   |
| admin                 | its province                | its province's and national bodies | plans, figures of the province |
| province coordinator  | its province                | its province's and national bodies | plans, figures of the province |
| leader                | its province                | its province's and national bodies | none   |
| case manager          | its province                | its province's and national bodies | cases of the province |
| agency reporter       | its agency's area           | its own agency                     | its agency's figures in its area |
| district officer      | its district subtree        | its district's People's Committee  | figures of its district |
| commune officer       | its commune                 | none                               | figures of its commune |
| no role, or no area   | nothing                     | nothing                            | none   |

Reporting (treem.reporting): `reports_for` are the bodies whose submissions a user fills in and hands in
(an agency reporter: its agency; a district officer: its district's People's Committee; a coordinator or
administrator: its own office); `can_review_reports` (coordinators and administrators) accepts, returns
and reopens the submissions of its province. Leaders and the national role read them.

Cases (treem.cases): `case_path` is the subtree whose case and child records a user reads and works on: a
commune officer its commune, a district officer its district, a province case manager its province.
Everyone else (agency reporters, leaders, coordinators, administrators, the national role) has none and
sees case figures only in aggregate, small counts suppressed.

A province-wide role needs an area (`User.unit`, any unit of its province): a new user has no access until
an administrator gives it a role and an area.

Units are dated (the 2025 reform): a scope is the subtree of the user's own unit *version*, so a district
officer of a 2023 district sees that district's 2023 communes and nothing of the 2025 communes (which hang
right below the city), a commune officer of a 2025 commune sees that commune, and province-wide roles see
both trees. A district officer exists only where districts do: `area_refusal` is the rule the admin
applies when a role or an area is given.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from treem.units import geometry
from treem.units.models import AdministrativeUnit, Agency, UnitLevel
from treem.units.scope import EntryScope, Scope
from treem.units.successions import later_holders

from .models import Role

__all__ = [
    "EntryScope", "Scope", "scope_for", "scope_of", "audit_province", "body_entry_scope", "area_refusal",
]  # fmt: skip

PROVINCE_WIDE_ROLES = {Role.ADMIN, Role.PROVINCE_COORDINATOR, Role.LEADER, Role.CASE_MANAGER}
PLAN_MANAGERS = {Role.ADMIN, Role.PROVINCE_COORDINATOR}
NO_ACCESS = Scope()


# The level of the area an officer's role is tied to.
OFFICER_LEVELS: dict[str, str] = {
    Role.DISTRICT_OFFICER: UnitLevel.DISTRICT,
    Role.COMMUNE_OFFICER: UnitLevel.COMMUNE,
}


def _province_path(unit: AdministrativeUnit) -> str:
    # the path's first segment as it is (a later version of a province carries its start date there)
    return geometry.province_path(unit.path)


def area_refusal(
    role: str, unit: AdministrativeUnit | None, *, on: datetime.date | None = None
) -> str | None:
    """Why `unit` cannot be the area of a new user (or of a changed role or area) with `role` on `on`
    (today by default); None when it can. A district or commune officer needs a unit of that level that
    exists that day: from 07/2025 Huế has no district level, so no district officer can be made there."""
    level = OFFICER_LEVELS.get(role)
    if level is None or unit is None:
        return None
    day = on or datetime.date.today()
    role_name = Role(role).label
    if unit.level != level:
        return _("Vai trò “%(role)s” cần một đơn vị %(level)s; “%(unit)s” là đơn vị %(unit_level)s.") % {
            "role": role_name,
            "level": UnitLevel(level).label.lower(),
            "unit": unit.name,
            "unit_level": UnitLevel(unit.level).label.lower(),
        }
    if not unit.is_valid_on(day):
        return _(
            "“%(unit)s” không tồn tại vào ngày %(day)s (hiệu lực %(since)s – %(until)s): không thể giao vai "
            "trò “%(role)s” cho đơn vị này."
        ) % {
            "unit": unit.name,
            "day": date_format(day, "d/m/Y"),
            "since": date_format(unit.valid_from, "d/m/Y") if unit.valid_from else "…",
            "until": date_format(unit.valid_to, "d/m/Y") if unit.valid_to else "…",
            "role": role_name,
        }
    return None


def scope_for(user: Any) -> Scope:
    """The Scope of a user (anonymous or without a role and an area: no access)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    role, unit = user.role, user.unit
    if user.is_superuser and (role == Role.NONE or (role == Role.ADMIN and unit is None)):
        return Scope(
            user.pk, role, all_provinces=True, agency_ids=None, entry=EntryScope(True),
            can_manage_plans=True, can_read_audit=True, can_review_reports=True,
        )  # fmt: skip
    if role == Role.NATIONAL:
        return Scope(user.pk, role, all_provinces=True, agency_ids=None)
    if role in PROVINCE_WIDE_ROLES and unit is not None:
        province = _province_path(unit)
        manager = role in PLAN_MANAGERS
        # A coordinator reports for its own office too (the office is one of the bodies that owe reports).
        own_office = frozenset([user.agency_id]) if manager and user.agency_id else frozenset()
        return Scope(
            user.pk, role, unit_path=province, province_path=province, agency_ids=None,
            entry=EntryScope(manager, province), can_manage_plans=manager, can_read_audit=manager,
            reports_for=own_office, can_review_reports=manager,
            case_path=province if role == Role.CASE_MANAGER else None,
        )  # fmt: skip
    if role == Role.AGENCY_REPORTER and user.agency is not None and user.agency.unit is not None:
        agency = user.agency
        return Scope(
            user.pk, role, unit_path=agency.unit.path, province_path=_province_path(agency.unit),
            agency_ids=frozenset([agency.pk]), entry=body_entry_scope(agency),
            reports_for=frozenset([agency.pk]),
        )  # fmt: skip
    if role in (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER) and unit is not None:
        agencies: frozenset[int] = frozenset()
        if role == Role.DISTRICT_OFFICER:
            own = {user.agency_id} if user.agency_id else set()
            agencies = frozenset({*unit.agencies.values_list("pk", flat=True), *own})
        return Scope(
            user.pk, role, unit_path=unit.path, province_path=_province_path(unit),
            agency_ids=agencies, entry=EntryScope(True, unit.path), reports_for=agencies,
            case_path=unit.path,
        )  # fmt: skip
    return Scope(user.pk, role)


def body_entry_scope(agency: Agency) -> EntryScope:
    """The figures a body enters and reports: a district People's Committee (or, from 07/2025, a commune's)
    every element in its area; another body the elements it (or a group it belongs to) supplies, in its
    area; a body without an area (a ministry) none. The same rule gives an agency reporter its entry rights
    and tells which figures an accepted submission locks. A body that has ended supplied then what the
    bodies that took its duty over supply now (an element's supplier is today's holder), so its accepted
    reports keep locking those figures."""
    if agency.unit is None:
        return EntryScope(False)
    if agency.is_local_committee:  # a district's People's Committee (2023) or a commune's (from 07/2025)
        return EntryScope(True, agency.unit.path)
    # `.all()`, not values_list: a caller that prefetched the groups (reporting.locks) reads no more rows.
    suppliers = {agency.pk, *(group.pk for group in agency.groups.all())}
    if agency.valid_to is not None:
        suppliers |= {later.pk for later in later_holders(agency)}
    return EntryScope(True, agency.unit.path, frozenset(suppliers))


def scope_of(request: HttpRequest | Any) -> Scope:
    """The request's Scope: the one `middleware.attach_scope` built, or built now (outside a request
    cycle, in tests with a bare request)."""
    scope = getattr(request, "scope", None)
    return scope if scope is not None else scope_for(getattr(request, "user", None))


def audit_province(user: Any) -> tuple[bool, str | None]:
    """Whether the user may read the audit log, and of which province (None: every province)."""
    scope = scope_for(user)
    return scope.can_read_audit, scope.province_code
