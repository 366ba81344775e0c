"""The case access log page (/ho-so/nhat-ky-truy-cap/): the coordinator and the administrator read their
province's events, newest first, filtered and paginated; every other role gets a 404; the page names no
child, changes nothing, and wrong filters show a message, never an error page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.cases.models import AccessEvent
from treem.cases.selectors import access_events_for, case_in_scope

from .conftest import CHILD_NAME, REPORTER_NAME

URL = "/ho-so/nhat-ky-truy-cap/"


@pytest.fixture
def events(officers, register):
    """Cases in 46 (19903, 19750) and 48 (20194), each registered, and the 19903 one read by its officer."""
    made = {
        "19903": register(officers["manager"], "19903").code,
        "19750": register(officers["manager"], "19750").code,
        "20194": register(officers["manager_48"], "20194").code,
    }
    officer = officers["commune"]
    case_in_scope(scope_for(officer), made["19903"], user=officer, what="case page")
    return made


def shown_codes(html: str) -> list[str]:
    return [part.split("</code>")[0] for part in html.split("<code>")[1:]]


@pytest.fixture
def admin_46(make_user):
    return make_user(Role.ADMIN, "46", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_coordinator_and_the_admin_read_their_provinces_events_newest_first(
    client, officers, admin_46, events, who
):
    client.force_login(officers["coordinator"] if who == "coordinator" else admin_46)

    response = client.get(URL)

    assert response.status_code == 200
    codes = shown_codes(response.content.decode())
    assert codes == [events["19903"], events["19750"], events["19903"]]  # the read, then the two creations


def test_the_other_provinces_coordinator_reads_only_its_own(client, make_user, events):
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"))

    codes = shown_codes(client.get(URL).content.decode())

    assert codes == [events["20194"]]


@pytest.mark.parametrize("who", ["leader", "manager", "national", "reporter", "district", "commune"])
def test_every_other_role_gets_the_404_of_a_missing_page(client, officers, main_of, events, who):
    client.force_login(officers[who])

    response = client.get(URL)

    assert response.status_code == 404
    assert main_of(response) == main_of(client.get("/ho-so/khong-co-trang-nay/x/y/"))


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_log_names_no_child_and_reading_it_writes_no_event(client, officers, events):
    client.force_login(officers["coordinator"])
    before = AccessEvent.objects.count()

    html = client.get(URL).content.decode()

    assert CHILD_NAME not in html and REPORTER_NAME not in html
    assert AccessEvent.objects.count() == before


def test_the_page_is_read_only(client, officers, events):
    client.force_login(officers["coordinator"])
    before = list(AccessEvent.objects.values_list("pk", "what"))

    assert client.post(URL, {"action": "read"}).status_code == 405
    assert client.delete(URL).status_code == 405
    assert list(AccessEvent.objects.values_list("pk", "what")) == before


def test_filters_by_user_case_code_and_action(client, officers, events):
    client.force_login(officers["coordinator"])
    officer = officers["commune"].username

    by_actor = shown_codes(client.get(URL, {"actor": officer[:12].upper()}).content.decode())
    by_code = shown_codes(client.get(URL, {"case_code": "19750"}).content.decode())
    by_action = shown_codes(client.get(URL, {"action": "read"}).content.decode())
    created = shown_codes(
        client.get(URL, {"action": "create", "case_code": events["19903"]}).content.decode()
    )

    assert by_actor == [events["19903"]]
    assert by_code == [events["19750"]]
    assert by_action == [events["19903"]]
    assert created == [events["19903"]]


def test_filters_by_dates_written_dd_mm_yyyy_both_days_included(client, officers, events):
    client.force_login(officers["coordinator"])
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    on_today = client.get(URL, {"date_from": f"{today:%d/%m/%Y}", "date_to": f"{today:%d/%m/%Y}"})
    until_yesterday = client.get(URL, {"date_to": f"{yesterday:%d/%m/%Y}"})

    assert len(shown_codes(on_today.content.decode())) == 3
    assert shown_codes(until_yesterday.content.decode()) == []


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"date_to": "hôm qua"}, "Ngày không hợp lệ"),
        ({"date_from": "01/01/0001"}, "Năm phải từ 1900 đến 9998"),
        ({"date_from": "02/01/2024", "date_to": "01/01/2024"}, "phải sau hoặc bằng"),
        ({"action": "delete"}, "Hành động không có trong danh sách"),
        ({"case_code": "x" * 500}, "Mã trường hợp"),
    ],
)
def test_wrong_filters_show_a_message_and_no_events(client, officers, events, query, message):
    client.force_login(officers["coordinator"])

    response = client.get(URL, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and shown_codes(html) == []


@pytest.mark.parametrize("page", ["2", "999", "abc", "-1", ""])
def test_pages_of_fifty_and_any_page_number_is_a_page(client, officers, events, page):
    officer = officers["commune"]
    for _ in range(50):
        case_in_scope(scope_for(officer), events["19903"], user=officer, what="case page")
    client.force_login(officers["coordinator"])

    response = client.get(URL, {"page": page})

    assert response.status_code == 200
    shown = len(shown_codes(response.content.decode()))
    # 53 events: 50, then 3; a number past either end gives the last page, anything else the first
    assert shown == (3 if page in ("2", "999", "-1") else 50)


def test_the_selector_reads_nothing_for_scopes_that_may_not_read_audit_logs(officers, events):
    assert access_events_for(scope_for(officers["leader"])).count() == 0
    assert access_events_for(scope_for(officers["national"])).count() == 0
    assert access_events_for(scope_for(officers["coordinator"])).count() == 3
