"""A missing agency is the same 404 in every period, also when the unit of the URL did not exist then
(that explanation is for the scope's own agencies only)."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.units.testing_reform import build_reform_trees, user_at


@pytest.fixture
def trees(db):
    return build_reform_trees()


@pytest.fixture
def as_district_officer(client, trees):
    client.force_login(user_at(Role.DISTRICT_OFFICER, trees.district_2023, "UBND-474"))
    return client


def test_a_missing_agency_is_a_404_whether_or_not_the_unit_existed_in_the_period(as_district_officer):
    existed = as_district_officer.get("/so-lieu/NOSUCH/2023S1/19900/")
    absent_then = as_district_officer.get("/so-lieu/NOSUCH/2026S1/19900/")

    assert (existed.status_code, absent_then.status_code) == (404, 404)


def test_the_own_agency_still_explains_a_unit_absent_in_the_period(as_district_officer):
    response = as_district_officer.get("/so-lieu/SYT/2026S1/19900/", follow=True)

    assert response.redirect_chain[-1][0] == "/so-lieu/"
    assert "không tồn tại trong kỳ" in response.content.decode()
