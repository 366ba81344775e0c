"""The audit log page /nhat-ky/: coordinators and admins read their province's events, filter them, and
nobody else learns the page exists."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.core.audit import record_event
from treem.core.models import AuditAction, AuditEvent

URL = "/nhat-ky/"
BAD_FILTER = "Bộ lọc chưa hợp lệ"


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def hue_events(db) -> dict[str, AuditEvent]:
    """One event of each kind in Thừa Thiên Huế (46), each with its own object id."""
    return {
        action: record_event(
            action,
            object_kind="test",
            object_id=f"OBJ-{action}",
            province_code="46",
            summary=f"sự kiện {action}",
        )
        for action in AuditAction.values
    }


def page(client, user: User | None, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def test_a_coordinator_sees_every_kind_of_event_of_the_province(client, coordinator, hue_events):
    response = page(client, coordinator)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Nhật ký hoạt động</h1>" in html
    for action in hue_events:
        assert f"OBJ-{action}" in html
        assert str(AuditAction(action).label) in html


def test_another_provinces_events_are_not_shown(client, coordinator, hue_events):
    record_event(AuditAction.LOGIN, object_id="HA-NOI-SECRET", province_code="01", actor_name="hanoi-user")

    html = page(client, coordinator).content.decode()

    assert "HA-NOI-SECRET" not in html and "hanoi-user" not in html
    assert "HA-NOI-SECRET" not in page(client, coordinator, object_id="HA-NOI").content.decode()


def test_an_admin_of_the_province_reads_it_and_a_superuser_reads_every_province(
    client, make_user, hue_events
):
    record_event(AuditAction.LOGIN, object_id="HA-NOI-EVENT", province_code="01")

    admin_html = page(client, make_user(Role.ADMIN, "46")).content.decode()
    assert "OBJ-login" in admin_html and "HA-NOI-EVENT" not in admin_html

    superuser = User.objects.create_superuser("sieu-quan-tri", password="Mat-khau-thu-2023")
    super_html = page(client, superuser).content.decode()
    assert "OBJ-login" in super_html and "HA-NOI-EVENT" in super_html


@pytest.mark.parametrize(
    ("role", "unit", "agency"),
    [
        (Role.LEADER, "46", None),
        (Role.COMMUNE_OFFICER, "19750", None),
        (Role.DISTRICT_OFFICER, "478", "UBND-478"),
        (Role.AGENCY_REPORTER, None, "SYT"),
        (Role.PROVINCE_COORDINATOR, None, None),  # no area: no access
    ],
)
def test_other_roles_get_404(client, make_user, role, unit, agency):
    assert page(client, make_user(role, unit, agency)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/nhat-ky/")


def test_the_navigation_links_the_page_only_for_those_who_may_read_it(client, coordinator, make_user):
    client.force_login(coordinator)
    assert f'href="{URL}"' in client.get("/ke-hoach/", follow=True).content.decode()

    client.force_login(make_user(Role.LEADER, "46"))
    response = client.get("/ke-hoach/", follow=True)
    assert response.status_code == 200
    assert f'href="{URL}"' not in response.content.decode()


def test_times_are_shown_in_vietnam_time(client, coordinator, hue_events):
    when = timezone.localtime(hue_events[AuditAction.LOGIN].created_at, timezone.get_fixed_timezone(7 * 60))

    assert when.strftime("%d/%m/%Y %H:%M") in page(client, coordinator).content.decode()


def test_old_and_new_values_are_shown_compactly(client, coordinator):
    record_event(
        AuditAction.USER_ACCESS_CHANGE,
        object_id="can-bo-xa",
        province_code="46",
        old={"role": "commune_officer", "unit": "19750", "agency": None},
        new={"role": "district_officer", "unit": "478", "agency": None},
    )

    html = page(client, coordinator).content.decode()

    assert "role: commune_officer → district_officer; unit: 19750 → 478" in html
    assert "agency:" not in html  # unchanged keys are left out


def test_there_is_no_way_to_edit_or_delete_an_event(client, coordinator, hue_events):
    html = page(client, coordinator).content.decode()

    assert "/admin/core/auditevent/" not in html
    assert 'method="post"' not in html.split("<main>")[1]


# --- filters ------------------------------------------------------------------------------------------------


def shown(response) -> set[str]:
    html = response.content.decode()
    return {action for action in AuditAction.values if f"OBJ-{action}" in html}


def test_filter_by_action(client, coordinator, hue_events):
    assert shown(page(client, coordinator, action="lockout")) == {"lockout"}


def test_filter_by_actor_name_and_object_id(client, coordinator, hue_events):
    record_event(AuditAction.LOGIN, object_id="OBJ-by-nguyen", province_code="46", actor_name="nguyen.van.an")

    by_actor = page(client, coordinator, actor="NGUYEN").content.decode()
    assert "OBJ-by-nguyen" in by_actor and "OBJ-login" not in by_actor
    assert shown(page(client, coordinator, object_id="obj-plan_lo")) == {"plan_load"}  # not plan_issue


def test_filter_by_dates_in_both_formats(client, coordinator, hue_events):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    assert len(shown(page(client, coordinator, date_from=today.strftime("%d/%m/%Y")))) == len(
        AuditAction.values
    )
    assert len(shown(page(client, coordinator, date_to=today.isoformat()))) == len(AuditAction.values)
    assert shown(page(client, coordinator, date_to=yesterday.strftime("%d/%m/%Y"))) == set()
    assert (
        shown(page(client, coordinator, date_from=(today + datetime.timedelta(days=1)).isoformat())) == set()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31/02/2023"}, "Ngày không hợp lệ"),
        ({"date_to": "hôm qua"}, "Ngày không hợp lệ"),
        ({"date_from": "01/01/0001"}, "Năm phải từ 1900 đến 9998"),
        ({"date_from": "31/12/2023", "date_to": "01/01/2023"}, "phải sau hoặc bằng"),
        ({"action": "delete_everything"}, "Hành động không có trong danh sách"),
        ({"actor": "x" * 500}, "Người thực hiện"),
    ],
)
def test_bad_filter_input_shows_a_message_not_an_error(client, coordinator, hue_events, params, message):
    response = page(client, coordinator, **params)

    html = response.content.decode()
    assert response.status_code == 200
    assert BAD_FILTER in html and message in html
    assert shown(response) == set()


def test_pages_hold_fifty_events_and_keep_the_filters(client, coordinator):
    for n in range(60):
        record_event(AuditAction.LOGIN, object_id=f"PAGED-{n:02d}", province_code="46")

    first = page(client, coordinator, object_id="PAGED").content.decode()
    second = page(client, coordinator, object_id="PAGED", page="2").content.decode()

    assert first.count("PAGED-") == 50 and second.count("PAGED-") == 10
    assert "PAGED-59" in first and "PAGED-00" in second  # newest first
    assert "object_id=PAGED&amp;page=2" in first
    assert page(client, coordinator, page="không-phải-số").status_code == 200
