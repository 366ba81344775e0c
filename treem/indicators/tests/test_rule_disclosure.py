"""A write never tells the writer a derived count the small-count rule hides from them: a rule comparing a
derived figure (SPECIAL_CIRCUMSTANCES ≤ CHILDREN_TOTAL, the percent rule of the plan) is not checked for a
writer who does not see that unit's derived counts exactly, so neither its message nor whether it fails
(tried with 0, 1, 2 … in dry runs) gives the count away. Figures: test_disclosure_rule.derived_figures
(commune 0 has 3 children in special circumstances in 2026S1)."""

from __future__ import annotations

import json

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.disclosure import Reader

from .test_disclosure_rule import derived_figures

URL = "/api/dataValueSets"


@pytest.fixture
def figures(db):
    return derived_figures()


def total_children(commune: str, value: int) -> list[ValueInput]:
    return [ValueInput("CHILDREN_TOTAL", "default", commune, "2026S1", str(value), index=0)]


def test_dry_runs_of_a_writer_who_may_not_see_the_count_all_answer_alike(client, figures, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "474")
    client.force_login(officer)

    answers = []
    for value in range(6):
        body = json.dumps({"dataValues": [{"dataElement": "CHILDREN_TOTAL", "period": "2026S1",
                                           "orgUnit": figures[0], "value": str(value)}]})  # fmt: skip
        response = client.post(f"{URL}?dryRun=true", body, content_type="application/json")
        answers.append((response.status_code, response.json()["response"]["conflicts"]))

    assert answers == [(200, [])] * 6


def test_the_rule_still_holds_for_whoever_sees_the_count(figures):
    """The command line (no user: every figure) and a reader exact for the unit are refused below 3."""
    exact = Reader(case_path="46/", verified=True)  # the province: every unit under it
    for reader in (None, exact):
        refused = [
            bool(
                import_values(
                    total_children(figures[0], value),
                    user=None,
                    scope=EntryScope(True),
                    dry_run=True,
                    reader=reader,
                ).conflicts
            )
            for value in range(6)
        ]
        assert refused == [True, True, True, False, False, False]


def test_a_writer_not_exact_for_the_unit_writes_without_the_hidden_rule(figures, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "474")

    summary = import_values(total_children(figures[0], 1), user=officer)

    assert summary.conflicts == [] and summary.imported == 0 and summary.updated == 1
