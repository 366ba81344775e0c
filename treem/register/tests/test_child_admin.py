"""The register in the admin site: read only, never the child's name, and opening a circumstance or a
support writes one READ access event on its child; the lists write none."""

from __future__ import annotations

import datetime

import pytest

from treem.accounts.models import Role
from treem.cases.models import AccessEvent
from treem.cases.tests import conftest as case_fixtures
from treem.register import services

officers = case_fixtures.officers
NAME = "Hồ Thị Mai Anh"
DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN, "46", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records(officers):
    child = services.do_register_child(officers["commune"], commune_code="19903", name=NAME)
    circumstance = services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    support = services.do_add_support(
        officers["commune"], child, kind="care", started_on=DAY, provider="UBND xã"
    )
    return child, circumstance, support


@pytest.mark.parametrize(
    "model, what", [("circumstance", "admin: circumstance"), ("support", "admin: support")]
)
def test_opening_a_record_in_the_admin_writes_one_read_event_on_its_child(admin_client, records, model, what):
    child, circumstance, support = records
    pk = circumstance.pk if model == "circumstance" else support.pk
    before = AccessEvent.objects.count()

    response = admin_client.get(f"/admin/register/{model}/{pk}/change/")

    assert response.status_code == 200 and NAME not in response.content.decode()
    events = AccessEvent.objects.order_by("id")[before:]
    assert [(e.action, e.what, e.child_id, e.province_code) for e in events] == [
        ("read", what, child.pk, "46")
    ]


@pytest.mark.parametrize("model", ["circumstance", "support"])
def test_the_admin_lists_write_no_event_and_offer_no_change(admin_client, records, model):
    before = AccessEvent.objects.count()

    listed = admin_client.get(f"/admin/register/{model}/")
    added = admin_client.get(f"/admin/register/{model}/add/")

    assert listed.status_code == 200 and NAME not in listed.content.decode()
    assert added.status_code == 403
    assert AccessEvent.objects.count() == before
