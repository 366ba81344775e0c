"""Data values have no database foreign-key constraints (imports run faster without them); Django still
refuses to delete what values refer to."""

import pytest
from django.db.models import ProtectedError

from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataElement, DataValue, Period
from treem.units.models import AdministrativeUnit


@pytest.fixture
def one_value(db):
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "120")], user=None, scope=EntryScope(True)
    )
    assert summary.imported == 1
    return DataValue.objects.get()


def test_deleting_an_element_with_values_is_refused(one_value):
    with pytest.raises(ProtectedError):
        DataElement.objects.get(code="LIVE_BIRTHS").delete()
    assert DataValue.objects.filter(pk=one_value.pk).exists()


def test_deleting_a_period_or_unit_with_values_is_refused(one_value):
    with pytest.raises(ProtectedError):
        Period.objects.get(code="2023S1").delete()
    with pytest.raises(ProtectedError):
        AdministrativeUnit.objects.get(code="19750").delete()
    assert DataValue.objects.filter(pk=one_value.pk).exists()


def test_a_new_value_keeps_its_creation_in_history(one_value):
    [record] = one_value.history.all()
    assert (record.history_type, record.value) == ("+", one_value.value)


def test_a_value_for_a_unit_above_the_collection_level_is_refused(db):
    """Births are collected per commune; a district figure would be counted twice in the district's total."""
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "474", "2023S1", "1000", where="r1")],
        user=None,
        scope=EntryScope(True),
    )
    assert [(m.where, m.field) for m in summary.conflicts] == [("r1", "orgUnit")]
    assert "cấp xã" in summary.conflicts[0].text
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("raw", ["²", "١٢", "1²"])
def test_unicode_digits_are_a_clear_error_not_a_crash(db, raw):
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", raw)], user=None, scope=EntryScope(True)
    )
    assert [m.field for m in summary.conflicts] == ["value"]
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("code", ["2023\n", "٢٠٢٣", "2023S1 "])
def test_a_period_code_with_stray_characters_is_refused(db, code):
    summary = import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", code, "5")], user=None, scope=EntryScope(True)
    )
    assert [m.field for m in summary.conflicts] == ["period"]
    assert not Period.objects.filter(code=code).exists()


def test_a_dry_run_or_refused_import_creates_no_period(db):
    import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2031S1", "5")],
        user=None,
        scope=EntryScope(True),
        dry_run=True,
    )
    import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19750", "2032S1", "-5")], user=None, scope=EntryScope(True)
    )
    assert not Period.objects.filter(code__in=["2031S1", "2032S1"]).exists()


def test_reading_the_scorecard_or_evaluations_creates_no_period(client, make_user):
    client.force_login(make_user("province_coordinator", "46"))
    client.get("/bang-theo-doi/", {"period": "2077Q3"})
    client.get("/api/evaluations/", {"plan": "tth-2023", "period": "2088Q1"})
    assert not Period.objects.filter(code__in=["2077Q3", "2077Q2", "2088Q1"]).exists()


def test_taking_back_a_completion_mark_keeps_who_had_marked_it(make_user):
    from treem.indicators import services
    from treem.indicators.models import Completion
    from treem.units.models import Agency

    user = make_user("province_coordinator", "46")
    agency, unit = Agency.objects.get(code="SYT"), AdministrativeUnit.objects.get(code="474")
    services.mark_complete(user, agency, unit, "2023S1")
    services.unmark_complete(agency, unit, "2023S1")

    assert not Completion.objects.exists()
    assert [(h.history_type, h.completed_by_id) for h in Completion.history.order_by("history_date")] == [
        ("+", user.pk),
        ("-", user.pk),
    ]


def test_a_nul_character_in_an_imported_value_is_a_conflict_not_a_crash(db):
    summary = import_values(
        [
            ValueInput("LIVE_BIRTHS", "default", "197\x0050", "2023S1", "5", where="r1"),
            # the next two make every part of r2 already known good, so r2 takes the resolver's fast path
            ValueInput("LIVE_BIRTHS", "default", "19750", "2023S2", "5", where="fine"),
            ValueInput("NEONATAL_DEATHS", "default", "19750", "2023S1", "1", where="fine too"),
            ValueInput("LIVE_BIRTHS", "default", "19750", "2023S1", "5", comment="a\x00b", where="r2"),
        ],
        user=None,
        scope=EntryScope(True),
    )
    assert [m.where for m in summary.conflicts] == ["r1", "r2"]
    assert not DataValue.objects.exists()
