"""Demo cases: every state of the procedure, some overdue, all DEMO, loaded through the services, idempotent."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.accounts.policy import scope_for
from treem.cases.selectors import case_counts, cases_for
from treem.demo.cases import CASES, CHILD_PREFIX, REPORTER

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load() -> str:
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load_demo", no_figures=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    output = load()
    manager = User.objects.get(username="truonghop")
    return output, list(cases_for(scope_for(manager)).select_related("child", "commune"))


def test_loading_the_demo_twice_adds_no_case(demo):
    output, cases = demo

    again = load()

    manager = User.objects.get(username="truonghop")
    assert len(cases) == len(CASES)
    assert cases_for(scope_for(manager)).count() == len(CASES)
    assert f"{len(CASES)} tạo mới" in output
    assert f"0 tạo mới, {len(CASES)} không đổi" in again


def test_every_step_of_the_procedure_and_both_states_are_present(demo):
    _, cases = demo
    steps = {step for case in cases for step in case.records.values_list("step", flat=True)}
    last_steps = {case.last_step for case in cases}

    assert steps == {
        "notification", "initial_assessment", "emergency_measure", "detailed_assessment", "support_plan",
        "plan_approval", "service_referral", "follow_up", "review", "closure",
    }  # fmt: skip
    assert {"notification", "initial_assessment", "emergency_measure", "detailed_assessment",
            "support_plan", "service_referral", "follow_up", "review", "closure"} <= last_steps  # fmt: skip
    assert {case.state for case in cases} == {"open", "closed"}
    assert max(case.cycle for case in cases) == 2


def test_one_referral_is_accepted_and_one_refused(demo):
    _, cases = demo
    responses = {
        values["response"]
        for case in cases
        for values in case.records.filter(step="service_referral").values_list("values", flat=True)
    }

    assert responses == {"accepted", "refused"}


def test_some_cases_are_overdue_among_them_a_high_risk_one_past_twelve_hours(demo):
    _, cases = demo
    now = timezone.now()
    overdue = [case for case in cases if case.is_overdue(now)]
    running = [case for case in cases if case.risk == "high" and case.last_step == "initial_assessment"]

    assert len(overdue) >= 3
    assert any(c.risk == "high" and c.last_step == "initial_assessment" for c in overdue)
    assert any(not c.is_overdue(now) for c in running)  # the 12-hour clock still running
    assert any(r.is_late for case in cases for r in case.records.all())


def test_cases_lie_in_several_communes_of_three_districts_and_the_demo_officers_see_some(demo):
    _, cases = demo
    districts = {case.commune.parent_id for case in cases}
    communes = {case.commune_id for case in cases}

    assert len(districts) == 3 and len(communes) >= 6
    for username in ("xa", "huyen"):
        user = User.objects.get(username=username)
        assert user.role in (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)
        assert cases_for(scope_for(user)).exists()
    assert case_counts(scope_for(User.objects.get(username="huyen")), "overdue")["overdue"] >= 1


def test_every_case_is_demo_and_names_no_real_person(demo):
    _, cases = demo

    assert all(case.is_demo and case.child.is_demo for case in cases)
    assert {case.child.name for case in cases} == {CHILD_PREFIX + spec.key for spec in CASES}
    for case in cases:
        notification = case.records.get(step="notification")
        assert json.loads(notification.secret)["reporter_name"] == REPORTER
        for record in case.records.all():
            people = [v for k, v in record.values.items() if k.endswith("_by") or k == "approver"]
            assert all(str(person).startswith("DEMO") for person in people)


def test_names_are_encrypted_in_the_database(demo):
    _, cases = demo
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_child WHERE id = %s", [cases[0].child_id])
        stored = cursor.fetchone()[0]

    assert CHILD_PREFIX not in stored


def test_demo_case_users_get_the_published_totp_key_and_can_open_a_case(demo, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from treem.accounts.testing_otp import code_for_key
    from treem.demo.cases import DEMO_TOTP_KEY_BASE32, DEMO_TOTP_KEY_HEX

    output, cases = demo
    devices = TOTPDevice.objects.filter(user__username__in=["xa", "huyen", "truonghop"], confirmed=True)

    assert sorted(d.user.username for d in devices) == ["huyen", "truonghop", "xa"]
    assert {d.key for d in devices} == {DEMO_TOTP_KEY_HEX}
    assert DEMO_TOTP_KEY_BASE32 == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
    assert DEMO_TOTP_KEY_BASE32 in output
    assert code_for_key(DEMO_TOTP_KEY_HEX).isdigit()
