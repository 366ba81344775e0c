"""Figures derived from the register: registering, supporting and ending records changes the commune's
derived figure, and its district's and province's, with no figure typed."""

# ruff: noqa: F811  (the fixtures imported from derivation_helpers are test arguments)

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue
from treem.plans.evaluation import evaluate
from treem.register import derivation
from treem.register.services import (
    do_add_circumstance,
    do_add_support,
    do_end_circumstance,
    do_register_child,
)
from treem.units.models import AdministrativeUnit

from .derivation_helpers import (
    COMMUNE,
    DISTRICT,
    OTHER_COMMUNE,
    PERIOD,
    PROVINCE,
    YEAR,
    committed,  # noqa: F401  (fixture)
    day,
    derived_from_last_year,  # noqa: F401  (fixture)
    figure,
)

pytestmark = pytest.mark.usefixtures("derived_from_last_year")


@pytest.fixture
def manager(make_user):
    return make_user(Role.CASE_MANAGER, PROVINCE)


@pytest.fixture
def child(manager, committed):
    return committed(
        do_register_child,
        manager,
        commune_code=COMMUNE,
        name="Trẻ Thử Nghiệm",
        date_of_birth=day(5, 5, YEAR - 8),
    )


def test_a_child_in_a_special_circumstance_counts_in_its_commune_district_and_province(
    manager, child, committed
):
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 0  # the commune is written, as zero

    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", DISTRICT) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", PROVINCE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE, f"{YEAR}S1") == 1
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE, f"{YEAR}Q1") == 1


def test_a_child_in_two_groups_counts_once(manager, child, committed):
    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))
    committed(do_add_circumstance, manager, child, group="disabled", started_on=day(4, 1))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", PROVINCE) == 1


def test_a_child_at_risk_only_is_not_counted(manager, child, committed):
    committed(do_add_circumstance, manager, child, group="poor_household", started_on=day(3, 1))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 0


def test_support_counts_the_child_as_cared_for_and_the_scorecard_follows(manager, child, committed, plan):
    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))
    assert figure("SPECIAL_CIRCUMSTANCES_CARED", COMMUNE) == 0

    committed(do_add_support, manager, child, kind="care", started_on=day(6, 1), provider="UBND xã")

    assert figure("SPECIAL_CIRCUMSTANCES_CARED", COMMUNE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES_CARED", PROVINCE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES_CARED", COMMUNE, f"{YEAR}S1") == 1
    assert figure("SPECIAL_CIRCUMSTANCES_CARED", COMMUNE, f"{YEAR}Q1") == 0  # the support began in June
    [cared] = evaluate(
        plan,
        PERIOD,
        [AdministrativeUnit.objects.get(code=DISTRICT)],
        list(plan.indicators.filter(code="MT05-HCDB-TG")),
    )
    assert (cared.numerator, cared.denominator, cared.value) == (1, 1, 100)


def test_ending_the_circumstance_takes_the_child_off_the_figure(manager, child, committed):
    circumstance = committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 1

    committed(do_end_circumstance, manager, circumstance, day(11, 30))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 0
    assert figure("SPECIAL_CIRCUMSTANCES", PROVINCE) == 0
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE, f"{YEAR}Q3") == 1  # still in the group on 30/09


def test_a_child_of_16_or_more_on_the_as_of_day_is_not_counted(manager, committed):
    older = committed(
        do_register_child,
        manager,
        commune_code=COMMUNE,
        name="Trẻ Sắp Lớn",
        date_of_birth=day(7, 1, YEAR - 16),
    )
    committed(do_add_circumstance, manager, older, group="orphan_both", started_on=day(3, 1))

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE, f"{YEAR}Q1") == 1  # 15 on 31/03
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 0  # 16 on 1/7


def test_derived_values_keep_history_and_name_no_typing_user(manager, child, committed):
    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1))

    value = DataValue.objects.get(
        element__code="SPECIAL_CIRCUMSTANCES", unit__code=COMMUNE, period__code=PERIOD
    )
    assert value.value == 1 and value.stored_by is None
    history = list(value.history.order_by("history_date").values_list("value", "history_user_id"))
    assert history == [(Decimal(0), None), (Decimal(1), None)]


def test_entered_values_of_periods_before_since_stay(manager, child, committed):
    earlier = str(YEAR - 1)
    typed = import_values(
        [ValueInput("SPECIAL_CIRCUMSTANCES", "default", COMMUNE, earlier, "7")],
        user=None,
        scope=EntryScope(True),
    )
    assert not typed.conflicts

    committed(do_add_circumstance, manager, child, group="orphan_both", started_on=day(3, 1, YEAR - 1))
    call_command("derive_figures", "--all-periods-since", "--province", PROVINCE)

    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE, earlier) == 7
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 1


def test_the_command_computes_a_province_and_says_what_it_wrote(manager, child, capsys):
    # Records written without the receivers (as if a worker had been down): the command catches up.
    do_add_circumstance(manager, child, group="orphan_both", started_on=day(3, 1))

    call_command("derive_figures", "--period", PERIOD, "--province", PROVINCE)

    assert figure("SPECIAL_CIRCUMSTANCES", PROVINCE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", OTHER_COMMUNE) == 0  # every commune is written, zeros too
    assert "xã" in capsys.readouterr().out
    assert not DataValue.objects.filter(
        element__code="SPECIAL_CIRCUMSTANCES", unit__path__startswith="48/"
    ).exists()


def test_the_command_refuses_an_unknown_period_or_province():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("derive_figures", "--period", "2026X", "--province", "99")


def test_a_refused_commune_does_not_hold_back_the_others(manager, child):
    """The engine refuses one commune's derived value (the plan's percent indicator MT05-HCDB implies
    SPECIAL_CIRCUMSTANCES ≤ CHILDREN_TOTAL, and 0 children were typed there); the rest of the province
    updates and the refusal is named."""
    typed = import_values(
        [ValueInput("CHILDREN_TOTAL", "default", COMMUNE, PERIOD, "0")], user=None, scope=EntryScope(True)
    )
    assert not typed.conflicts
    do_add_circumstance(manager, child, group="orphan_both", started_on=day(3, 1))  # receivers not run
    other = do_register_child(
        manager, commune_code=OTHER_COMMUNE, name="Trẻ Khác", date_of_birth=day(1, 1, YEAR - 5)
    )
    do_add_circumstance(manager, other, group="orphan_both", started_on=day(3, 1))

    report = derivation.do_derive([PERIOD], province_codes=[PROVINCE])

    assert [r.commune for r in report.refused] == [COMMUNE]
    assert "SPECIAL_CIRCUMSTANCES, 19903, " in " ".join(report.refused[0].reasons)
    assert figure("SPECIAL_CIRCUMSTANCES", OTHER_COMMUNE) == 1
    assert figure("SPECIAL_CIRCUMSTANCES", COMMUNE) == 0
