"""The case list by urgency (/ho-so/) and the task list (/ho-so/viec-can-lam/): who opens them, their order,
filters, pages and countdowns, and one access event per case shown."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case
from treem.cases.services import do_record_step
from treem.cases.views_list import PER_PAGE

from .conftest import local

HOUR = datetime.timedelta(hours=1)


def codes(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/ho-so/([^/"]+)/">', html)


@pytest.fixture
def signed_in(client):
    def sign(user):
        sign_in_with_factor(client, user)
        return client

    return sign


@pytest.fixture
def cases(officers, register):
    """In 19903: one 2 hours overdue, one due in 5 hours, one due in 3 days (all by the initial
    assessment's 12 hours or their next step), one closed-like without a clock; in 19912 one overdue."""
    now = timezone.now()
    late = register(officers["commune"], "19903", received_at=now - 14 * HOUR, child_name="Lê Văn Trễ")
    soon = register(
        officers["commune"],
        "19903",
        received_at=now - 7 * HOUR,
        child_name="Phan Thị Sớm",
        harms=["sexual_abuse"],
    )
    later = register(officers["commune"], "19903", received_at=now - 7 * HOUR, child_name="Võ Văn Sau")
    values = {"assessed_at": (now - HOUR).isoformat(), "assessed_by": "A", "verified": True, "risk": "low"}
    do_record_step(officers["commune"], later, "initial_assessment", values, {"findings": "ổn"})
    other = register(
        officers["commune_19912"], "19912", received_at=now - 13 * HOUR, child_name="Đỗ Văn Khác"
    )
    return {"late": late, "soon": soon, "later": Case.objects.get(pk=later.pk), "other": other}


@pytest.mark.parametrize("url", ["/ho-so/", "/ho-so/viec-can-lam/"])
@pytest.mark.parametrize("who", ["commune", "district", "manager"])
def test_case_roles_open_the_lists(officers, signed_in, url, who):
    assert signed_in(officers[who]).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/ho-so/", "/ho-so/viec-can-lam/"])
@pytest.mark.parametrize("who", ["leader", "reporter", "coordinator", "national"])
def test_other_roles_get_the_404_of_a_missing_page(officers, signed_in, main_of, cases, url, who):
    client = signed_in(officers[who])
    response = client.get(url)

    assert response.status_code == 404 and main_of(response) == main_of(client.get("/khong-co/"))
    assert "Lê Văn Trễ" not in response.content.decode()
    assert not AccessEvent.objects.filter(action="read").exists()


def test_the_list_orders_open_cases_by_urgency_within_the_scope(officers, signed_in, cases):
    html = signed_in(officers["commune"]).get("/ho-so/").content.decode()

    assert codes(html) == [cases["late"].code, cases["soon"].code, cases["later"].code]
    assert cases["other"].code not in html
    assert "Lê Văn Trễ" in html and "Phan Thị Sớm" in html
    assert "quá hạn 2 giờ" in html and re.search(r"còn (4 giờ 59|5 giờ 0) phút", html)
    assert html.count("is-overdue") == 1
    assert 'data-countdown data-due="' in html and "cases/countdown.js" in html


def test_the_district_sees_its_communes(officers, signed_in, cases):
    html = signed_in(officers["district"]).get("/ho-so/").content.decode()

    assert codes(html) == [cases["late"].code, cases["other"].code, cases["soon"].code, cases["later"].code]


def test_each_case_shown_writes_one_access_event(officers, signed_in, cases):
    signed_in(officers["district"]).get("/ho-so/")

    events = AccessEvent.objects.filter(what="case list", action="read")
    assert sorted(events.values_list("case_code", flat=True)) == sorted(c.code for c in cases.values())
    assert {event.actor_id for event in events} == {officers["district"].pk}
    assert {event.province_code for event in events} == {"46"}


def test_filters_by_risk_harm_code_and_state(officers, signed_in, cases):
    client = signed_in(officers["commune"])

    assert codes(client.get("/ho-so/?risk=low").content.decode()) == [cases["later"].code]
    assert codes(client.get("/ho-so/?harm=sexual_abuse").content.decode()) == [cases["soon"].code]
    assert codes(client.get(f"/ho-so/?code={cases['soon'].code[-4:]}").content.decode()) == [
        cases["soon"].code
    ]
    assert codes(client.get("/ho-so/?state=closed").content.decode()) == []
    assert len(codes(client.get("/ho-so/?state=all&risk=bogus&harm=x").content.decode())) == 3


def test_the_list_is_paginated(officers, signed_in, register):
    for _ in range(PER_PAGE + 2):
        register(officers["commune"], "19903", received_at=local(2024, 4, 25, 9))
    client = signed_in(officers["commune"])

    first, second = client.get("/ho-so/"), client.get("/ho-so/?trang=2")
    beyond = client.get("/ho-so/?trang=abc")

    assert len(codes(first.content.decode())) == PER_PAGE and len(codes(second.content.decode())) == 2
    assert "trang=2" in first.content.decode() and beyond.status_code == 200
    assert AccessEvent.objects.filter(what="case list").count() == PER_PAGE + 2 + PER_PAGE


def test_the_task_list_shows_overdue_and_coming_steps_with_links(officers, signed_in, cases):
    html = signed_in(officers["commune"]).get("/ho-so/viec-can-lam/").content.decode()

    overdue, soon = html.split('data-tasks="soon"')
    late, coming = cases["late"].code, cases["soon"].code
    assert f"/ho-so/{late}/buoc/initial_assessment/" in overdue and coming not in overdue
    assert f"/ho-so/{coming}/buoc/initial_assessment/" in soon
    assert "Kiểm tra, xác minh thông tin" in overdue and "quá hạn" in overdue and "còn" in soon
    assert cases["later"].code not in html  # its next clock (5 working days) is further than 24 hours
    assert cases["other"].code not in html
    assert set(AccessEvent.objects.filter(what="task list").values_list("case_code", flat=True)) == {
        late,
        coming,
    }


def test_an_empty_task_list_says_so(officers, signed_in):
    html = signed_in(officers["manager"]).get("/ho-so/viec-can-lam/").content.decode()

    assert "Không có bước nào quá hạn." in html
    assert not AccessEvent.objects.exists()


def test_the_lists_are_phone_friendly(officers, signed_in, cases):
    client = signed_in(officers["commune"])
    for url in ("/ho-so/", "/ho-so/viec-can-lam/"):
        html = client.get(url).content.decode()
        assert " style=" not in html and "<script>" not in html and "<table" not in html
        assert "cases/cases.css" in html
