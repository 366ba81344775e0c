"""Duplicate children: a new notification about a child already known is matched by name (with or without
diacritics) in the commune, by name and date of birth anywhere in the case scope, or by date of birth and
sex in the commune when the name is unknown; nothing outside the scope is ever offered or linked."""

from __future__ import annotations

import datetime

import pytest

from treem.accounts.policy import scope_for
from treem.cases.duplicates import child_in_scope, similar_children
from treem.cases.models import AccessEvent, Case, Child
from treem.cases.services import CaseError, do_register_notification
from treem.units.models import AdministrativeUnit

from .conftest import SECRET, local, notification

BORN = datetime.date(2015, 3, 2)


def commune(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code)


@pytest.fixture
def known(officers, register):
    """One child known in 19903 (named, born 02/03/2015) and one in Đà Nẵng's case scope."""
    here = register(officers["commune"], "19903", child_name="Nguyễn Văn An", child_birth_date="2015-03-02")
    there = register(
        officers["manager_48"], _commune_of_48(), child_name="Nguyễn Văn An", child_birth_date="2015-03-02"
    )
    return here.child, there.child


def _commune_of_48() -> str:
    return AdministrativeUnit.objects.filter(level="commune", path__startswith="48/").values_list(
        "code", flat=True
    )[0]


def test_a_name_without_diacritics_matches_the_same_name_with_them(officers, known):
    scope = scope_for(officers["commune"])

    found = similar_children(scope, name="nguyen  van AN", commune=commune("19903"))

    assert list(found) == [known[0]]


def test_a_different_name_in_the_commune_is_not_a_match(officers, known):
    scope = scope_for(officers["commune"])

    assert not similar_children(scope, name="Nguyễn Văn Ân Hai", commune=commune("19903")).exists()


def test_name_and_date_of_birth_match_anywhere_in_the_case_scope(officers, known):
    scope = scope_for(officers["district"])  # 478: 19903 and its neighbours
    neighbour = AdministrativeUnit.objects.filter(level="commune", path__startswith="46/478/").exclude(
        code="19903"
    )[0]

    assert list(similar_children(scope, name="Nguyen Van An", date_of_birth=BORN, commune=neighbour)) == [
        known[0]
    ]
    assert not similar_children(
        scope, name="Nguyen Van An", commune=neighbour
    ).exists()  # name alone: commune


def test_an_unknown_name_matches_by_date_of_birth_and_sex_in_the_commune(officers, register, known):
    scope = scope_for(officers["commune"])

    found = similar_children(scope, date_of_birth=BORN, sex="male", commune=commune("19903"))
    other_sex = similar_children(scope, date_of_birth=BORN, sex="female", commune=commune("19903"))

    assert list(found) == [known[0]] and not other_sex.exists()


def test_an_estimated_birth_year_far_from_the_known_one_is_not_a_match(officers, known):
    scope = scope_for(officers["commune"])

    near = similar_children(scope, name="Nguyen Van An", birth_year=2016, commune=commune("19903"))
    far = similar_children(scope, name="Nguyen Van An", birth_year=2019, commune=commune("19903"))

    assert near.exists() and not far.exists()


def test_a_child_outside_the_scope_is_never_offered(officers, known):
    for who in ("commune", "district", "manager"):
        scope = scope_for(officers[who])
        found = similar_children(scope, name="Nguyễn Văn An", date_of_birth=BORN, commune=commune("19903"))
        assert known[1] not in found
    assert not similar_children(
        scope_for(officers["leader"]), name="Nguyễn Văn An", date_of_birth=BORN
    ).exists()
    assert not similar_children(
        scope_for(officers["commune_19912"]), name="Nguyễn Văn An", date_of_birth=BORN
    ).exists()


def test_nothing_known_matches_nothing(officers, known):
    assert not similar_children(scope_for(officers["commune"]), commune=commune("19903")).exists()


@pytest.mark.parametrize("crafted", ["abc", "-1", "0", "99999999999999999999", None, "1.5"])
def test_crafted_child_ids_find_nothing(officers, known, crafted):
    assert child_in_scope(scope_for(officers["commune"]), crafted) is None


def test_a_linked_notification_opens_a_new_case_for_the_known_child(officers, known):
    moment = local(2024, 6, 3, 8, 0)
    values = notification(moment, child_name="Nguyen Van An", child_sex="", child_age_estimate=None)

    case = do_register_notification(
        officers["commune"], commune_code="19903", values=values, secret_values=SECRET, child=known[0]
    )

    assert case.child_id == known[0].pk and Child.objects.count() == 2
    assert Case.objects.filter(child=known[0]).count() == 2
    assert case.child.name == "Nguyễn Văn An"  # the known record keeps its own spelling
    event = AccessEvent.objects.get(case_id=case.pk, action="create")
    assert f"linked to child {known[0].pk}" in event.what


def test_a_linked_notification_fills_only_what_the_record_lacks(officers, register):
    partial = register(
        officers["commune"], "19903", child_name="", child_sex="", child_age_estimate=None
    ).child
    values = notification(
        local(2024, 6, 3, 8, 0), child_name="Lê Thị Hoa", child_sex="female", child_birth_date="2016-01-09"
    )

    do_register_notification(
        officers["commune"], commune_code="19903", values=values, secret_values=SECRET, child=partial
    )

    partial.refresh_from_db()
    assert (partial.name, partial.sex, partial.date_of_birth) == (
        "Lê Thị Hoa",
        "female",
        datetime.date(2016, 1, 9),
    )
    assert similar_children(
        scope_for(officers["commune"]), name="le thi hoa", commune=commune("19903")
    ).exists()


def test_linking_a_child_outside_the_scope_is_refused_like_a_missing_one(officers, known):
    values = notification(local(2024, 6, 3, 8, 0))

    with pytest.raises(CaseError) as outside:
        do_register_notification(
            officers["commune"], commune_code="19903", values=values, secret_values=SECRET, child=known[1]
        )
    with pytest.raises(CaseError) as missing:
        do_register_notification(
            officers["commune"],
            commune_code="19903",
            values=values,
            secret_values=SECRET,
            child=Child(pk=10**9),
        )

    assert outside.value.message == missing.value.message == "Không tìm thấy trẻ em trong phạm vi của bạn."
    assert Case.objects.count() == 2
