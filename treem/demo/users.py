"""Demo users, one per role. Created only by `manage.py load_demo`, never by migrations or loaders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from treem.accounts.models import Role, User
from treem.dashboard.selectors import plan_province
from treem.plans.models import Plan
from treem.units.models import AdministrativeUnit, Agency, UnitLevel

DEMO_PASSWORD = "TreEm@Hue2023"
DEMO_EMAIL_DOMAIN = "treem.local"
USERNAMES = {
    Role.ADMIN: "quantri",
    Role.PROVINCE_COORDINATOR: "dieuphoi",
    Role.LEADER: "lanhdao",
    Role.AGENCY_REPORTER: "coquan",
    Role.DISTRICT_OFFICER: "huyen",
    Role.COMMUNE_OFFICER: "xa",
    Role.NATIONAL: "trunguong",
    Role.CASE_MANAGER: "truonghop",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None
    agency_code: str | None = None
    # The day the unit code is read on (a code names a unit only with a time; None: the first version).
    unit_on: datetime.date | None = None


def demo_users(province_code: str, owner_code: str) -> list[DemoUser]:
    """One user per role, scoped to the first district and commune of the province."""
    # a district: after the 2025 reform the province also has communes right below it
    district = (
        AdministrativeUnit.objects.filter(parent__code=province_code, level=UnitLevel.DISTRICT)
        .order_by("code")
        .first()
    )
    commune = (
        AdministrativeUnit.objects.filter(parent=district).order_by("code").first() if district else None
    )
    # The reporter demo works for the agency that supplies the most figures, so its pages have content.
    supplier = (
        Agency.objects.exclude(code=owner_code)
        .annotate(n=Count("supplied_indicators"))
        .filter(n__gt=0)
        .order_by("-n", "code")
        .first()
    )
    users = [
        DemoUser(USERNAMES[Role.ADMIN], "Trần Quản Trị (DEMO)", Role.ADMIN, province_code),
        DemoUser(
            USERNAMES[Role.PROVINCE_COORDINATOR],
            "Nguyễn Thị Hoa (DEMO)",
            Role.PROVINCE_COORDINATOR,
            province_code,
            owner_code,
        ),
        DemoUser(USERNAMES[Role.LEADER], "Lê Văn Minh (DEMO)", Role.LEADER, province_code),
        DemoUser(
            USERNAMES[Role.CASE_MANAGER],
            "Ngô Thị Mai — Quản lý trường hợp (DEMO)",
            Role.CASE_MANAGER,
            province_code,
        ),
        DemoUser(USERNAMES[Role.NATIONAL], "Đỗ Thị Thu — Cục Trẻ em (DEMO)", Role.NATIONAL),
    ]
    if supplier:
        users.append(
            DemoUser(
                USERNAMES[Role.AGENCY_REPORTER],
                f"Phạm Thu Hà — {supplier.short_name} (DEMO)",
                Role.AGENCY_REPORTER,
                None,
                supplier.code,
            )
        )
    if district:
        district_pc = Agency.objects.filter(unit=district, kind="district_committee").first()
        users.append(
            DemoUser(
                USERNAMES[Role.DISTRICT_OFFICER],
                f"Hoàng Văn Nam — {district.name} (DEMO)",
                Role.DISTRICT_OFFICER,
                district.code,
                district_pc.code if district_pc else None,
            )
        )
    if commune:
        users.append(
            DemoUser(
                USERNAMES[Role.COMMUNE_OFFICER],
                f"Võ Thị Lan — {commune.name} (DEMO)",
                Role.COMMUNE_OFFICER,
                commune.code,
            )
        )
    return users


def later_plan_users(plan: Plan) -> list[DemoUser]:
    """The users of a later plan (one drafted after the main demo plan, e.g. a 2026 plan of Huế city after
    the 2025 reform): its owner's coordinator, and the officer of the first commune (code order) that
    exists on the plan's first day, in the tree of that day (from 07/2025 right below the city). Their
    usernames carry the plan's year: dieuphoi2026, xa2026."""
    first_day = datetime.date(plan.year, 1, 1)
    province = plan_province(plan)
    commune = (
        AdministrativeUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE)
        .valid_on(first_day)
        .order_by("code")
        .first()
    )
    owner = plan.owner
    users = [
        DemoUser(
            f"{USERNAMES[Role.PROVINCE_COORDINATOR]}{plan.year}",
            f"Trần Thị Hương — {owner.short_name or owner.name} (DEMO)",
            Role.PROVINCE_COORDINATOR,
            province.code,
            owner.code,
            first_day,
        )
    ]
    if commune is not None:
        users.append(
            DemoUser(
                f"{USERNAMES[Role.COMMUNE_OFFICER]}{plan.year}",
                f"Lê Thị Thanh — {commune.name} (DEMO)",
                Role.COMMUNE_OFFICER,
                commune.code,
                None,
                first_day,
            )
        )
    return users


def demo_email(username: str) -> str:
    """A demo user's e-mail address (a reserved-looking domain: reminders to it go nowhere real)."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def _unit(spec: DemoUser) -> AdministrativeUnit | None:
    if not spec.unit_code:
        return None
    if spec.unit_on is not None:
        return AdministrativeUnit.objects.version_of(spec.unit_code, on=spec.unit_on)
    # the first version: the structure the main demo plan was written for
    return AdministrativeUnit.objects.filter(code=spec.unit_code).order_by("pk").first()


@transaction.atomic
def create_demo_users(
    province_code: str, owner_code: str, later_plans: list[Plan] | None = None
) -> list[tuple[DemoUser, User]]:
    """The demo users of the main plan, then those of each later plan (`later_plan_users`)."""
    specs = demo_users(province_code, owner_code)
    for plan in later_plans or []:
        specs += later_plan_users(plan)
    created = []
    for spec in specs:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.first_name = spec.full_name
        user.email = demo_email(spec.username)
        user.role = spec.role
        user.unit = _unit(spec)
        user.agency = Agency.objects.filter(code=spec.agency_code).first() if spec.agency_code else None
        user.is_staff = user.is_superuser = spec.role == Role.ADMIN
        user.is_demo = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((spec, user))
    return created
