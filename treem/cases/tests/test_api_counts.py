"""The case counts of the API (/api/case-counts/, treem/cases/api_counts.py): for every role with an area,
never a name, small counts suppressed (null, "suppressed": true, with the threshold) outside the caller's
own case records, a unit outside the scope the same 404 as a missing one."""

from __future__ import annotations

import pytest

from treem.accounts.testing_otp import sign_in_with_factor

from .conftest import CHILD_NAME

COMMUNES = {"19903": "manager", "19912": "manager", "19750": "manager", "20194": "manager_48"}
AGGREGATES_ONLY = ["leader", "reporter", "coordinator", "national"]


@pytest.fixture
def cases(officers, register):
    """One case in each of four communes (two of district 478, one of 474, one of Đà Nẵng)."""
    return {code: register(officers[actor], code) for code, actor in COMMUNES.items()}


@pytest.fixture
def api(client):
    def sign_in(user):
        sign_in_with_factor(client, user)
        return client

    return sign_in


def test_counts_suppress_small_numbers_outside_case_work_and_show_them_inside(officers, cases, api):
    leader = api(officers["leader"]).get("/api/case-counts/", {"by": "harm"}).json()

    assert leader["threshold"] == 5
    violence = next(c for c in leader["counts"] if c["key"] == "violence")
    neglect = next(c for c in leader["counts"] if c["key"] == "neglect")
    assert violence == {"key": "violence", "label": "Bạo lực", "count": None, "suppressed": True}
    assert neglect["count"] == 0 and neglect["suppressed"] is False
    manager = api(officers["manager"]).get("/api/case-counts/", {"by": "harm"}).json()
    assert next(c for c in manager["counts"] if c["key"] == "violence")["count"] == 3


def test_counts_take_a_unit_within_the_scope_and_404_outside_it(officers, cases, api, settings):
    settings.TREEM_SMALL_COUNT = 1
    client = api(officers["district"])

    inside = client.get("/api/case-counts/", {"by": "step", "within": "478"})
    outside = client.get("/api/case-counts/", {"by": "step", "within": "474"})
    missing = client.get("/api/case-counts/", {"by": "step", "within": "99999"})
    wrong = client.get("/api/case-counts/", {"by": "name"})

    assert inside.status_code == 200
    assert inside.json()["counts"] == [
        {
            "key": "notification",
            "label": "Tiếp nhận thông tin, thông báo, tố giác",
            "count": 2,
            "suppressed": False,
        }
    ]
    assert (outside.status_code, missing.status_code, wrong.status_code) == (404, 404, 400)
    assert outside.json()["conflicts"][0].replace("474", "?") == missing.json()["conflicts"][0].replace(
        "99999", "?"
    )


def test_counts_are_for_every_role_with_an_area_and_never_name_a_child(officers, cases, api, make_user):
    for who in [*AGGREGATES_ONLY, "commune"]:
        response = api(officers[who]).get("/api/case-counts/", {"by": "overdue"})
        assert response.status_code == 200 and CHILD_NAME not in response.content.decode()
    assert api(make_user("")).get("/api/case-counts/", {"by": "risk"}).status_code == 404
