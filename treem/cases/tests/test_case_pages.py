"""The case page, a step's form and moving a case (treem/cases/views_case.py), as each role meets them:
who opens a case and who gets the 404 of a missing one, one access event per view, the whole timeline
and its clocks, steps refused out of order and wrong input shown on the page, and a case that moves."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case, CaseState, StepRecord
from treem.cases.services import do_move_case

from .conftest import CHILD_NAME, NOTES, REPORTER_NAME, local
from .procedure_steps import THROUGH_CLOSURE, record

OPENS = ["commune", "district", "manager"]  # the case's commune, its district, the province
NOT_OPENS = ["commune_19912", "district_474", "manager_48", "leader", "reporter", "coordinator", "national"]


@pytest.fixture
def case(officers, register):
    """A case of Xã Phú Thuận (19903, district 478), registered on 25/04/2024 09:00: its clocks have run out."""
    return register(officers["commune"], "19903")


@pytest.fixture
def fresh(officers, register):
    """A case received an hour ago: its 12-hour clock is running."""
    received = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    return register(officers["commune"], "19903", received_at=received)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        sign_in_with_factor(client, user)
        return client

    return sign_in


def page_of(case: Case, suffix: str = "") -> str:
    return f"/ho-so/{case.code}/{suffix}"


def events(case: Case) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(case_id=case.pk).order_by("id").values_list("action", "what"))


# --- who opens the case page -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", OPENS)
def test_the_case_commune_district_and_province_case_manager_open_the_case_page(officers, case, as_user, who):
    response = as_user(officers[who]).get(page_of(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert case.code in html and CHILD_NAME in html and "Xã Phú Thuận" in html


@pytest.mark.parametrize("who", NOT_OPENS)
@pytest.mark.parametrize("suffix", ["", "buoc/initial_assessment/", "chuyen-xa/"])
def test_every_other_role_gets_the_same_404_as_a_missing_code(officers, case, as_user, main_of, who, suffix):
    client = as_user(officers[who])

    outside = client.get(page_of(case, suffix))
    missing = client.get(f"/ho-so/19903-2024-9999/{suffix}")

    assert outside.status_code == missing.status_code == 404
    assert main_of(outside) == main_of(missing)
    assert CHILD_NAME not in outside.content.decode()
    assert events(case) == [("create", events(case)[0][1])]  # only the registration's event


@pytest.mark.parametrize("who", NOT_OPENS)
def test_a_post_from_outside_changes_nothing(officers, case, as_user, who):
    client = as_user(officers[who])

    step = client.post(page_of(case, "buoc/initial_assessment/"), {"risk": "high"})
    move = client.post(page_of(case, "chuyen-xa/"), {"commune": "19912", "confirm": "yes"})

    assert step.status_code == move.status_code == 404
    case.refresh_from_db()
    assert case.records.count() == 1 and case.commune.code == "19903"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, case):
    for suffix in ["", "buoc/initial_assessment/", "chuyen-xa/"]:
        response = client.get(page_of(case, suffix))
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_case_officer_without_the_second_factor_is_asked_for_it_before_anything_is_read(
    client, officers, case
):
    client.force_login(officers["commune"])

    response = client.get(page_of(case))

    assert response.status_code == 302 and "/tai-khoan/xac-thuc/" in response["Location"]
    assert len(events(case)) == 1


@pytest.mark.parametrize("suffix", ["", "buoc/initial_assessment/", "chuyen-xa/"])
def test_each_view_of_a_case_page_writes_exactly_one_access_event(officers, case, as_user, suffix):
    client = as_user(officers["district"])
    before = len(events(case))

    client.get(page_of(case, suffix))
    client.get(page_of(case, suffix))

    added = events(case)[before:]
    assert [action for action, _what in added] == ["read", "read"]
    assert added[0][1] == {"": "case page", "buoc/initial_assessment/": "step form initial_assessment",
                           "chuyen-xa/": "move form"}[suffix]  # fmt: skip


# --- what the case page shows ----------------------------------------------------------------------------


def test_the_timeline_shows_every_record_oldest_first_with_labels_values_and_confidential_details(
    officers, case, as_user
):
    record(officers["commune"], case, "initial_assessment", local(2024, 4, 25, 15, 30))
    html = as_user(officers["commune"]).get(page_of(case)).content.decode()

    timeline = html[html.index('class="timeline"') :]
    assert timeline.index("Tiếp nhận thông tin, thông báo, tố giác") < timeline.index(
        "đánh giá nguy cơ ban đầu"
    )
    assert "(Mẫu số 01)" in timeline and "(Mẫu số 02)" in timeline
    assert "25/04/2024 09:00" in timeline and "25/04/2024 15:30" in timeline  # local time, dd/mm/yyyy HH:MM
    assert "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111" in timeline  # a choice by its label
    assert REPORTER_NAME in timeline and NOTES in timeline and "0912 345 678" in timeline  # decrypted
    assert "Trẻ có vết bầm ở tay" in timeline
    assert html.count('class="tag confidential"') >= 4
    assert "Cao" in html and "Bạo lực" in html and "khoảng năm 2015" in html
    assert f'href="/ho-so/{case.code}/in/' in html and ".docx" in html and ".pdf" in html


def test_a_high_risk_case_shows_the_12_hour_emergency_countdown(officers, fresh, as_user):
    record(
        officers["commune"], fresh, "initial_assessment", fresh.received_at + datetime.timedelta(minutes=30)
    )
    due = fresh.received_at + datetime.timedelta(hours=12)

    html = as_user(officers["commune"]).get(page_of(fresh)).content.decode()

    clock = re.search(r'data-due="([^"]+)"[^>]*>([^<]+)<', html)
    assert clock is not None
    assert datetime.datetime.fromisoformat(clock.group(1)) == due
    assert clock.group(2).startswith("còn 10 giờ") or clock.group(2).startswith("còn 11 giờ")
    assert "Áp dụng biện pháp khẩn cấp, tạm thời cách ly trẻ em — trong 12 giờ" in html
    assert f'href="/ho-so/{fresh.code}/buoc/emergency_measure/"' in html
    assert "is-overdue" not in html


def test_a_case_past_its_deadline_is_shown_overdue_and_late_steps_are_marked(officers, case, as_user):
    record(
        officers["commune"], case, "initial_assessment", local(2024, 4, 26, 8, 0)
    )  # after 21:00 on the 25th

    html = as_user(officers["commune"]).get(page_of(case)).content.decode()

    assert "is-overdue" in html and "quá hạn" in html
    assert html.count('class="tag late">trễ hạn<') == 1  # the assessment, recorded after its 12 hours
    assert "1 bước trễ hạn" in html
    assert f'class="button overdue" href="/ho-so/{case.code}/buoc/emergency_measure/"' in html


def test_a_closed_case_offers_no_step_and_no_move(officers, case, as_user):
    start = local(2024, 4, 25, 10, 0)
    for hour, step in enumerate(THROUGH_CLOSURE):
        record(officers["commune"], case, step, start + datetime.timedelta(hours=hour))

    html = as_user(officers["commune"]).get(page_of(case)).content.decode()

    assert "Đã kết thúc" in html and "data-move" not in html and "/buoc/" not in html
    assert "Kết thúc kế hoạch, đóng trường hợp" in html and "data-countdown" not in html


# --- recording a step ------------------------------------------------------------------------------------


def test_a_steps_form_shows_its_fields_with_the_procedures_labels(officers, case, as_user):
    response = as_user(officers["commune"]).get(page_of(case, "buoc/initial_assessment/"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu" in html and "(Mẫu số 02)" in html
    for name in ["assessed_at", "assessed_by", "verified", "risk", "findings"]:
        assert f'name="{name}"' in html
    assert 'data-confidential="true"' in html


def test_a_step_attempted_out_of_order_shows_the_procedures_reason(officers, case, as_user):
    client = as_user(officers["commune"])
    reason = (
        "Chưa thể thực hiện bước “Xây dựng kế hoạch hỗ trợ, can thiệp”: cần hoàn thành trước "
        "“Đánh giá nguy cơ chi tiết”."
    )

    shown = client.get(page_of(case, "buoc/support_plan/"))
    posted = client.post(page_of(case, "buoc/support_plan/"), {"prepared_by": "Cán bộ xã"})

    assert shown.status_code == 200 and posted.status_code == 409
    for response in (shown, posted):
        html = response.content.decode()
        assert reason in html and "data-refusal" in html and 'name="prepared_by"' not in html
    assert case.records.count() == 1


def test_a_step_the_risk_does_not_call_for_is_refused_with_the_condition(officers, case, as_user):
    record(officers["commune"], case, "initial_assessment", local(2024, 4, 25, 10), risk="low")

    html = as_user(officers["commune"]).get(page_of(case, "buoc/emergency_measure/")).content.decode()

    assert "chỉ thực hiện khi" in html and "(hiện là “Thấp”)" in html


def test_a_step_the_procedure_does_not_have_is_a_404(officers, case, as_user, main_of):
    client = as_user(officers["commune"])

    unknown = client.get(page_of(case, "buoc/khong-co-buoc-nay/"))
    missing = client.get("/ho-so/19903-2024-9999/buoc/initial_assessment/")

    assert unknown.status_code == 404 and main_of(unknown) == main_of(missing)


def test_wrong_input_is_shown_next_to_its_field_and_nothing_is_recorded(officers, case, as_user):
    client = as_user(officers["commune"])
    before = len(events(case))

    response = client.post(
        page_of(case, "buoc/initial_assessment/"),
        {"assessed_at": "2024-13-45T25:00", "assessed_by": "", "verified": "maybe", "risk": "extreme",
         "findings": "x" * 6000},
    )  # fmt: skip

    assert response.status_code == 400
    html = response.content.decode()
    for name in ["assessed_at", "assessed_by", "verified", "risk", "findings"]:
        assert f'id="id_{name}_errors"' in html, name
    assert "Cần nhập “Người đánh giá”." in html
    assert case.records.count() == 1
    assert [action for action, _what in events(case)[before:]] == ["read"]


def test_a_valid_step_is_recorded_and_the_case_page_says_so(officers, case, as_user):
    client = as_user(officers["commune"])
    before = len(events(case))

    response = client.post(
        page_of(case, "buoc/initial_assessment/"),
        {"assessed_at": "2024-04-25T11:15", "assessed_by": "Cán bộ xã", "verified": "true", "risk": "high",
         "findings": "Trẻ có vết bầm ở tay"},
        follow=True,
    )  # fmt: skip

    saved = StepRecord.objects.get(case=case, step="initial_assessment")
    assert response.redirect_chain[-1][0] == f"{page_of(case)}#record-{saved.pk}"
    assert (
        "Đã ghi bước “Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu”." in response.content.decode()
    )
    assert saved.values["risk"] == "high" and saved.values["assessed_at"] == "2024-04-25T11:15:00+07:00"
    assert "Trẻ có vết bầm ở tay" not in str(saved.values)  # confidential: in the encrypted part
    case.refresh_from_db()
    assert case.risk == "high" and case.last_step == "initial_assessment"
    # the form's read, the service's change, the case page's read after the redirect
    assert [action for action, _what in events(case)[before:]] == ["read", "change", "read"]


def test_the_form_starts_with_now_and_the_officers_name(officers, case, as_user):
    officers["commune"].first_name, officers["commune"].last_name = "Lan", "Lê Thị"
    officers["commune"].save()

    html = as_user(officers["commune"]).get(page_of(case, "buoc/detailed_assessment/")).content.decode()

    assert html  # the step is refused before the initial assessment; the initial assessment's form:
    html = as_user(officers["commune"]).get(page_of(case, "buoc/initial_assessment/")).content.decode()
    assert re.search(r'name="assessed_at" value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"', html)
    assert 'name="assessed_by" value="Lan Lê Thị"' in html


# --- moving a case ---------------------------------------------------------------------------------------


def test_the_move_form_lists_the_provinces_communes_by_district_but_the_cases_own(officers, case, as_user):
    html = as_user(officers["commune"]).get(page_of(case, "chuyen-xa/")).content.decode()

    assert '<optgroup label="Huyện Phú Vang">' in html and '<optgroup label="Huyện A Lưới">' in html
    assert 'value="19912"' in html and 'value="19903"' not in html
    assert 'value="20194"' not in html  # the other province
    assert 'data-filter-select="id_commune"' in html


def test_a_move_asks_for_confirmation_then_the_new_commune_gets_the_case(officers, case, as_user, client):
    commune = as_user(officers["commune"])

    asked = commune.post(page_of(case, "chuyen-xa/"), {"commune": "19912"})

    assert asked.status_code == 200 and "Xác nhận chuyển" in asked.content.decode()
    case.refresh_from_db()
    assert case.commune.code == "19903"

    moved = commune.post(page_of(case, "chuyen-xa/"), {"commune": "19912", "confirm": "yes"})

    assert moved.status_code == 302 and moved["Location"] == "/ho-so/"  # the case left this officer's commune
    case.refresh_from_db()
    assert case.commune.code == "19912" and case.child.commune.code == "19912"
    assert commune.get(page_of(case)).status_code == 404
    new = as_user(officers["commune_19912"]).get(page_of(case))
    assert new.status_code == 200
    assert "Chuyển xã: Xã Phú Thuận → " in new.content.decode() and CHILD_NAME in new.content.decode()


def test_a_district_officer_moving_within_the_district_stays_on_the_case_page(officers, case, as_user):
    response = as_user(officers["district"]).post(
        page_of(case, "chuyen-xa/"), {"commune": "19912", "confirm": "yes"}
    )

    assert response.status_code == 302 and response["Location"] == page_of(case)


@pytest.mark.parametrize("commune", ["20194", "99999", "19903", "", "19912' OR 1=1"])
def test_a_move_to_no_other_commune_of_the_province_is_refused_on_the_page(officers, case, as_user, commune):
    response = as_user(officers["manager"]).post(
        page_of(case, "chuyen-xa/"), {"commune": commune, "confirm": "yes"}
    )

    assert response.status_code == 400 and "data-error" in response.content.decode()
    case.refresh_from_db()
    assert case.commune.code == "19903"


def test_a_closed_case_cannot_move(officers, case, as_user):
    start = local(2024, 4, 25, 10, 0)
    for hour, step in enumerate(THROUGH_CLOSURE):
        record(officers["commune"], case, step, start + datetime.timedelta(hours=hour))
    client = as_user(officers["commune"])

    shown = client.get(page_of(case, "chuyen-xa/"))
    posted = client.post(page_of(case, "chuyen-xa/"), {"commune": "19912", "confirm": "yes"})

    assert shown.status_code == 200 and posted.status_code == 409
    assert "Trường hợp đã kết thúc; không thể chuyển xã." in posted.content.decode()
    case.refresh_from_db()
    assert case.commune.code == "19903" and case.state == CaseState.CLOSED


def test_a_case_moved_by_the_service_shows_the_move_in_its_timeline(officers, case, as_user):
    do_move_case(officers["manager"], case, "19750")

    html = as_user(officers["manager"]).get(page_of(case)).content.decode()

    assert "is-move" in html and "Chuyển xã: Xã Phú Thuận → " in html
