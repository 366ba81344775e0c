"""Fixtures shared by the entry tests."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client
