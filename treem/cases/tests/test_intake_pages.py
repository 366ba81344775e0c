"""The intake page (/ho-so/tiep-nhan/): Form 01 on a phone for the roles with case records, its errors,
the duplicate check (link or confirm new) and the offline draft's markers."""

from __future__ import annotations

import re

import pytest

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case, Child
from treem.cases.views_intake import DRAFT_CLEAR

from .conftest import local

URL = "/ho-so/tiep-nhan/"


def posted(**extra) -> dict:
    return {
        "received_at": "2024-04-25T09:00",
        "received_by": "Cán bộ xã (DEMO)",
        "source": "school",
        "child_name": "Trần Văn Bình",
        "child_sex": "male",
        "child_age_estimate": "10",
        "harms": ["neglect"],
        "description": "Trẻ thường xuyên ở nhà một mình",
        "reporter_name": "Giáo viên chủ nhiệm",
        **extra,
    }


@pytest.fixture
def signed_in(client):
    def sign(user):
        sign_in_with_factor(client, user)
        return client

    return sign


@pytest.mark.parametrize("who", ["commune", "district", "manager"])
def test_case_roles_open_the_intake_form(officers, signed_in, who):
    response = signed_in(officers[who]).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiếp nhận thông tin, thông báo, tố giác" in html and "Mẫu số 01" in html
    assert 'type="datetime-local"' in html and 'name="harms"' in html


@pytest.mark.parametrize("who", ["leader", "reporter", "coordinator", "national"])
def test_roles_without_case_records_get_the_404_of_a_missing_page(officers, signed_in, main_of, who):
    client = signed_in(officers[who])
    response = client.get(URL)
    posted_ = client.post(URL, posted())
    missing = client.get("/khong-co-trang-nay/")

    assert response.status_code == posted_.status_code == 404
    assert main_of(response) == main_of(missing)
    assert not Case.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_commune_officers_commune_is_fixed(officers, signed_in):
    html = signed_in(officers["commune"]).get(URL).content.decode()

    assert 'name="commune"' not in html and "Phú Thuận" in html


def test_a_district_officer_chooses_among_the_communes_of_the_district(officers, signed_in):
    html = signed_in(officers["district"]).get(URL).content.decode()

    options = re.findall(r'<option value="(\d+)"', html)
    assert "19903" in options and "19912" in options
    assert "19900" not in options  # a commune of another district


def test_a_valid_notification_is_registered_and_opens_the_case_page(officers, signed_in):
    client = signed_in(officers["commune"])

    response = client.post(URL, posted())

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{case.code}/"
    assert case.commune.code == "19903" and case.received_at == local(2024, 4, 25, 9, 0)
    assert case.child.name == "Trần Văn Bình" and case.child.birth_year_estimate == 2014
    assert client.session[DRAFT_CLEAR] is True
    listed = client.get("/ho-so/").content.decode()
    assert "data-draft-clear" in listed and "draft-clear" in listed  # the saved draft is dropped
    assert DRAFT_CLEAR not in client.session


def test_a_district_officer_registers_in_the_chosen_commune(officers, signed_in):
    response = signed_in(officers["district"]).post(URL, posted(commune="19912"))

    assert response.status_code == 302 and Case.objects.get().commune.code == "19912"


def test_a_commune_outside_the_district_is_refused_on_the_form(officers, signed_in):
    response = signed_in(officers["district"]).post(URL, posted(commune="19900"))

    assert response.status_code == 200
    assert "Không có xã này trong phạm vi của bạn." in response.content.decode()
    assert not Case.objects.exists()


def test_a_wrong_form_comes_back_with_messages_and_nothing_typed_is_lost(officers, signed_in):
    response = signed_in(officers["commune"]).post(
        URL, posted(received_by="", child_age_estimate="abc", harms=["xyz"], reporter_phone="gọi tôi")
    )

    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Cần nhập “Người tiếp nhận”." in html
    assert "“Tuổi (ước tính)”: cần là số nguyên." in html
    assert "“Số điện thoại người thông báo”: không đúng định dạng." in html
    assert "không có trong danh sách" in html
    assert 'value="Trần Văn Bình"' in html and "Trẻ thường xuyên ở nhà một mình" in html
    assert 'value="Giáo viên chủ nhiệm"' in html
    assert "data-draft-bound" in html


