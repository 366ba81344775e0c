"""Sealed access to children's records: each role reads the cases of its own area only, guessed codes are
the same None as missing ones and leave no trace, each read leaves one access event, the log cannot be
changed, and names and notes are unreadable in the database."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from treem.accounts.policy import scope_for
from treem.cases.models import AccessEvent, AccessLogIsAppendOnly
from treem.cases.selectors import SUPPRESSED, case_counts, case_in_scope, cases_for
from treem.cases.services import do_move_case

from .conftest import CHILD_NAME, NOTES, REPORTER_NAME

COMMUNES = ["19903", "19912", "19750", "20194"]  # two of district 478, one of 474 (province 46), one of 48


@pytest.fixture
def cases(officers, register):
    """One case in each commune, registered by the province's case manager: code → commune code."""
    made = {}
    for code in COMMUNES:
        actor = officers["manager_48"] if code == "20194" else officers["manager"]
        made[code] = register(actor, code).code
    return made


SEES = {
    "commune": {"19903"},
    "commune_19912": {"19912"},
    "district": {"19903", "19912"},
    "district_474": {"19750"},
    "manager": {"19903", "19912", "19750"},
    "manager_48": {"20194"},
    "leader": set(),
    "reporter": set(),
    "coordinator": set(),
    "national": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_lists_the_cases_of_its_own_area_only(officers, cases, who):
    listed = {case.commune.code for case in cases_for(scope_for(officers[who]))}

    assert listed == SEES[who]


@pytest.mark.parametrize("who", sorted(SEES))
def test_guessed_codes_outside_the_area_are_none_and_leave_no_event(officers, cases, who):
    user = officers[who]
    before = AccessEvent.objects.count()

    for commune, code in cases.items():
        if commune not in SEES[who]:
            assert case_in_scope(scope_for(user), code, user=user, what="case page") is None
    assert case_in_scope(scope_for(user), "19903-2024-9999", user=user, what="case page") is None
    assert case_in_scope(scope_for(user), "", user=user, what="case page") is None

    assert AccessEvent.objects.count() == before


def test_a_successful_read_writes_exactly_one_access_event(officers, cases):
    user = officers["commune"]
    before = AccessEvent.objects.count()

    case = case_in_scope(scope_for(user), cases["19903"], user=user, what="case page: timeline")

    assert case is not None and case.code == cases["19903"]
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.first()
    assert (event.actor, event.action, event.case_id, event.child_id) == (
        user,
        "read",
        case.pk,
        case.child_id,
    )
    assert (event.what, event.province_code, event.case_code) == ("case page: timeline", "46", case.code)


def test_moving_a_case_changes_who_sees_it(officers, cases):
    old, new = officers["commune"], officers["commune_19912"]
    case = case_in_scope(scope_for(old), cases["19903"], user=old, what="move")

    do_move_case(old, case, "19912")

    assert case_in_scope(scope_for(old), case.code, user=old, what="page") is None
    assert case_in_scope(scope_for(new), case.code, user=new, what="page") is not None
    assert AccessEvent.objects.filter(
        case_id=case.pk, action="change", what__contains="19903 → 19912"
    ).exists()


def test_the_access_log_cannot_be_changed_or_deleted(officers, cases):
    event = AccessEvent.objects.first()

    with pytest.raises(AccessLogIsAppendOnly):
        AccessEvent.objects.all().update(what="")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessEvent.objects.all().delete()
    with pytest.raises(AccessLogIsAppendOnly):
        event.delete()
    event.what = "changed"
    with pytest.raises(AccessLogIsAppendOnly):
        event.save()
    assert not AccessEvent.objects.filter(what="changed").exists()


def _raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


def test_names_and_notes_are_not_readable_in_the_database(officers, cases):
    stored = _raw('SELECT "values", secret FROM cases_steprecord') + _raw(
        "SELECT name, name_index FROM cases_child"
    )
    stored += _raw("SELECT what FROM cases_accessevent")

    for plain in [CHILD_NAME, REPORTER_NAME, NOTES, "0912 345 678", "Nguyen Van Thu", "nguyen van thu"]:
        assert plain not in stored and json.dumps(plain)[1:-1] not in stored  # JSON escapes non-ASCII
    child = cases_for(scope_for(officers["commune"])).get().child
    assert child.name == CHILD_NAME and len(child.name_index) == 64


def test_counts_outside_case_management_suppress_small_numbers(officers, cases):
    leader = case_counts(scope_for(officers["leader"]), "harm")
    manager = case_counts(scope_for(officers["manager"]), "harm")
    national = case_counts(scope_for(officers["national"]), "harm")

    assert manager["violence"] == 3 and manager["neglect"] == 0
    assert leader["violence"] is SUPPRESSED and leader["neglect"] == 0
    assert national["violence"] is SUPPRESSED


def test_counts_of_an_area_outside_the_scope_are_empty(officers, cases):
    district = scope_for(officers["district"])

    assert case_counts(district, "risk", within="46/474/") == {}
    assert case_counts(district, "step", within="46/478/") == {"notification": 2}


def test_counts_show_small_numbers_when_the_threshold_allows(officers, cases, settings):
    settings.TREEM_SMALL_COUNT = 2

    assert case_counts(scope_for(officers["leader"]), "overdue") == {"overdue": 3, "on_time": 0}
