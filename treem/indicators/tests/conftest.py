"""Users and figures the dataValueSets and evaluations API tests share."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role

from .api_helpers import seed


@pytest.fixture
def syt_reporter(make_user):
    return make_user(Role.AGENCY_REPORTER, agency_code="SYT")


@pytest.fixture
def officer_478(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478")


@pytest.fixture
def two_districts(db):
    seed(
        ("LIVE_BIRTHS", "19750", "2023S1", "400"),
        ("NEONATAL_DEATHS", "19750", "2023S1", "3"),
        ("LIVE_BIRTHS", "19903", "2023S1", "600"),
        ("NEONATAL_DEATHS", "19903", "2023S1", "5"),
        ("LIVE_BIRTHS", "19903", "2023S2", "650"),
    )
