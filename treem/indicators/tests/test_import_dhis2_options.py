"""DHIS2's import options in the write engine (issue 12): importStrategy, atomicMode, the reader's rejected
rows, and the follow-up flag."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from treem.accounts.policy import EntryScope
from treem.indicators import locks
from treem.indicators.datavalues import ImportSummary, Message, ValueInput, import_values
from treem.indicators.models import DataValue

FULL = EntryScope(True)
UNIT = "19750"  # Phường Tây Lộc
PERIOD = "2023S1"


def value(element: str, raw: object, index: int | None = None, **fields: Any) -> ValueInput:
    fields = {"unit": UNIT, "combo": "default", "period": PERIOD, **fields}
    where = f"dataValues[{index}]" if index is not None else ""
    return ValueInput(
        element,
        fields.pop("combo"),
        fields.pop("unit"),
        fields.pop("period"),
        raw,
        where=where,
        index=index,
        **fields,
    )


def write(*inputs: ValueInput, **options: Any) -> ImportSummary:
    return import_values(list(inputs), user=None, scope=FULL, check_outliers=False, **options)


def stored() -> dict[str, Decimal]:
    """Element → value of the unit and period the tests write."""
    return dict(
        DataValue.objects.filter(unit__code=UNIT, period__code=PERIOD).values_list("element__code", "value")
    )


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    return (summary.imported, summary.updated, summary.ignored, summary.deleted)


def codes(summary: ImportSummary) -> list[tuple[str, str, list[int]]]:
    return [(c.object, c.code, c.indexes) for c in summary.conflicts]


@pytest.fixture
def births_stored(db: None) -> None:
    assert not write(value("LIVE_BIRTHS", "400"), value("NEONATAL_DEATHS", "3")).conflicts


# --- importStrategy ---------------------------------------------------------------------------------------


def test_create_adds_new_values_and_leaves_stored_ones_alone(births_stored: None) -> None:
    history = DataValue.history.count()

    summary = write(value("LIVE_BIRTHS", "410", 0), value("DEATHS_UNDER1", "4", 1), strategy="CREATE")

    assert counts(summary) == (1, 0, 1, 0) and summary.status == "SUCCESS" and not summary.conflicts
    assert summary.rejected_indexes == [0]  # as DHIS2: left alone, listed, without a conflict
    assert stored() == {"LIVE_BIRTHS": 400, "NEONATAL_DEATHS": 3, "DEATHS_UNDER1": 4}
    assert DataValue.history.count() == history + 1


def test_create_with_an_empty_value_deletes_nothing(births_stored: None) -> None:
    summary = write(value("LIVE_BIRTHS", "", 0), value("DEATHS_UNDER1", "", 1), strategy="CREATE")

    assert counts(summary) == (0, 0, 2, 0)
    assert summary.rejected_indexes == [0]  # the stored one; nothing to create for the other
    assert stored()["LIVE_BIRTHS"] == 400


def test_update_changes_stored_values_and_creates_none(births_stored: None) -> None:
    summary = write(value("LIVE_BIRTHS", "410", 0), value("DEATHS_UNDER1", "4", 1), strategy="UPDATE")

    assert counts(summary) == (0, 1, 1, 0) and summary.status == "SUCCESS"
    assert summary.rejected_indexes == [1]
    assert stored() == {"LIVE_BIRTHS": 410, "NEONATAL_DEATHS": 3}


def test_delete_removes_each_named_value_whatever_its_value_says(births_stored: None) -> None:
    summary = write(
        value("LIVE_BIRTHS", "999", 0),
        value("NEONATAL_DEATHS", "not a number", 1),
        value("DEATHS_UNDER1", "4", 2),  # not stored: nothing to delete
        strategy="DELETE",
    )

    assert counts(summary) == (0, 0, 1, 2) and not summary.conflicts
    assert summary.rejected_indexes == [2]
    assert stored() == {}
    assert DataValue.history.filter(history_type="-").count() == 2


def test_delete_still_refuses_what_the_user_may_not_touch(births_stored: None) -> None:
    summary = write(value("LIVE_BIRTHS", "", 0, unit="99999"), strategy="DELETE")

    assert codes(summary) == [("99999", "E7612", [0])]


def test_an_unknown_strategy_is_a_programming_error(db: None) -> None:
    with pytest.raises(ValueError, match="NEW_AND_UPDATES"):
        write(value("LIVE_BIRTHS", "1"), strategy="NEW_AND_UPDATES")


# --- atomicMode -------------------------------------------------------------------------------------------

MIXED = (
    ("LIVE_BIRTHS", "400", {}),
    ("NOT_AN_ELEMENT", "1", {}),
    ("NEONATAL_DEATHS", "3", {"unit": "99999"}),
    ("DEATHS_UNDER1", "many", {}),
)


def mixed() -> list[ValueInput]:
    return [value(element, raw, i, **fields) for i, (element, raw, fields) in enumerate(MIXED)]


def test_atomic_none_writes_the_valid_values_and_reports_the_others_with_their_indexes(db: None) -> None:
    summary = write(*mixed(), atomic=False)

    assert stored() == {"LIVE_BIRTHS": 400}
    assert counts(summary) == (1, 0, 0, 0)
    assert summary.import_count() == {"imported": 1, "updated": 0, "ignored": 3, "deleted": 0}
    assert summary.status == "WARNING"
    assert codes(summary) == [
        ("NOT_AN_ELEMENT", "E7610", [1]),
        ("99999", "E7612", [2]),
        ("DEATHS_UNDER1", "E7619", [3]),
    ]
    assert summary.rejected_indexes == [1, 2, 3]
    assert summary.as_dict()["rejectedIndexes"] == [1, 2, 3]


def test_atomic_all_writes_nothing_when_any_value_conflicts(db: None) -> None:
    summary = write(*mixed())

    assert stored() == {}
    assert counts(summary) == (0, 0, 0, 0)  # nothing is "unchanged" (the grid's and Excel's word)
    assert summary.import_count() == {"imported": 0, "updated": 0, "ignored": 4, "deleted": 0}  # DHIS2's
    assert summary.status == "ERROR"
    assert summary.rejected_indexes == [1, 2, 3]


def test_a_dry_run_with_atomic_none_counts_what_would_be_written_and_writes_nothing(db: None) -> None:
    summary = write(*mixed(), atomic=False, dry_run=True)

    assert counts(summary) == (1, 0, 0, 0) and summary.status == "WARNING"
    assert not DataValue.objects.exists()


def test_atomic_none_leaves_out_the_values_of_a_broken_rule(db: None) -> None:
    summary = write(
        value("NEONATAL_DEATHS", "10", 0),
        value("DEATHS_UNDER1", "5", 1),  # fewer infant deaths than neonatal ones: VR-TV-SS-1T
        value("LIVE_BIRTHS", "400", 2),
        atomic=False,
    )

    assert stored() == {"LIVE_BIRTHS": 400}
    assert codes(summary) == [("VR-TV-SS-1T", "TREEM_RULE", [0, 1])]
    assert summary.conflicts[0].where == "dataValues[1]"  # the first of the rule's elements by code
    assert summary.status == "WARNING"


def test_atomic_none_checks_the_rules_again_after_leaving_values_out(db: None) -> None:
    """Leaving out the values of one broken rule can break another: what is written breaks none."""
    assert not write(
        value("NEONATAL_DEATHS", "3"), value("DEATHS_UNDER1", "4"), value("DEATHS_UNDER5", "5")
    ).conflicts

    summary = write(
        value("NEONATAL_DEATHS", "8", 0),  # fine beside the new infant deaths (9), not beside the stored 4
        value("DEATHS_UNDER1", "9", 1),
        value("DEATHS_UNDER5", "7", 2),  # fewer than the new infant deaths: VR-TV-1T-5T
        value("LIVE_BIRTHS", "400", 3),
        atomic=False,
    )

    assert codes(summary) == [("VR-TV-1T-5T", "TREEM_RULE", [1, 2]), ("VR-TV-SS-1T", "TREEM_RULE", [0])]
    assert stored() == {"NEONATAL_DEATHS": 3, "DEATHS_UNDER1": 4, "DEATHS_UNDER5": 5, "LIVE_BIRTHS": 400}
    assert summary.rejected_indexes == [0, 1, 2]


def test_atomic_none_refuses_every_input_of_a_value_given_twice(db: None) -> None:
    summary = write(
        value("LIVE_BIRTHS", "400", 0),
        value("NEONATAL_DEATHS", "3", 1),
        value("LIVE_BIRTHS", "410", 2),
        atomic=False,
    )

    assert codes(summary) == [("LIVE_BIRTHS", "TREEM_DUPLICATE", [0, 2])]
    assert stored() == {"NEONATAL_DEATHS": 3}


def test_atomic_none_refuses_only_the_values_of_a_locked_cell(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from treem.indicators.models import DataElement

    neonatal = DataElement.objects.get(code="NEONATAL_DEATHS").pk

    def accepted(cells: list[locks.Cell]) -> dict[int, str]:
        return {i: "đã được chấp nhận" for i, cell in enumerate(cells) if cell.element_id == neonatal}

    monkeypatch.setattr(locks, "_sources", [accepted])

    summary = write(value("LIVE_BIRTHS", "400", 0), value("NEONATAL_DEATHS", "3", 1), atomic=False)

    assert codes(summary) == [(UNIT, "E7642", [1])]
    assert stored() == {"LIVE_BIRTHS": 400}


# --- the reader's rejected rows ---------------------------------------------------------------------------

READER_CONFLICT = Message(
    "dataValues[1]",
    "attributeOptionCombo",
    "chỉ nhận tổ hợp mặc định",
    object="abc123",
    code="E7615",
    indexes=[1],
)


def test_rows_the_reader_rejected_keep_an_atomic_import_out_and_come_first(db: None) -> None:
    summary = write(value("LIVE_BIRTHS", "400", 0), value("NOPE", "1", 2), rejected=[READER_CONFLICT])

    assert codes(summary) == [("abc123", "E7615", [1]), ("NOPE", "E7610", [2])]
    assert summary.status == "ERROR" and not DataValue.objects.exists()
    assert summary.import_count()["ignored"] == 3  # two inputs and the row the reader could not read


def test_rows_the_reader_rejected_are_only_reported_with_atomic_none(db: None) -> None:
    summary = write(value("LIVE_BIRTHS", "400", 0), rejected=[READER_CONFLICT], atomic=False)

    assert stored() == {"LIVE_BIRTHS": 400}
    assert summary.status == "WARNING" and summary.rejected_indexes == [1]
    assert summary.import_count() == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}


def test_nothing_but_rejected_rows_is_an_error(db: None) -> None:
    summary = write(rejected=[READER_CONFLICT], atomic=False)

    assert summary.status == "ERROR" and summary.rejected_indexes == [1]


# --- followup ---------------------------------------------------------------------------------------------


def followup_of(element: str = "LIVE_BIRTHS") -> bool:
    return DataValue.objects.get(element__code=element, unit__code=UNIT, period__code=PERIOD).followup


def test_a_new_value_takes_the_follow_up_flag_it_is_given(db: None) -> None:
    write(value("LIVE_BIRTHS", "400", followup=True), value("NEONATAL_DEATHS", "3"))

    assert followup_of("LIVE_BIRTHS") is True
    assert followup_of("NEONATAL_DEATHS") is False
    assert DataValue.history.get(element__code="LIVE_BIRTHS").followup is True


def test_an_input_without_a_flag_keeps_the_stored_one(db: None) -> None:
    write(value("LIVE_BIRTHS", "400", followup=True))

    summary = write(value("LIVE_BIRTHS", "400"))

    assert counts(summary) == (0, 0, 1, 0) and followup_of() is True


def test_changing_only_the_flag_is_an_update_with_history_and_keeps_who_stored_the_value(
    db: None, make_user: Any
) -> None:
    from treem.accounts.models import Role

    alice, bob = (make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH") for _ in range(2))
    import_values([value("LIVE_BIRTHS", "400", followup=True)], user=alice, check_outliers=False)

    same = import_values([value("LIVE_BIRTHS", "400", followup=True)], user=bob, check_outliers=False)
    cleared = import_values([value("LIVE_BIRTHS", "400", followup=False)], user=bob, check_outliers=False)

    assert counts(same) == (0, 0, 1, 0)
    assert counts(cleared) == (0, 1, 0, 0)
    dv = DataValue.objects.get()
    assert (dv.followup, dv.stored_by_id, dv.value) == (False, alice.pk, 400)
    assert [(h.followup, h.history_user_id) for h in dv.history.order_by("history_date", "history_id")] == [
        (True, alice.pk),
        (False, bob.pk),
    ]


def test_a_row_with_a_comment_and_no_value_notes_the_stored_value_and_never_deletes_it(db: None) -> None:
    """DHIS2 keeps comment-only rows; treem puts the comment on the stored figure, which stays."""
    stored_before = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "400")], user=None, scope=EntryScope(True)
    )
    assert stored_before.imported == 1

    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", None, "đã kiểm tra", index=0)],
        user=None,
        scope=EntryScope(True),
    )

    value = DataValue.objects.get(element__code="LIVE_BIRTHS", unit__code="19750")
    assert (summary.updated, summary.deleted, value.value, value.comment) == (1, 0, 400, "đã kiểm tra")


def test_a_comment_with_nothing_stored_is_ignored_with_a_warning(db: None) -> None:
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "", "ghi chú", index=0)],
        user=None,
        scope=EntryScope(True),
    )

    assert (summary.ignored, summary.conflicts, DataValue.objects.count()) == (1, [], 0)
    assert [w.field for w in summary.warnings] == ["comment"]


def test_the_delete_strategy_and_the_deleted_flag_still_delete_a_value_with_a_comment(db: None) -> None:
    import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "400")], user=None, scope=EntryScope(True)
    )

    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "", "xóa", index=0)],
        user=None,
        scope=EntryScope(True),
        strategy="DELETE",
    )

    assert (summary.deleted, DataValue.objects.count()) == (1, 0)
