"""Cases follow today's tree: after the 2025 reform the intake offers only the communes that exist today,
and a commune code names today's version (2025 phường Thuận An, not the 2023 commune 19900)."""

from __future__ import annotations

import re

import pytest

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import Case
from treem.cases.services import CaseError, do_register_notification
from treem.units.testing_reform import build_reform_trees, user_at

from .conftest import SECRET, local, notification
from .test_intake_pages import URL, posted


@pytest.fixture
def trees(db):
    return build_reform_trees()


@pytest.fixture
def manager(trees):
    return user_at(Role.CASE_MANAGER, trees.province)


def test_the_intake_offers_only_the_communes_that_exist_today(client, manager, trees):
    sign_in_with_factor(client, manager)

    html = client.get(URL).content.decode()

    assert sorted(re.findall(r'<option value="(\d+)"', html)) == sorted(u.code for u in trees.communes_2025)


def test_a_notification_today_goes_to_the_2025_commune_of_its_code(client, manager, trees):
    sign_in_with_factor(client, manager)

    response = client.post(URL, posted(commune="19900", received_at="2026-03-02T09:00"))

    assert response.status_code == 302
    assert Case.objects.get().commune == trees.commune_2025


def test_a_commune_that_no_longer_exists_is_refused_by_name(manager, trees):
    with pytest.raises(CaseError) as refused:
        do_register_notification(
            manager, commune_code="19750", values=notification(local(2026, 3, 2, 9, 0)), secret_values=SECRET
        )

    assert "Phường Tây Lộc (19750) không còn tồn tại từ ngày 01/07/2025" in refused.value.message


def test_a_notification_recorded_for_a_day_before_the_reform_goes_to_the_2023_commune(manager, trees):
    case = do_register_notification(
        manager,
        commune_code="19900",
        values=notification(local(2024, 4, 25, 9, 0)),
        secret_values=SECRET,
        at=local(2024, 4, 25, 9, 0),
    )

    assert case.commune == trees.commune_2023
