"""The record-change signal is sent after the commit, and once for a batch."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from treem.cases.signals import batched, child_records_changed, send_records_changed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def heard():
    calls: list[tuple[list[int], datetime.date]] = []

    def receiver(sender, commune_ids, since, **kwargs):
        calls.append((commune_ids, since))

    child_records_changed.connect(receiver, dispatch_uid="test-heard")
    yield calls
    child_records_changed.disconnect(dispatch_uid="test-heard")


def test_a_change_is_announced_after_its_transaction_commits(heard):
    with transaction.atomic():
        send_records_changed([3, 1], datetime.date(2026, 5, 1))
        assert heard == []
    assert heard == [([1, 3], datetime.date(2026, 5, 1))]


def test_a_rolled_back_change_is_never_announced(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_records_changed([1], datetime.date(2026, 5, 1))
        raise RuntimeError
    assert heard == []


def test_a_batch_announces_its_changes_once_with_the_earliest_day(heard):
    with batched():
        for day, commune in ((12, 2), (3, 1), (20, 2)):
            with transaction.atomic():
                send_records_changed([commune], datetime.date(2026, 5, day))
        with batched():  # a nested batch joins the outer one
            send_records_changed([7], datetime.date(2026, 6, 1))
        assert heard == []
    assert heard == [([1, 2, 7], datetime.date(2026, 5, 3))]


def test_a_batch_ending_in_an_error_still_announces_what_it_committed(heard):
    with pytest.raises(RuntimeError), batched():
        with transaction.atomic():
            send_records_changed([4], datetime.date(2026, 5, 1))
        raise RuntimeError
    assert heard == [([4], datetime.date(2026, 5, 1))]
