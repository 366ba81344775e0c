"""The plan's pages: an agency's tasks, and how an agency's own officers reach them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client

from treem.accounts.models import Role
from treem.plans.models import Plan

MINE = "/ke-hoach/nhiem-vu-cua-toi/"


def cooperating_codes(html: str) -> list[str]:
    section = html.split("Nhiệm vụ phối hợp", 1)[1] if "Nhiệm vụ phối hợp" in html else ""
    return re.findall(r'<li data-task="([^"]+)"', section)


def owed_codes(html: str) -> list[str]:
    return re.findall(r'<div class="task card" data-task="([^"]+)"', html)


def test_an_agencys_own_lead_task_is_not_listed_again_among_those_it_cooperates_on(
    client: Client, plan: Plan, make_user: Callable[..., Any]
) -> None:
    """IV.5.a is led by Sở Y tế "phối hợp với các Sở, ban, ngành": a group Sở Y tế belongs to."""
    client.force_login(make_user(Role.LEADER, "46"))

    html = client.get("/ke-hoach/tth-2023/co-quan/SYT/").content.decode()

    assert "IV.5.a" in owed_codes(html)
    assert "IV.5.a" not in cooperating_codes(html)
    assert not set(owed_codes(html)) & set(cooperating_codes(html))


def test_a_district_officer_reaches_its_own_tasks_from_the_navigation(
    client: Client, plan: Plan, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"))

    home = client.get("/bang-theo-doi/").content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', home, re.S)
    assert nav and f'href="{MINE}"' in nav.group(0)

    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == "/ke-hoach/tth-2023/co-quan/UBND-478/"
    html = client.get(response["Location"]).content.decode()
    assert "IV.13.a" in owed_codes(html)  # given to the district People's Committees, each of them


def test_an_agency_reporter_reaches_its_agency_and_province_wide_roles_get_the_plan(
    client: Client, plan: Plan, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user(Role.AGENCY_REPORTER, None, "SYT"))
    assert client.get(MINE)["Location"] == "/ke-hoach/tth-2023/co-quan/SYT/"

    client.force_login(make_user(Role.LEADER, "46"))
    assert f'href="{MINE}"' not in client.get("/bang-theo-doi/").content.decode()  # every agency: the plan
    assert client.get(MINE)["Location"] == "/ke-hoach/"


def test_a_commune_officer_has_no_agency_tasks(
    client: Client, plan: Plan, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user(Role.COMMUNE_OFFICER, "19903"))

    assert f'href="{MINE}"' not in client.get("/bang-theo-doi/").content.decode()
    assert client.get(MINE).status_code == 404
