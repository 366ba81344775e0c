"""Demo users, one per role. Created only by `manage.py load_demo`, never by migrations or loaders."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from treem.accounts.models import Role, User
from treem.units.models import AdministrativeUnit, Agency

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


def demo_users(province_code: str, owner_code: str) -> list[DemoUser]:
    """One user per role, scoped to the first district and commune of the province."""
    district = AdministrativeUnit.objects.filter(parent__code=province_code).order_by("code").first()
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


def demo_email(username: str) -> str:
    """A demo user's e-mail address (a reserved-looking domain: reminders to it go nowhere real)."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


@transaction.atomic
def create_demo_users(province_code: str, owner_code: str) -> list[tuple[DemoUser, User]]:
    created = []
    for spec in demo_users(province_code, owner_code):
        user, _ = User.objects.get_or_create(username=spec.username)
        user.first_name = spec.full_name
        user.email = demo_email(spec.username)
        user.role = spec.role
        user.unit = AdministrativeUnit.objects.filter(code=spec.unit_code).first() if spec.unit_code else None
        user.agency = Agency.objects.filter(code=spec.agency_code).first() if spec.agency_code else None
        user.is_staff = user.is_superuser = spec.role == Role.ADMIN
        user.is_demo = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((spec, user))
    return created
