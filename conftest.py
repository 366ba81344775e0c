"""Shared fixtures. The 2023 structure, agencies and plan of Thừa Thiên Huế (46) are loaded once per test
session into the test database (each test runs in a transaction that is rolled back), through the same
services `make run` uses; so is a small second province (Đà Nẵng, 48, with a test plan `dn-2023`), so
that every test runs with two provinces in one database, as a national installation does."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

PLAN_FILE = settings.DATA_DIR / "plans" / "tth-2023.yaml"
TEST_DATA = settings.BASE_DIR / "tests" / "data"
OTHER_PROVINCE = "48"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0)
        call_command("load_agencies", verbosity=0)
        call_command("load_plan", str(PLAN_FILE), verbosity=0)
        call_command("load_units", province=OTHER_PROVINCE, verbosity=0)
        call_command("load_agencies", str(TEST_DATA / "48-da-nang.yaml"), verbosity=0)
        call_command("load_plan", str(TEST_DATA / "dn-2023.yaml"), verbosity=0)


@pytest.fixture
def plan(db):
    from treem.plans.models import Plan

    return Plan.objects.get(code="tth-2023")


@pytest.fixture
def make_user(db):
    """make_user(role, unit_code=None, agency_code=None, unit_on=None) → a saved user with that scope. The unit
    is the version of the code valid on `unit_on` (default today): codes repeat across the 2025 reform."""
    from treem.accounts.models import User
    from treem.units.models import AdministrativeUnit, Agency

    def make(
        role: str,
        unit_code: str | None = None,
        agency_code: str | None = None,
        unit_on: datetime.date | None = None,
        **extra,
    ) -> User:
        unit = None
        if unit_code:
            unit = AdministrativeUnit.objects.version_of(unit_code, on=unit_on)
            assert unit is not None, f"no unit {unit_code} valid on {unit_on or 'today'}"
        user = User.objects.create_user(
            username=f"{role}-{unit_code or ''}-{agency_code or ''}-{User.objects.count()}",
            password="Mat-khau-thu-2023",
            role=role,
            unit=unit,
            agency=Agency.objects.get(code=agency_code) if agency_code else None,
            **extra,
        )
        return user

    return make


@pytest.fixture
def main_of():
    """main_of(response) → the page's <main> element: what a 404 says, without the per-request CSRF token
    and language form that surround it."""
    import re

    def main(response) -> str:
        html = response.content.decode()
        found = re.search(r"<main[^>]*>.*?</main>", html, re.S)
        return found.group(0) if found else html

    return main


@pytest.fixture
def fresh_axes(db):
    """No sign-in failures counted by django-axes before or after the test (tests that sign in wrongly on
    purpose: `pytestmark = pytest.mark.usefixtures("fresh_axes")`)."""
    from axes.utils import reset

    reset()
    yield
    reset()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests sign in thousands of users: a fast hasher keeps the suite quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def vietnamese_after_each_test():
    """A test that asked for English (a request with Accept-Language, translation.activate) leaves the
    thread's language behind; the next test starts in the default language again."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
