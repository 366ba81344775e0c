"""Nothing is lost or misattributed (issue 7, item 4): an unchanged value stays untouched, a comment is kept
unless it is itself edited, and the stored-by user is the one who last changed the value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from treem.accounts.models import Role, User
from treem.indicators.datavalues import ValueInput, import_values, save_cell
from treem.indicators.models import DataValue

UNIT = "19750"  # Phường Tây Lộc, district 474


@pytest.fixture
def alice(make_user: Any) -> User:
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def bob(make_user: Any) -> User:
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def commented(alice: User) -> DataValue:
    """LIVE_BIRTHS = 400 with a comment, stored by Alice through a DHIS2-style import."""
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", UNIT, "2023S1", "400", "Trạm y tế phường Tây Lộc")],
        user=alice,
        check_outliers=False,
    )
    assert summary.imported == 1
    return DataValue.objects.get()


def test_an_input_without_a_comment_that_repeats_the_value_leaves_it_untouched(
    commented: DataValue, bob: User
) -> None:
    """An Excel template carries no comments: uploading it unchanged changes nothing at all."""
    before = DataValue.history.count()

    summary = import_values([ValueInput("LIVE_BIRTHS", "default", UNIT, "2023S1", 400)], user=bob)

    assert (summary.updated, summary.ignored) == (0, 1)
    value = DataValue.objects.get()
    assert (value.comment, value.stored_by_id, value.updated_at) == (
        "Trạm y tế phường Tây Lộc",
        commented.stored_by_id,
        commented.updated_at,
    )
    assert DataValue.history.count() == before


def test_a_grid_save_of_a_new_value_keeps_the_comment_and_takes_the_new_user(
    commented: DataValue, alice: User, bob: User
) -> None:
    summary = save_cell(bob, "LIVE_BIRTHS", "default", UNIT, "2023S1", "410")

    assert summary.updated == 1 and not summary.conflicts
    value = DataValue.objects.get()
    assert (value.value, value.comment, value.stored_by_id) == (
        Decimal(410),
        "Trạm y tế phường Tây Lộc",
        bob.pk,
    )
    latest = value.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and (latest.value, latest.history_user_id) == (Decimal(410), bob.pk)


def test_editing_only_the_comment_keeps_who_stored_the_value(
    commented: DataValue, alice: User, bob: User
) -> None:
    summary = save_cell(bob, "LIVE_BIRTHS", "default", UNIT, "2023S1", "400", comment="Đã đối chiếu sổ sinh")

    assert summary.updated == 1
    value = DataValue.objects.get()
    assert (value.value, value.comment, value.stored_by_id) == (
        Decimal(400),
        "Đã đối chiếu sổ sinh",
        alice.pk,
    )
    latest = value.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_user_id == bob.pk  # the history says who edited the comment


def test_an_explicit_empty_comment_clears_it(commented: DataValue, bob: User) -> None:
    """A DHIS2 row with `"comment": ""` says the comment is now empty."""
    summary = import_values([ValueInput("LIVE_BIRTHS", "default", UNIT, "2023S1", "400", "")], user=bob)

    assert summary.updated == 1
    assert DataValue.objects.get().comment == ""


def test_an_unchanged_batch_of_many_values_writes_no_history(alice: User, bob: User) -> None:
    """The reported case: 612 values with comments uploaded back unchanged became 612 updates."""
    from treem.units.models import AdministrativeUnit

    units = list(AdministrativeUnit.objects.filter(parent__code="474").values_list("code", flat=True))
    elements = ["LIVE_BIRTHS", "DEATHS_UNDER5"]
    rows = [(e, u, str(100 + i)) for i, u in enumerate(units) for e in elements]
    seeded = import_values(
        [ValueInput(e, "default", u, "2023S1", v, f"ghi chú {u}") for e, u, v in rows], user=alice
    )
    assert seeded.imported == len(rows)
    before = DataValue.history.count()

    again = import_values([ValueInput(e, "default", u, "2023S1", v) for e, u, v in rows], user=bob)

    assert (again.updated, again.ignored) == (0, len(rows))
    assert DataValue.history.count() == before
    assert set(DataValue.objects.values_list("stored_by_id", flat=True)) == {alice.pk}
    assert DataValue.objects.filter(comment="").count() == 0
