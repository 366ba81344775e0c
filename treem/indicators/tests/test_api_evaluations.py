"""The evaluations API, and what the dataValueSets API keeps and never says (same helpers as test_api.py)."""

from __future__ import annotations

import json

import pytest
import yaml

from treem.accounts.models import Role
from treem.indicators.models import DataValue

from .api_helpers import URL, post, value_set


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"orgUnit": "478"}, 400, "Thiếu tham số period"),
        ({"period": "2023S1"}, 400, "Thiếu tham số orgUnit"),
        ({"period": "2023S3", "orgUnit": "478"}, 400, "kỳ '2023S3' không hợp lệ"),
        (
            {"period": "2023S1", "orgUnit": "99999"},
            404,
            "Không có đơn vị hành chính mã '99999' trong phạm vi của bạn.",
        ),
    ],
)
def test_bad_read_parameters_are_explained_in_vietnamese(client, officer_478, params, status, message):
    client.force_login(officer_478)

    response = client.get(URL, params)

    assert response.status_code == status
    assert message in response.json()["message"]


# --- evaluations ----------------------------------------------------------------------------------------------


def test_evaluations_return_the_rate_from_summed_counts(client, make_user, two_districts):
    client.force_login(make_user(Role.LEADER, "46"))

    response = client.get("/api/evaluations/", {"plan": "tth-2023", "period": "2023S1", "orgUnit": "46"})

    assert response.status_code == 200
    rows = {(r["indicator"], r["unit"]): r for r in response.json()}
    assert len(rows) == 23
    row = rows[("MT01-TVSS", "46")]
    # (3 + 5) / (400 + 600) × 1000 = 8.0, below 9.5, but only 2 of 141 communes reported
    assert (row["numerator"], row["denominator"], row["value"], row["status"]) == (8, 1000, 8, "partial")
    assert (row["reported_units"], row["expected_units"]) == (2, 141)


def test_evaluations_of_several_units_and_one_indicator(client, officer_478, two_districts):
    client.force_login(officer_478)

    response = client.get(
        "/api/evaluations/",
        {"plan": "tth-2023", "period": "2023S1", "orgUnit": ["478", "19903"], "indicator": "MT01-TVSS"},
    )

    assert response.status_code == 200
    assert [(r["unit"], r["value"], r["status"]) for r in response.json()] == [
        ("478", 8.3333, "partial"),  # 5 / 600 × 1000 = 8.3333; 1 of 14 communes
        ("19903", 8.3333, "on_track"),  # a half-year: progress toward the annual target
    ]


def test_evaluations_of_a_unit_outside_the_scope_are_not_found(client, officer_478):
    client.force_login(officer_478)

    response = client.get("/api/evaluations/", {"plan": "tth-2023", "period": "2023S1", "orgUnit": "474"})

    assert response.status_code == 404


def test_evaluations_default_to_the_province_which_a_district_officer_may_not_see(client, officer_478):
    client.force_login(officer_478)

    response = client.get("/api/evaluations/", {"plan": "tth-2023", "period": "2023S1"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "params, status, message",
    [
        (
            {"plan": "tth-2099", "period": "2023", "orgUnit": "478"},
            404,
            "Không có kế hoạch mã 'tth-2099' trong phạm vi của bạn.",
        ),
        ({"plan": "tth-2023", "period": "2023Q5", "orgUnit": "478"}, 400, "kỳ '2023Q5' không hợp lệ"),
        ({"period": "2023", "orgUnit": "478"}, 400, "Thiếu tham số plan"),
        ({"plan": "tth-2023", "orgUnit": "478"}, 400, "Thiếu tham số period"),
        ({"plan": "tth-2023", "period": "2023", "orgUnit": "478", "indicator": "MT99"}, 404, "MT99"),
    ],
)
def test_bad_evaluation_parameters_are_explained_in_vietnamese(client, officer_478, params, status, message):
    client.force_login(officer_478)

    response = client.get("/api/evaluations/", params)

    assert response.status_code == status
    assert any(message in m for m in response.json()["conflicts"])


# --- anonymous, schema ----------------------------------------------------------------------------------------


def test_the_schema_lists_data_value_sets_and_evaluations(client, make_user):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    response = client.get("/api/schema/")

    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert {"get", "post"} <= set(paths["/api/dataValueSets/"])
    assert {"application/json", "text/csv"} <= set(
        paths["/api/dataValueSets/"]["post"]["requestBody"]["content"]
    )
    assert {"200", "400", "409"} <= set(paths["/api/dataValueSets/"]["post"]["responses"])
    assert {"plan", "period", "orgUnit"} <= {
        p["name"] for p in paths["/api/evaluations/"]["get"]["parameters"]
    }


def test_a_refusal_never_names_a_unit_outside_the_scope(client, officer_478):
    body = value_set(
        ("LIVE_BIRTHS", "490", "5"), ("LIVE_BIRTHS", "19750", "5"), ("LIVE_BIRTHS", "99999", "5")
    )

    response = post(client, officer_478, body)

    assert response.status_code == 409
    messages = [c["value"] for c in response.json()["response"]["conflicts"]]
    assert messages == [
        "không có đơn vị hành chính mã '490' trong phạm vi của bạn",
        "không có đơn vị hành chính mã '19750' trong phạm vi của bạn",
        "không có đơn vị hành chính mã '99999' trong phạm vi của bạn",
    ]
    assert not any(name in str(messages) for name in ("Liên Chiểu", "Tây Lộc"))


def test_a_value_sent_again_without_a_comment_keeps_its_stored_comment(client, officer_478):
    with_comment = json.dumps(
        {"dataValues": [{"dataElement": "LIVE_BIRTHS", "period": "2023S1", "orgUnit": "19903", "value": "5",
                         "comment": "theo sổ A1"}]}
    )  # fmt: skip
    assert post(client, officer_478, with_comment).status_code == 200

    response = post(client, officer_478, value_set(("LIVE_BIRTHS", "19903", "6")))

    assert response.status_code == 200
    stored = DataValue.objects.get(element__code="LIVE_BIRTHS", unit__code="19903")
    assert (stored.value, stored.comment) == (6, "theo sổ A1")