def test_a_post_of_garbage_never_fails(officers, signed_in):
    client = signed_in(officers["district"])
    for data in ({}, {"commune": ["1", "2"], "harms": "x" * 5000}, {"received_at": "2024-02-30T25:61"}):
        assert client.post(URL, data).status_code == 200


def test_the_page_is_phone_friendly_and_carries_the_draft_markers(officers, signed_in):
    user = officers["commune"]
    html = signed_in(user).get(URL).content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert f'data-draft-user="{user.pk}"' in html and 'data-draft="intake"' in html
    assert "cases/draft.js" in html and "cases/cases.css" in html
    assert "data-draft-clear" not in html and "data-draft-bound" not in html
    assert " style=" not in html and "<script>" not in html and "<table" not in html
    assert 'class="field-input field-text"' in html


# --- the duplicate check ----------------------------------------------------------------------------------


@pytest.fixture
def known(officers, register):
    return register(officers["commune"], "19903", child_name="Trần Văn Bình", child_birth_date="2014-05-01")


def test_a_similar_child_shows_the_panel_and_registers_nothing(officers, signed_in, known):
    response = signed_in(officers["commune"]).post(URL, posted(child_name="tran van binh"))

    html = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 1
    assert "data-duplicates" in html and known.code in html and "Trần Văn Bình" in html
    assert f'name="link_child" value="{known.child_id}"' in html and 'name="confirm_new"' in html
    assert "Gắn vào trẻ này" in html and "Xác nhận là trẻ mới" in html
    events = AccessEvent.objects.filter(case_id=known.pk, what="duplicate check", action="read")
    assert events.count() == 1


def test_the_link_button_carries_the_childs_id_without_thousands_dots(officers, signed_in, known):
    """Ids are printed for machines: "12345", never the Vietnamese "12.345" that would link nothing."""
    Child.objects.filter(pk=known.child_id).update(id=12345)
    Case.objects.filter(pk=known.pk).update(child_id=12345)

    html = signed_in(officers["commune"]).post(URL, posted(child_name="tran van binh")).content.decode()

    assert 'name="link_child" value="12345"' in html


def test_confirming_a_new_child_registers_a_new_child(officers, signed_in, known):
    response = signed_in(officers["commune"]).post(URL, posted(child_name="tran van binh", confirm_new="1"))

    assert response.status_code == 302
    assert Child.objects.count() == 2 and Case.objects.count() == 2


def test_linking_registers_a_new_case_for_the_known_child(officers, signed_in, known):
    response = signed_in(officers["commune"]).post(
        URL, posted(child_name="tran van binh", link_child=str(known.child_id))
    )

    assert response.status_code == 302
    assert Child.objects.count() == 1 and Case.objects.filter(child_id=known.child_id).count() == 2


def test_a_crafted_link_is_refused_like_a_missing_child(officers, signed_in, register, main_of, known):
    other = register(officers["commune_19912"], "19912", child_name="Trần Văn Bình")
    client = signed_in(officers["commune"])

    outside = client.post(URL, posted(link_child=str(other.child_id)))
    missing = client.post(URL, posted(link_child="987654321"))
    garbage = client.post(URL, posted(link_child="1 OR 1=1"))

    message = "Không tìm thấy trẻ em trong phạm vi của bạn."
    for response in (outside, missing, garbage):
        assert response.status_code == 200 and message in response.content.decode()
    assert Case.objects.count() == 2
    assert "19912" not in outside.content.decode()


def test_a_child_of_another_commune_is_not_offered_to_a_commune_officer(officers, signed_in, register):
    register(officers["commune_19912"], "19912", child_name="Trần Văn Bình", child_birth_date="2014-05-01")

    response = signed_in(officers["commune"]).post(URL, posted(child_birth_date="2014-05-01"))

    assert response.status_code == 302  # no panel: the other commune's child is outside the scope
