"""The register's services and selectors: each action writes what it says and one access event; a wrong
value is refused with the problem on its field; a child outside the actor's case scope is refused exactly
like a missing one; reads go through the selectors, one event per child opened."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from treem.cases.models import AccessEvent, Child
from treem.cases.tests import conftest as case_fixtures
from treem.core.crypto import blind_index
from treem.register import selectors, services
from treem.register.models import Circumstance, Support
from treem.register.services import RegisterError

officers = case_fixtures.officers
pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 1)


def scope(user):
    from treem.accounts.policy import scope_for

    return scope_for(user)


def events(child: Child) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(child_id=child.pk).order_by("id").values_list("action", "what"))


@pytest.fixture
def child(officers) -> Child:
    return services.do_register_child(
        officers["commune"], commune_code="19903", name="Hồ Thị Mai Anh", sex="female",
        date_of_birth=datetime.date(2018, 5, 2), ethnicity="01",
    )  # fmt: skip


def test_registering_a_child_keeps_its_name_sealed_and_writes_one_create_event(officers):
    made = services.do_register_child(
        officers["district"],
        commune_code="19912",
        name="  Lê Văn Tèo ",
        date_of_birth=datetime.date(2015, 1, 9),
    )

    stored = Child.objects.get(pk=made.pk)
    assert stored.name == "Lê Văn Tèo" and stored.commune.code == "19912"
    assert stored.name_index == blind_index("le van teo", purpose="child-name")
    assert events(stored) == [("create", "register: child")]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": " "}, "name"),
        ({"name": "A" * 201}, "name"),
        ({"ethnicity": "99"}, "ethnicity"),
        ({"disability": "very"}, "disability"),
        ({"household": "rich"}, "household"),
        ({"date_of_birth": datetime.date(2999, 1, 1)}, "date_of_birth"),
    ],
)
def test_a_wrong_detail_is_refused_on_its_field_and_nothing_is_written(officers, fields, field):
    before = (Child.objects.count(), AccessEvent.objects.count())

    with pytest.raises(RegisterError) as refused:
        services.do_register_child(
            officers["commune"], commune_code="19903", **({"name": "Nguyễn An"} | fields)
        )

    assert field in refused.value.problems
    assert (Child.objects.count(), AccessEvent.objects.count()) == before


@pytest.mark.parametrize("commune", ["19912", "20194", "99999", "478"])
def test_a_child_cannot_be_registered_outside_the_scope_or_in_a_unit_that_is_no_commune(officers, commune):
    with pytest.raises(RegisterError) as refused:
        services.do_register_child(officers["commune"], commune_code=commune, name="Nguyễn An")

    assert refused.value.message == "Không tìm thấy xã trong phạm vi của bạn."


def test_updating_the_details_writes_them_and_one_change_event(officers, child):
    services.do_update_child(officers["manager"], child, disability="severe", household="poor")

    stored = Child.objects.get(pk=child.pk)
    assert (stored.disability, stored.household, stored.ethnicity) == ("severe", "poor", "01")
    assert events(child)[-1] == ("change", "register: disability, household")


def test_a_child_outside_the_scope_is_refused_exactly_like_a_missing_one(officers, child):
    outsiders = [
        officers[role] for role in ("commune_19912", "district_474", "manager_48", "leader", "national")
    ]
    actions = [
        lambda actor, pk: services.do_update_child(actor, pk, household="poor"),
        lambda actor, pk: services.do_add_circumstance(actor, pk, group="orphan_both", started_on=DAY),
        lambda actor, pk: services.do_add_support(actor, pk, kind="care", started_on=DAY, provider="UBND xã"),
    ]
    before = (AccessEvent.objects.count(), Circumstance.objects.count(), Support.objects.count())
    for actor in outsiders:
        for action in actions:
            with pytest.raises(RegisterError) as outside:
                action(actor, child.pk)
            with pytest.raises(RegisterError) as missing:
                action(actor, 10**9)

            assert str(outside.value) == str(missing.value) == "Không tìm thấy trẻ em trong phạm vi của bạn."

    assert (AccessEvent.objects.count(), Circumstance.objects.count(), Support.objects.count()) == before


def test_a_circumstance_takes_its_kind_from_the_group_and_writes_one_change_event(officers, child):
    special = services.do_add_circumstance(officers["commune"], child, group="orphan_both", started_on=DAY)
    at_risk = services.do_add_circumstance(officers["commune"], child, group="parents_away", started_on=DAY)

    assert (special.kind, at_risk.kind) == ("special", "at_risk")
    assert special.recorded_by == officers["commune"]
    # The log names the record, never the group: the access log is read by roles that may not read it.
    assert events(child)[-2:] == [
        ("change", f"register: circumstance #{special.pk}"),
        ("change", f"register: circumstance #{at_risk.pk}"),
    ]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"group": "nobody"}, "group"),
        ({"started_on": datetime.date(2999, 1, 1)}, "started_on"),
        ({"ended_on": DAY - datetime.timedelta(days=1)}, "ended_on"),
    ],
)
def test_a_wrong_circumstance_is_refused_on_its_field(officers, child, fields, field):
    with pytest.raises(RegisterError) as refused:
        services.do_add_circumstance(
            officers["commune"], child, **({"group": "abandoned", "started_on": DAY} | fields)
        )

    assert field in refused.value.problems
    assert not Circumstance.objects.filter(child=child).exists()


def test_the_same_group_twice_over_the_same_time_is_refused_but_after_its_end_it_may_start_again(
    officers, child
):
    first = services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    with pytest.raises(RegisterError) as refused:
        services.do_add_circumstance(
            officers["commune"], child, group="abandoned", started_on=DAY.replace(day=20)
        )
    services.do_end_circumstance(officers["commune"], first, DAY.replace(day=10))

    again = services.do_add_circumstance(
        officers["commune"], child, group="abandoned", started_on=DAY.replace(day=20)
    )

    assert refused.value.problems == {"group": "Trẻ em đã thuộc nhóm này trong khoảng thời gian đó."}
    assert again.started_on == DAY.replace(day=20)


def test_ending_a_circumstance_keeps_the_day_and_refuses_a_day_before_its_start(officers, child):
    row = services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    with pytest.raises(RegisterError) as refused:
        services.do_end_circumstance(officers["commune"], row, DAY - datetime.timedelta(days=1))

    services.do_end_circumstance(officers["district"], row, DAY.replace(day=15))

    assert "ended_on" in refused.value.problems
    assert Circumstance.objects.get(pk=row.pk).ended_on == DAY.replace(day=15)
    assert events(child)[-1] == ("change", f"register: circumstance #{row.pk} ended")


def test_a_support_is_written_with_its_amount_and_provider(officers, child):
    support = services.do_add_support(
        officers["commune"], child, kind="social_assistance", started_on=DAY, amount=Decimal(540000),
        provider=" Phòng Lao động - TBXH ", decision="123/QĐ-UBND",
    )  # fmt: skip

    stored = Support.objects.get(pk=support.pk)
    assert (stored.amount, stored.provider, stored.decision) == (
        Decimal(540000),
        "Phòng Lao động - TBXH",
        "123/QĐ-UBND",
    )
    assert events(child)[-1] == ("change", f"register: support #{support.pk}")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "cash"}, "kind"),
        ({"provider": "  "}, "provider"),
        ({"provider": "x" * 201}, "provider"),
        ({"amount": Decimal(-1)}, "amount"),
        ({"amount": Decimal(10) ** 14}, "amount"),
        ({"decision": "9" * 101}, "decision"),
        ({"ended_on": DAY - datetime.timedelta(days=1)}, "ended_on"),
    ],
)
def test_a_wrong_support_is_refused_on_its_field(officers, child, fields, field):
    wanted = {"kind": "care", "started_on": DAY, "provider": "UBND xã"} | fields

    with pytest.raises(RegisterError) as refused:
        services.do_add_support(officers["commune"], child, **wanted)

    assert field in refused.value.problems
    assert not Support.objects.filter(child=child).exists()


def test_an_item_ended_by_someone_else_meanwhile_keeps_their_day(officers, child):
    row = services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    support = services.do_add_support(
        officers["commune"], child, kind="care", started_on=DAY, provider="UBND xã"
    )
    services.do_end_circumstance(officers["commune"], row, DAY.replace(day=10))
    services.do_end_support(officers["commune"], support, DAY.replace(day=10))

    with pytest.raises(RegisterError) as circumstance_refused:
        services.do_end_circumstance(officers["district"], row, DAY.replace(day=20))  # a stale page's object
    with pytest.raises(RegisterError) as support_refused:
        services.do_end_support(officers["district"], support, DAY.replace(day=20))

    assert "đã kết thúc ngày" in circumstance_refused.value.message
    assert "đã kết thúc ngày" in support_refused.value.message
    assert Circumstance.objects.get(pk=row.pk).ended_on == DAY.replace(day=10)
    assert Support.objects.get(pk=support.pk).ended_on == DAY.replace(day=10)


def test_a_circumstance_or_support_before_the_child_was_born_is_refused(officers, child):
    born = child.date_of_birth
    assert born is not None

    with pytest.raises(RegisterError) as circumstance:
        services.do_add_circumstance(
            officers["commune"], child, group="abandoned", started_on=born - datetime.timedelta(days=1)
        )
    with pytest.raises(RegisterError) as support:
        services.do_add_support(
            officers["commune"], child, kind="care", provider="UBND xã", started_on=datetime.date(1, 1, 1)
        )

    assert "started_on" in circumstance.value.problems
    assert "started_on" in support.value.problems


def test_ending_a_support_writes_the_day_and_one_change_event(officers, child):
    support = services.do_add_support(
        officers["commune"], child, kind="care", started_on=DAY, provider="UBND xã"
    )

    services.do_end_support(officers["manager"], support, DAY.replace(day=31))

    assert Support.objects.get(pk=support.pk).ended_on == DAY.replace(day=31)
    assert events(child)[-1] == ("change", f"register: support #{support.pk} ended")


# --- selectors ---------------------------------------------------------------------------------------------


def test_opening_a_child_writes_one_read_event_and_outside_the_scope_none(officers, child):
    services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    before = AccessEvent.objects.count()

    record = selectors.child_record(
        scope(officers["district"]), child.pk, user=officers["district"], what="test"
    )
    outside = selectors.child_record(
        scope(officers["district_474"]), child.pk, user=officers["district_474"], what="x"
    )
    crafted = selectors.child_record(
        scope(officers["district"]), "1 OR 1=1", user=officers["district"], what="x"
    )

    assert record is not None and [c.group for c in record.circumstances] == ["abandoned"]
    assert outside is None and crafted is None
    assert AccessEvent.objects.count() == before + 1
    assert events(child)[-1] == ("read", "test")


def test_an_item_of_another_child_is_not_found_and_leaves_no_event(officers, child):
    other = services.do_register_child(officers["manager"], commune_code="19912", name="Phan Văn Bình")
    theirs = services.do_add_support(
        officers["manager"], other, kind="care", started_on=DAY, provider="UBND xã"
    )
    before = AccessEvent.objects.count()

    found = selectors.support_record(
        scope(officers["manager"]), child.pk, theirs.pk, user=officers["manager"], what="x"
    )

    assert found is None and AccessEvent.objects.count() == before


def test_the_list_searches_the_whole_name_and_filters_by_commune_and_a_group_active_today(officers, child):
    other = services.do_register_child(officers["manager"], commune_code="19912", name="Phan Văn Bình")
    today = timezone.localdate()
    services.do_add_circumstance(officers["manager"], other, group="abandoned", started_on=DAY)
    ended = services.do_add_circumstance(officers["manager"], child, group="abandoned", started_on=DAY)
    services.do_end_circumstance(officers["manager"], ended, DAY.replace(day=9))
    services.do_add_support(officers["manager"], child, kind="care", started_on=today, provider="UBND xã")
    district = scope(officers["district"])

    def names(**wanted) -> list[str]:
        return [c.name for c in selectors.register_children(district, **wanted).object_list]

    assert names() == ["Phan Văn Bình", "Hồ Thị Mai Anh"]
    assert names(query="ho thi mai anh") == ["Hồ Thị Mai Anh"]
    assert names(query="Mai Anh") == []  # the blind index matches whole names only
    assert names(commune_code="19912") == ["Phan Văn Bình"]
    assert names(group="abandoned") == ["Phan Văn Bình"]  # the child's own group ended
    assert [(c.name, c.supported) for c in selectors.register_children(district).object_list] == [
        ("Phan Văn Bình", False),
        ("Hồ Thị Mai Anh", True),
    ]
    assert [c.name for c in selectors.register_children(scope(officers["commune_19912"])).object_list] == [
        "Phan Văn Bình"
    ]
    assert list(selectors.register_children(scope(officers["leader"])).object_list) == []
