"""Two recomputations of one commune do not interleave (PostgreSQL: a lock per commune, held from the counts
to the commit of the write). Without it, a recomputation could count before another request's change
committed and write after that request's own recomputation, leaving a stale figure until the nightly run.

These tests commit (pytest-django's `transactional_db`), so they load the units and the plan themselves;
the database is flushed after each."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from treem.cases.models import Child
from treem.indicators.models import DataElement
from treem.register import derivation
from treem.register.models import Circumstance, CircumstanceKind
from treem.units.models import AdministrativeUnit

from .derivation_helpers import COMMUNE, YEAR, day, figure

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: on SQLite each transaction holds the one write lock of the whole file",
)


@pytest.fixture
def engine_data(transactional_db: None, django_db_serialized_rollback: None) -> None:
    from conftest import PLAN_FILE

    call_command("load_units", verbosity=0)
    call_command("load_agencies", verbosity=0)
    call_command("load_plan", str(PLAN_FILE), verbosity=0)
    DataElement.objects.exclude(derived_rule="").update(derived_since=day(1, 1))


def in_special_circumstances(commune: AdministrativeUnit) -> None:
    """A child of 8 in a special circumstance from March (written directly: no recomputation follows)."""
    child = Child.objects.create(commune=commune, date_of_birth=day(5, 5, YEAR - 8))
    Circumstance.objects.create(
        child=child, kind=CircumstanceKind.SPECIAL, group="orphan_both", started_on=day(3, 1)
    )


def test_a_recomputation_waits_for_one_of_the_same_commune_and_counts_what_it_committed(engine_data):
    commune = AdministrativeUnit.objects.get(code=COMMUNE)
    in_special_circumstances(commune)
    holding, release = threading.Event(), threading.Event()

    def other_request() -> None:
        """Holds the commune's lock, as a recomputation does, and commits one more child when released."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s)", [derivation.commune_lock_key(commune.pk)]
                    )
                holding.set()
                release.wait(10)
                in_special_circumstances(commune)
        finally:
            connections.close_all()

    def recompute() -> None:
        try:
            derivation.do_derive_for_change([commune.pk], day(3, 1))
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_request)
    holder.start()
    assert holding.wait(10)
    waiting = threading.Thread(target=recompute)
    waiting.start()
    waiting.join(1.0)

    assert waiting.is_alive()  # it waits for the lock rather than counting now

    release.set()
    holder.join(10)
    waiting.join(60)
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 2  # counted after the other commit: both children
