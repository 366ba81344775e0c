"""Reads in the admin site are logged: the change page of a case, a step record or a child writes one
READ access event (what "admin…"); the lists write none; no page shows the child's name."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.cases.models import AccessEvent, StepRecord

from .conftest import CHILD_NAME, NOTES, REPORTER_NAME


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN, "46", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def case(officers, register):
    return register(officers["manager"], "19903")


def reads(case) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(case_id=case.pk, action="read").values_list("actor_name", "what"))


def test_opening_a_case_in_the_admin_writes_one_read_event(admin_client, case):
    response = admin_client.get(f"/admin/cases/case/{case.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert CHILD_NAME not in html and REPORTER_NAME not in html
    events = AccessEvent.objects.filter(case_id=case.pk, action="read")
    assert [(e.what, e.case_code, e.child_id, e.province_code) for e in events] == [
        ("admin", case.code, case.child_id, "46")
    ]
    assert events[0].actor == response.wsgi_request.user


def test_opening_a_step_record_or_a_child_writes_one_read_event_for_its_case(admin_client, case):
    record = StepRecord.objects.get(case=case)

    assert admin_client.get(f"/admin/cases/steprecord/{record.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/cases/child/{case.child_id}/change/").status_code == 200

    assert sorted(what for _actor, what in reads(case)) == ["admin: child", "admin: step record"]
    html = admin_client.get(f"/admin/cases/steprecord/{record.pk}/change/").content.decode()
    assert NOTES not in html and REPORTER_NAME not in html


@pytest.mark.parametrize("model", ["case", "child", "steprecord", "accessevent"])
def test_the_lists_write_no_event_and_name_no_child(admin_client, case, model):
    before = AccessEvent.objects.count()

    response = admin_client.get(f"/admin/cases/{model}/")

    assert response.status_code == 200
    assert CHILD_NAME not in response.content.decode()
    assert AccessEvent.objects.count() == before


def test_a_missing_case_writes_nothing(admin_client, case):
    before = AccessEvent.objects.count()

    response = admin_client.get("/admin/cases/case/999999/change/")

    assert response.status_code == 302  # the admin sends a missing object back to its list
    assert AccessEvent.objects.count() == before


def test_the_access_log_cannot_be_changed_from_the_admin(admin_client, case):
    event = AccessEvent.objects.filter(case_id=case.pk).first()

    response = admin_client.post(f"/admin/cases/accessevent/{event.pk}/change/", {"what": "x"})
    deleted = admin_client.post(f"/admin/cases/accessevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403 and deleted.status_code == 403
    event.refresh_from_db()
    assert event.what != "x"


def test_opening_a_child_known_only_to_the_register_writes_one_read_event_on_the_child(
    admin_client, officers
):
    from treem.register.services import do_register_child

    child = do_register_child(officers["manager"], commune_code="19903", name=CHILD_NAME)
    before = AccessEvent.objects.count()

    response = admin_client.get(f"/admin/cases/child/{child.pk}/change/")

    assert response.status_code == 200 and CHILD_NAME not in response.content.decode()
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("id")
    assert (event.action, event.child_id, event.case_id, event.what) == (
        "read",
        child.pk,
        None,
        "admin: child",
    )


def test_figures_cannot_be_changed_in_the_admin_only_through_the_write_path(admin_client):
    # The one write path checks scope, report locks, rules and derived elements; an admin form would not.
    assert admin_client.get("/admin/indicators/datavalue/add/").status_code == 403
    listing = admin_client.get("/admin/indicators/datavalue/")
    assert listing.status_code == 200
    assert "/admin/indicators/datavalue/add/" not in listing.content.decode()
