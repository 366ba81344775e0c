"""The audit log: every service that changes something writes its event in the same transaction, sign-ins
are recorded, and the log cannot be changed or deleted from inside the application."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from treem.accounts.models import Role, User
from treem.accounts.policy import EntryScope
from treem.accounts.services import change_user_access
from treem.core.audit import jsonable, record_event
from treem.core.errors import InputErrors
from treem.core.models import AuditAction, AuditEvent, AuditLogIsAppendOnly
from treem.indicators import services as indicator_services
from treem.indicators.datavalues import ValueInput, import_values
from treem.indicators.models import DataValue
from treem.plans.services import load_plan
from treem.units.models import AdministrativeUnit, Agency

LOGIN = "/dang-nhap/"
PASSWORD = "Mat-khau-thu-2023"  # conftest.make_user's password
PLAN_FILE = settings.DATA_DIR / "plans" / "tth-2023.yaml"
ALL = EntryScope(True)


pytestmark = pytest.mark.usefixtures("fresh_axes")


@pytest.fixture(autouse=True)
def only_this_tests_events(db):
    """The session's set-up loads plans, which records events: the tests look at the events after them."""
    global FIRST_ID
    FIRST_ID = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


FIRST_ID = 1


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, id__gte=FIRST_ID).order_by("id"))


def add_hanoi_commune() -> None:
    """A commune of another province (Hà Nội, 01): the test database holds Thừa Thiên Huế's units only."""
    province = AdministrativeUnit.objects.create(code="01", name="Thành phố Hà Nội", level="province")
    district = AdministrativeUnit.objects.create(
        code="001", name="Quận Ba Đình", level="district", parent=province
    )
    AdministrativeUnit.objects.create(code="00004", name="Phường Trúc Bạch", level="commune", parent=district)


def births(unit: str, value: object, period: str = "2023S1") -> ValueInput:
    return ValueInput("LIVE_BIRTHS", "default", unit, period, value, where=f"{unit} {period}")


# --- value imports -----------------------------------------------------------------------------------------


def test_an_import_that_writes_records_one_event_with_its_counts(coordinator):
    summary = import_values([births("19750", "400"), births("19903", "600")], user=coordinator, scope=ALL)
    assert summary.imported == 2

    [event] = events(AuditAction.VALUE_IMPORT)
    assert event.actor == coordinator and event.actor_name == coordinator.username
    assert (event.object_kind, event.object_id, event.province_code) == ("dataValueSet", "2023S1", "46")
    assert event.new == {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0, "periods": ["2023S1"]}
    assert "2 mới" in event.summary
    assert event.scope.startswith("province_coordinator")


def test_updates_and_deletions_are_counted_and_an_unchanged_import_records_nothing(coordinator):
    import_values([births("19750", "400"), births("19903", "600")], user=coordinator, scope=ALL)
    import_values([births("19750", "400"), births("19903", "600")], user=coordinator, scope=ALL)
    assert len(events(AuditAction.VALUE_IMPORT)) == 1  # nothing written, nothing recorded

    import_values([births("19750", "410"), births("19903", "")], user=None, scope=ALL)

    last = events(AuditAction.VALUE_IMPORT)[-1]
    assert last.new["updated"] == 1 and last.new["deleted"] == 1 and last.new["imported"] == 0
    assert last.actor is None and last.actor_name == ""  # a command line import


def test_an_import_over_two_provinces_records_one_event_per_province(coordinator):
    add_hanoi_commune()
    import_values(
        [births("19750", "400"), births("19903", "600"), births("00004", "50")], user=None, scope=ALL
    )

    by_province = {e.province_code: e.new for e in events(AuditAction.VALUE_IMPORT)}
    assert set(by_province) == {"01", "46"}
    assert by_province["46"]["imported"] == 2
    assert by_province["01"]["imported"] == 1


def test_a_dry_run_and_a_failed_import_write_no_event(coordinator):
    import_values([births("19750", "400")], user=coordinator, scope=ALL, dry_run=True)
    summary = import_values([births("19750", "400"), births("99999", "1")], user=coordinator, scope=ALL)

    assert summary.conflicts
    assert DataValue.objects.count() == 0
    assert events(AuditAction.VALUE_IMPORT) == []


