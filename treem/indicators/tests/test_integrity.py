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
