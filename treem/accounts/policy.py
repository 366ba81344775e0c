"""The one place that answers "may this user see or do this".

Every view, API endpoint and selector asks here; nothing else compares roles. A user's scope is
a unit subtree (`unit`) and/or an agency (`agency`):

| role                  | units seen              | agency pages seen            | edits |
|-----------------------|-------------------------|------------------------------|-------|
| admin                 | all                     | all                          | admin site |
| province coordinator  | all                     | all                          | plans |
| leader                | all                     | all                          | none  |
| agency reporter       | its agency's area       | its own agency               | its agency's reports |
| district officer      | its district subtree    | its district's People's Committee | its district's reports |
| commune officer       | its commune             | none                         | its commune's records |
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from treem.units.models import AdministrativeUnit, Agency

from .models import Role, User

PROVINCE_WIDE_ROLES = {Role.ADMIN, Role.PROVINCE_COORDINATOR, Role.LEADER}


def is_province_wide(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in PROVINCE_WIDE_ROLES)


def scope_unit(user: User) -> AdministrativeUnit | None:
    """The root of the unit subtree the user works in (None: no unit scope)."""
    if user.role in (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER):
        return user.unit
    if user.role == Role.AGENCY_REPORTER:
        return user.agency.unit if user.agency else None
    return user.unit


def visible_units(user: User) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.all()
    if not user.is_authenticated:
        return units.none()
    if is_province_wide(user):
        return units
    root = scope_unit(user)
    return units.filter(path__startswith=root.path) if root else units.none()


def visible_agencies(user: User) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    if not user.is_authenticated:
        return agencies.none()
    if is_province_wide(user):
        return agencies
    if user.role == Role.AGENCY_REPORTER and user.agency_id:
        return agencies.filter(pk=user.agency_id)
    if user.role == Role.DISTRICT_OFFICER and user.unit_id:
        return agencies.filter(Q(unit=user.unit) | Q(pk=user.agency_id or 0))
    return agencies.none()


def can_view_unit(user: User, unit: AdministrativeUnit) -> bool:
    return visible_units(user).filter(pk=unit.pk).exists()


def can_view_agency(user: User, agency: Agency) -> bool:
    return visible_agencies(user).filter(pk=agency.pk).exists()


@dataclass(frozen=True)
class EntryScope:
    """Where a user may enter figures: units under `unit_path` (None: any unit) and elements supplied by
    `supplier_ids` (None: any element). `allowed=False` means no entry at all (leaders)."""

    allowed: bool
    unit_path: str | None = None
    supplier_ids: frozenset[int] | None = None

    def allows(self, element, unit: AdministrativeUnit) -> bool:
        if not self.allowed:
            return False
        if self.unit_path is not None and not unit.path.startswith(self.unit_path):
            return False
        return self.supplier_ids is None or element.supplier_id in self.supplier_ids


def entry_scope(user: User | None) -> EntryScope:
    """Who enters which figures: coordinators and admins anything; an agency reporter its agency's
    elements in its agency's area; district and commune officers any element in their own area."""
    if user is None or not user.is_authenticated:
        return EntryScope(False)
    if user.is_superuser or user.role in (Role.ADMIN, Role.PROVINCE_COORDINATOR):
        return EntryScope(True)
    if user.role == Role.AGENCY_REPORTER and user.agency:
        area = user.agency.unit
        suppliers = frozenset([user.agency_id, *user.agency.groups.values_list("pk", flat=True)])
        return EntryScope(area is not None, area.path if area else None, suppliers)
    if user.role in (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER) and user.unit:
        return EntryScope(True, user.unit.path)
    return EntryScope(False)


def can_enter_values(user: User) -> bool:
    return entry_scope(user).allowed


def can_view_plans(user: User) -> bool:
    """Plans are public documents of the province: every signed-in user may read them."""
    return user.is_authenticated


def can_manage_plans(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.role in (Role.ADMIN, Role.PROVINCE_COORDINATOR)
    )