def test_the_event_is_written_in_the_callers_transaction(coordinator):
    with pytest.raises(RuntimeError), transaction.atomic():
        import_values([births("19750", "400")], user=coordinator, scope=ALL)
        assert len(events(AuditAction.VALUE_IMPORT)) == 1
        raise RuntimeError("the caller fails after the import")

    assert DataValue.objects.count() == 0
    assert events(AuditAction.VALUE_IMPORT) == []


# --- completion marks ---------------------------------------------------------------------------------------


def test_marking_and_unmarking_completion_are_recorded(coordinator):
    agency, unit = Agency.objects.get(code="SYT"), AdministrativeUnit.objects.get(code="19750")

    indicator_services.mark_complete(coordinator, agency, unit, "2023S1")
    indicator_services.mark_complete(coordinator, agency, unit, "2023S1")  # already marked: no new event
    indicator_services.unmark_complete(agency, unit, "2023S1", user=coordinator)

    [mark] = events(AuditAction.COMPLETION_MARK)
    [unmark] = events(AuditAction.COMPLETION_UNMARK)
    for event in (mark, unmark):
        assert (event.object_kind, event.object_id) == ("completion", "SYT/19750/2023S1")
        assert event.province_code == "46" and event.actor == coordinator
    assert mark.old is None and mark.new["completed_by"] == coordinator.username
    assert unmark.new is None and unmark.old["completed_by"] == coordinator.username


# --- plan loads ---------------------------------------------------------------------------------------------


def test_loading_a_plan_records_its_counts(coordinator):
    load_plan(PLAN_FILE, actor=coordinator)

    [event] = events(AuditAction.PLAN_LOAD)
    assert (event.object_kind, event.object_id, event.province_code) == ("plan", "tth-2023", "46")
    assert set(event.new) == {"created", "updated", "retired"}
    assert event.actor == coordinator
    assert event.summary.startswith("Nạp kế hoạch tth-2023")


