"""The case API (treem/cases/api.py) as each role meets it: who reads which cases, one access event per
case returned, writes through the services with their refusals as 400s, the same 404 for a case outside
the scope as for one that does not exist, counts with small numbers suppressed, and every route in the
OpenAPI schema."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from treem.accounts.otp import ensure_totp_device
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case
from treem.cases.services import do_record_step

from .conftest import CHILD_NAME, NOTES, REPORTER_NAME, SECRET, local, notification

COMMUNES = {"19903": "manager", "19912": "manager", "19750": "manager", "20194": "manager_48"}
SEES = {  # role → the communes whose cases it reads
    "commune": {"19903"},
    "commune_19912": {"19912"},
    "district": {"19903", "19912"},
    "district_474": {"19750"},
    "manager": {"19903", "19912", "19750"},
    "manager_48": {"20194"},
}
AGGREGATES_ONLY = ["leader", "reporter", "coordinator", "national"]
MISSING = "19903-2024-9999"


@pytest.fixture
def cases(officers, register):
    """One case in each of four communes (two of district 478, one of 474, one of Đà Nẵng): commune → Case."""
    return {code: register(officers[actor], code) for code, actor in COMMUNES.items()}


@pytest.fixture
def api(client):
    def sign_in(user):
        sign_in_with_factor(client, user)
        return client

    return sign_in


def new_events(since: int) -> list[tuple[str, int, str]]:
    return list(
        AccessEvent.objects.filter(id__gt=since).order_by("id").values_list("action", "case_id", "what")
    )


def last_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- the list --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_case_role_lists_the_cases_of_its_own_area_with_one_event_per_case(officers, cases, api, who):
    since = last_id()

    response = api(officers[who]).get("/api/cases/")

    assert response.status_code == 200
    listed = {item["commune"]["code"] for item in response.json()["results"]}
    assert listed == SEES[who]
    assert response.json()["results"][0]["child"]["name"] == CHILD_NAME
    shown = {cases[code].pk for code in SEES[who]}
    assert sorted(new_events(since)) == sorted(("read", pk, "api list") for pk in shown)


@pytest.mark.parametrize("who", AGGREGATES_ONLY)
def test_roles_without_case_records_get_a_404_from_every_record_endpoint(officers, cases, api, who):
    client = api(officers[who])
    since = last_id()
    code = cases["19903"].code

    answers = [
        client.get("/api/cases/"),
        client.get("/api/cases/tasks/"),
        client.get(f"/api/cases/{code}/"),
        client.get(f"/api/cases/{code}/steps/"),
        client.get(f"/api/cases/{code}/moves/"),
        client.post(
            f"/api/cases/{code}/steps/", {"step": "initial_assessment"}, content_type="application/json"
        ),
        client.post(f"/api/cases/{code}/moves/", {"commune_code": "19912"}, content_type="application/json"),
        client.post("/api/cases/", {"commune_code": "19903", "values": {}}, content_type="application/json"),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(CHILD_NAME not in a.content.decode() for a in answers)
    assert new_events(since) == []


def test_the_list_is_ordered_by_urgency_and_paginated_with_events_for_the_page_only(officers, register, api):
    manager = officers["manager"]
    now = timezone.now().replace(microsecond=0)
    recent = register(manager, "19903", received_at=now - datetime.timedelta(hours=1))  # due in 11 hours
    late = register(manager, "19912", received_at=now - datetime.timedelta(hours=20))  # overdue
    quiet = register(manager, "19750", received_at=now - datetime.timedelta(hours=2))
    do_record_step(manager, quiet, "initial_assessment", _assessment(now, "low"), {"findings": "Ổn định"})
    client = api(manager)
    since = last_id()

    first = client.get("/api/cases/", {"limit": 2})

    body = first.json()
    assert body["count"] == 3 and body["next"]
    assert [item["code"] for item in body["results"]] == [late.code, recent.code]
    assert body["results"][0]["overdue"] is True and body["results"][1]["overdue"] is False
    assert sorted(pk for _a, pk, _w in new_events(since)) == sorted([late.pk, recent.pk])
    rest = client.get("/api/cases/", {"limit": 2, "offset": 2}).json()["results"]
    assert [item["code"] for item in rest] == [quiet.code]


def _assessment(at: datetime.datetime, risk: str) -> dict:
    return {"assessed_at": at.isoformat(), "assessed_by": "Cán bộ (DEMO)", "verified": True, "risk": risk}


def test_the_list_filters_by_state_risk_harm_overdue_and_commune(officers, register, api):
    manager = officers["manager"]
    violence = register(manager, "19903")
    neglect = register(manager, "19912", harms=["neglect"])
    do_record_step(
        manager, neglect, "initial_assessment", _assessment(local(2024, 4, 25, 10), "high"), {"findings": "x"}
    )
    client = api(manager)

    def codes(**query) -> list[str]:
        response = client.get("/api/cases/", query)
        assert response.status_code == 200, response.json()
        return sorted(item["code"] for item in response.json()["results"])

    assert codes(harm="neglect") == [neglect.code]
    assert codes(risk="high") == [neglect.code]
    assert codes(risk="none") == [violence.code]
    assert codes(commune="19903") == [violence.code]
    assert codes(commune="478") == sorted([violence.code, neglect.code])
    assert codes(overdue="true") == sorted([violence.code, neglect.code])  # received in 2024: clocks ran out
    assert codes(overdue="false") == []
    assert codes(state="closed") == []
    assert codes(state="all") == sorted([violence.code, neglect.code])  # as the case list page writes it


def test_wrong_filter_values_are_a_400_naming_each_problem(officers, cases, api):
    since = last_id()

    response = api(officers["manager"]).get("/api/cases/", {"state": "x", "risk": "huge", "overdue": "maybe"})

    assert response.status_code == 400
    conflicts = response.json()["conflicts"]
    assert len(conflicts) == 3 and conflicts[0].startswith("state:")
    assert new_events(since) == []


def test_a_commune_outside_the_scope_is_the_same_404_as_a_missing_one(officers, cases, api):
    client = api(officers["commune"])

    outside = client.get("/api/cases/", {"commune": "19912"})
    missing = client.get("/api/cases/", {"commune": "99999"})

    assert (outside.status_code, missing.status_code) == (404, 404)
    assert outside.json()["conflicts"][0].replace("19912", "?") == missing.json()["conflicts"][0].replace(
        "99999", "?"
    )


# --- one case ----------------------------------------------------------------------------------------------


def test_a_case_opens_with_its_child_timeline_confidential_values_and_one_event(officers, cases, api):
    case = cases["19903"]
    since = last_id()

    response = api(officers["commune"]).get(f"/api/cases/{case.code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["child"]["name"] == CHILD_NAME and body["commune"]["code"] == "19903"
    (notified,) = body["timeline"]
    assert notified["step"] == "notification" and notified["form"] == "01"
    assert notified["secret_values"]["reporter_name"] == REPORTER_NAME
    assert notified["secret_values"]["description"] == NOTES
    assert [step["code"] for step in body["next_steps"]] == ["initial_assessment"]
    assert body["next_steps"][0]["overdue"] is True
    assert [(a, pk) for a, pk, _w in new_events(since)] == [("read", case.pk)]


@pytest.mark.parametrize("who", sorted(SEES))
def test_guessed_codes_outside_the_scope_are_the_same_404_body_as_missing_ones(officers, cases, api, who):
    client = api(officers[who])
    since = last_id()
    missing = client.get(f"/api/cases/{MISSING}/")

    for commune, case in cases.items():
        if commune in SEES[who]:
            continue
        for suffix in ["", "steps/", "moves/"]:
            got = client.get(f"/api/cases/{case.code}/{suffix}")
            posted = client.post(
                f"/api/cases/{case.code}/{suffix or 'steps/'}", {}, content_type="application/json"
            )
            assert (got.status_code, posted.status_code) == (404, 404)
            assert got.content == missing.content == posted.content
    assert client.get("/api/cases/" + "9" * 80 + "/").content == missing.content
    assert new_events(since) == []


# --- writes ------------------------------------------------------------------------------------------------


def test_a_commune_officer_registers_a_notification_with_one_create_event(officers, api):
    since = last_id()
    body = {
        "commune_code": "19903",
        "values": notification(local(2024, 5, 2, 8, 30)),
        "secret_values": SECRET,
    }

    response = api(officers["commune"]).post("/api/cases/", body, content_type="application/json")

    assert response.status_code == 201, response.json()
    answer = response.json()
    case = Case.objects.get(code=answer["code"])
    assert response["Location"] == f"/api/cases/{case.code}/"
    assert answer["state"] == "open" and answer["last_step"] == "notification"
    assert "child" not in answer and REPORTER_NAME not in response.content.decode()
    assert [(a, pk) for a, pk, _w in new_events(since)] == [("create", case.pk)]


def test_an_invalid_notification_is_a_400_with_each_fields_problem_and_writes_nothing(officers, api):
    client = api(officers["commune"])
    since = last_id()
    values = notification(local(2024, 5, 2, 8, 30), harms=["flying"], child_age_estimate=40)

    bad_form = client.post(
        "/api/cases/",
        {"commune_code": "19903", "values": values, "secret_values": SECRET},
        content_type="application/json",
    )
    bad_shape = client.post(
        "/api/cases/", {"commune_code": "19903", "values": [1]}, content_type="application/json"
    )
    outside = client.post(
        "/api/cases/", {"commune_code": "19912", "values": notification(local(2024, 5, 2, 8))},
        content_type="application/json",
    )  # fmt: skip

    assert bad_form.status_code == 400 and set(bad_form.json()["problems"]) == {"harms", "child_age_estimate"}
    assert bad_shape.status_code == 400 and "values" in bad_shape.json()["problems"]
    assert outside.status_code == 400 and "19912" in outside.json()["conflicts"][0]
    assert Case.objects.count() == 0 and new_events(since) == []


def test_a_step_is_recorded_with_one_change_event_and_out_of_order_is_refused(officers, cases, api):
    case = cases["19903"]
    client = api(officers["commune"])
    since = last_id()
    assessed = {"step": "initial_assessment", "values": _assessment(local(2024, 4, 25, 15), "high"),
                "secret_values": {"findings": NOTES}}  # fmt: skip

    early = client.post(
        f"/api/cases/{case.code}/steps/",
        {"step": "support_plan", "values": {}},
        content_type="application/json",
    )
    done = client.post(f"/api/cases/{case.code}/steps/", assessed, content_type="application/json")

    assert early.status_code == 400 and "Chưa thể thực hiện" in early.json()["conflicts"][0]
    assert done.status_code == 201, done.json()
    answer = done.json()
    assert answer["record"]["step"] == "initial_assessment" and answer["record"]["is_late"] is True
    assert answer["case"]["risk"] == "high" and NOTES not in done.content.decode()
    assert [(a, pk) for a, pk, _w in new_events(since)] == [("change", case.pk)]
    steps = client.get(f"/api/cases/{case.code}/steps/").json()
    assert [record["step"] for record in steps["timeline"]] == ["notification", "initial_assessment"]
    assert steps["timeline"][1]["secret_values"] == {"findings": NOTES}
    assert "emergency_measure" in [step["code"] for step in steps["next_steps"]]


def test_a_case_moves_to_another_commune_and_its_moves_are_listed(officers, cases, api):
    case = cases["19903"]
    client = api(officers["district"])

    moved = client.post(
        f"/api/cases/{case.code}/moves/", {"commune_code": "19912"}, content_type="application/json"
    )
    again = client.post(
        f"/api/cases/{case.code}/moves/", {"commune_code": "19912"}, content_type="application/json"
    )
    moves = client.get(f"/api/cases/{case.code}/moves/")

    assert moved.status_code == 200 and moved.json()["commune"]["code"] == "19912"
    assert again.status_code == 400 and again.json()["conflicts"] == ["Trường hợp đã thuộc xã này."]
    assert [(m["moved_from"]["code"], m["moved_to"]["code"]) for m in moves.json()] == [("19903", "19912")]
    assert api(officers["commune"]).get(f"/api/cases/{case.code}/").status_code == 404


# --- tasks -------------------------------------------------------------------------------------------------


def test_the_task_list_shows_overdue_and_due_soon_cases_with_their_steps(officers, register, api):
    commune = officers["commune"]
    now = timezone.now().replace(microsecond=0)
    late = register(commune, "19903", received_at=now - datetime.timedelta(hours=13))
    soon = register(commune, "19903", received_at=now - datetime.timedelta(hours=1))
    client = api(commune)
    since = last_id()

    response = client.get("/api/cases/tasks/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["code"] for item in results] == [late.code, soon.code]
    assert [step["code"] for step in results[0]["due_steps"]] == ["initial_assessment"]
    assert results[0]["overdue"] is True and results[1]["overdue"] is False
    assert sorted(pk for _a, pk, _w in new_events(since)) == sorted([late.pk, soon.pk])
    assert [item["code"] for item in client.get("/api/cases/tasks/", {"hours": 5}).json()["results"]] == [
        late.code
    ]
    assert client.get("/api/cases/tasks/", {"hours": "x"}).status_code == 400


# --- the gate and the schema -------------------------------------------------------------------------------


def test_a_case_role_without_a_verified_second_factor_is_refused(officers, cases, client):
    client.force_login(officers["commune"])
    since = last_id()

    response = client.get("/api/cases/")

    assert response.status_code == 403 and new_events(since) == []


def test_anonymous_callers_are_refused(cases, client):
    assert client.get("/api/cases/").status_code == 401
    assert client.get("/api/case-counts/", {"by": "harm"}).status_code == 401


def test_the_openapi_schema_lists_every_case_route(officers, api):
    response = api(officers["leader"]).get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/cases/"])
    assert {"get", "post"} <= set(paths["/api/cases/{code}/steps/"])
    assert {"get", "post"} <= set(paths["/api/cases/{code}/moves/"])
    assert "get" in paths["/api/cases/{code}/"] and "get" in paths["/api/cases/tasks/"]
    assert "get" in paths["/api/case-counts/"]


def test_a_token_made_after_the_second_factor_reads_cases_and_an_older_one_does_not(officers, cases, client):
    commune, district = officers["commune"], officers["district"]
    old = Token.objects.create(user=district)
    ensure_totp_device(commune)
    ensure_totp_device(district)
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=1))
    new = Token.objects.create(user=commune)
    since = last_id()

    fresh = client.get("/api/cases/", HTTP_AUTHORIZATION=f"Token {new.key}")
    stale = client.get("/api/cases/", HTTP_AUTHORIZATION=f"Token {old.key}")

    assert fresh.status_code == 200 and [i["code"] for i in fresh.json()["results"]] == [cases["19903"].code]
    assert stale.status_code == 403
    assert new_events(since) == [("read", cases["19903"].pk, "api list")]


def test_the_browsable_api_pages_answer_with_the_same_events(officers, cases, api):
    client = api(officers["commune"])
    case = cases["19903"]
    since = last_id()

    listed = client.get("/api/cases/", HTTP_ACCEPT="text/html")
    opened = client.get(f"/api/cases/{case.code}/", HTTP_ACCEPT="text/html")
    outside = client.get(f"/api/cases/{cases['19912'].code}/", HTTP_ACCEPT="text/html")

    assert (listed.status_code, opened.status_code, outside.status_code) == (200, 200, 404)
    assert [(a, pk) for a, pk, _w in new_events(since)] == [("read", case.pk), ("read", case.pk)]