def test_a_failed_plan_load_records_nothing(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed\n", encoding="utf-8")

    with pytest.raises(InputErrors):
        load_plan(broken)

    assert events(AuditAction.PLAN_LOAD) == []


# --- user access -------------------------------------------------------------------------------------------


def test_changing_a_users_role_and_area_records_old_and_new(make_user, coordinator):
    user = make_user(Role.COMMUNE_OFFICER, "19750")
    district = AdministrativeUnit.objects.get(code="478")

    change_user_access(user, role=Role.DISTRICT_OFFICER, unit=district, agency=None, by=coordinator)

    user.refresh_from_db()
    assert (user.role, user.unit) == (Role.DISTRICT_OFFICER, district)
    [event] = events(AuditAction.USER_ACCESS_CHANGE)
    assert event.old == {"role": "commune_officer", "unit": "19750", "agency": None}
    assert event.new == {"role": "district_officer", "unit": "478", "agency": None}
    assert (event.object_id, event.province_code, event.actor) == (user.username, "46", coordinator)


def test_a_new_user_is_recorded_and_an_unchanged_access_is_not(coordinator):
    user = User(username="can-bo-moi")
    commune = AdministrativeUnit.objects.get(code="19903")

    change_user_access(user, role=Role.COMMUNE_OFFICER, unit=commune, agency=None, by=coordinator)
    change_user_access(user, role=Role.COMMUNE_OFFICER, unit=commune, agency=None, by=coordinator)

    [event] = events(AuditAction.USER_ACCESS_CHANGE)
    assert event.old is None and event.new["unit"] == "19903"
    assert User.objects.filter(username="can-bo-moi").exists()


def test_the_admin_site_saves_a_new_user_through_the_service(admin_client):
    commune = AdministrativeUnit.objects.get(code="19903")

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "xa-phu-thuan",
            "password1": "Bao-ve-tre-em-Hue-2023",
            "password2": "Bao-ve-tre-em-Hue-2023",
            "usable_password": "true",
            "role": Role.COMMUNE_OFFICER,
            "unit": commune.pk,
            "agency": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = events(AuditAction.USER_ACCESS_CHANGE)
    assert (event.object_id, event.province_code) == ("xa-phu-thuan", "46")
    assert event.actor.username == "admin"


# --- signing in ---------------------------------------------------------------------------------------------


def test_a_login_through_the_form_is_recorded_with_the_request_id_and_address(client, coordinator):
    response = client.post(LOGIN, {"username": coordinator.username, "password": PASSWORD})

    assert response.status_code == 302
    [event] = events(AuditAction.LOGIN)
    assert (event.actor, event.province_code, event.ip) == (coordinator, "46", "127.0.0.1")
    assert event.request_id == response["X-Request-ID"] and len(event.request_id) == 32

    client.post("/dang-xuat/")
    [logout] = events(AuditAction.LOGOUT)
    assert logout.actor == coordinator and logout.request_id != event.request_id


def test_a_safe_request_id_from_the_proxy_is_kept_and_an_unsafe_one_replaced(client, coordinator):
    kept = client.post(
        LOGIN,
        {"username": coordinator.username, "password": PASSWORD},
        headers={"X-Request-ID": "proxy-1234abcd"},
    )
    assert kept["X-Request-ID"] == "proxy-1234abcd"
    assert events(AuditAction.LOGIN)[0].request_id == "proxy-1234abcd"

    replaced = Client().get(LOGIN, headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    uuid.UUID(hex=replaced["X-Request-ID"])


def test_a_failed_login_is_recorded_with_the_attempted_name(client, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})
    # 200 characters: over 255, django-axes' own AccessAttempt row fails on PostgreSQL (not ours to fix here).
    client.post(LOGIN, {"username": "x" * 200, "password": "sai-mat-khau-123"})

    known, unknown = events(AuditAction.LOGIN_FAILED)
    assert (known.actor, known.actor_name, known.province_code) == (None, officer.username, "46")
    assert unknown.actor_name == "x" * 150 and unknown.province_code == ""


def test_five_failures_lock_the_account_and_the_lockout_is_recorded(client, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})
    assert events(AuditAction.LOCKOUT) == []

    client.post(LOGIN, {"username": officer.username, "password": "sai-mat-khau-123"})

    [lockout] = events(AuditAction.LOCKOUT)
    assert (lockout.actor_name, lockout.object_id, lockout.province_code) == (officer.username,) * 2 + ("46",)
    assert lockout.new == {"ip_address": "127.0.0.1"}
    assert len(events(AuditAction.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT


# --- the log cannot be changed ------------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted(coordinator):
    event = record_event(AuditAction.LOGIN, actor=coordinator, summary="đăng nhập")

    event.summary = "sửa"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="sửa")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["summary"])

    assert AuditEvent.objects.get(pk=event.pk).summary == "đăng nhập"


def test_deleting_a_user_keeps_their_events_under_their_name(coordinator):
    record_event(AuditAction.LOGIN, actor=coordinator)
    name = coordinator.username

    coordinator.delete()

    [event] = events(AuditAction.LOGIN)
    assert event.actor is None and event.actor_name == name


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        record_event("delete_everything")


def test_old_and_new_values_are_made_json_safe():
    assert jsonable(
        {"value": Decimal("9.50"), "day": datetime.date(2023, 6, 30), 3: {"a", "b"}, "t": (1, None)}
    ) == {"value": "9.50", "day": "2023-06-30", "3": ["a", "b"], "t": [1, None]}
    assert jsonable(datetime.datetime(2023, 6, 30, 8, 5)) == "2023-06-30T08:05:00"


def test_the_admin_site_shows_events_read_only(admin_client):
    event = record_event(AuditAction.LOGIN, object_id="OBJ-ADMIN", province_code="46", actor_name="ai-do")
    base = "/admin/core/auditevent/"

    assert "OBJ-ADMIN" in admin_client.get(base, {"q": "ai-do", "action": "login"}).content.decode()
    assert admin_client.get(f"{base}{event.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"{base}{event.pk}/change/", {"summary": "sửa"}).status_code == 403
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, summary="").exists()
