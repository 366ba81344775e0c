"""Forms built from the procedure's steps: one field per procedure field, phone widgets, and the same
checks (and messages) as the services."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string

from treem.cases.forms import prefilled, split_values, step_form
from treem.cases.procedure import default_procedure
from treem.cases.services import _form

from .conftest import local


def first_step():
    return default_procedure().step("notification")


def posted(**extra) -> dict:
    return {
        "received_at": "2024-04-25T09:00",
        "received_by": "Cán bộ xã",
        "source": "hotline_111",
        "child_name": "Nguyễn Văn Thử",
        "child_age_estimate": "9",
        "harms": ["violence", "neglect"],
        "description": "Dòng một\r\nDòng hai",
        "reporter_phone": "0912 345 678",
        **extra,
    }


def test_every_step_of_the_procedure_builds_a_form_with_its_fields_in_order():
    for step in default_procedure().steps:
        form = step_form(step)
        assert list(form.fields) == [item.name for item in step.fields]
        assert [form.fields[item.name].label for item in step.fields] == [item.label for item in step.fields]
        assert [form.fields[item.name].required for item in step.fields] == [f.required for f in step.fields]


def test_a_valid_notification_gives_python_values_split_by_confidentiality():
    form = step_form(first_step(), posted())

    assert form.is_valid(), form.errors
    values, secret = form.split()
    assert values["received_at"] == local(2024, 4, 25, 9, 0)  # the local clock, Asia/Ho_Chi_Minh
    assert values["child_age_estimate"] == 9 and values["harms"] == ["violence", "neglect"]
    assert secret == {"description": "Dòng một\nDòng hai", "reporter_phone": "0912 345 678"}
    assert "child_sex" not in values  # empty answers are left out
    _form(first_step(), values, secret)  # and the service accepts what the form accepted


def test_the_form_refuses_what_the_service_refuses_with_the_procedures_messages():
    step = first_step()
    form = step_form(
        step,
        posted(
            received_by="",
            child_age_estimate="16",
            reporter_phone="abc",
            harms=["nope"],
            child_birth_date="x",
        ),
    )

    assert not form.is_valid()
    assert form.errors["received_by"] == ["Cần nhập “Người tiếp nhận”."]
    assert form.errors["child_age_estimate"] == ["“Tuổi (ước tính)”: không được lớn hơn 15."]
    assert form.errors["reporter_phone"] == ["“Số điện thoại người thông báo”: không đúng định dạng."]
    assert form.errors["child_birth_date"] == ["“Ngày sinh”: không phải ngày hợp lệ."]
    assert "không có trong danh sách" in form.errors["harms"][0]


def test_too_long_text_is_refused_by_the_procedures_limit():
    form = step_form(first_step(), posted(received_by="x" * 201))

    assert not form.is_valid()
    assert form.errors["received_by"] == ["“Người tiếp nhận”: dài 201 ký tự, tối đa 200."]


def test_a_required_boolean_may_be_answered_no_but_not_left_out():
    step = default_procedure().step("follow_up")
    data = {"visited_at": "2024-05-01T10:00", "visited_by": "A", "progress": "ổn"}

    no = step_form(step, data | {"child_safe": "false"})
    missing = step_form(step, data)

    assert no.is_valid(), no.errors
    assert no.cleaned_data["child_safe"] is False
    assert not missing.is_valid() and missing.errors["child_safe"] == ["Cần nhập “Trẻ em an toàn”."]


def test_initial_values_in_json_form_are_shown():
    step = default_procedure().step("follow_up")
    form = step_form(step, initial={"child_safe": True, "visited_at": "2024-05-01T10:00:00+07:00"})

    html = str(form["visited_at"]) + str(form["child_safe"])
    assert 'value="2024-05-01T10:00"' in html
    assert 'value="true" class="field-input field-boolean" required id="id_child_safe_0" checked' in html


def test_widgets_are_phone_friendly_and_mark_confidential_fields():
    form = step_form(first_step())

    assert 'type="datetime-local"' in str(form["received_at"])
    assert 'type="date"' in str(form["child_birth_date"])
    assert 'type="tel"' in str(form["reporter_phone"])
    assert 'inputmode="numeric"' in str(form["child_age_estimate"])
    assert 'data-confidential="true"' in str(form["reporter_name"])
    assert "data-confidential" not in str(form["received_by"])
    assert 'type="checkbox"' in str(form["harms"])
    assert "<select" in str(form["source"])  # eight sources: a select; a short list is radio buttons
    assert 'type="radio"' in str(form["child_sex"])


def test_split_values_ignores_unknown_names():
    values, secret = split_values(first_step(), {"received_by": "A", "bogus": 1, "reporter_name": "B"})

    assert values == {"received_by": "A"} and secret == {"reporter_name": "B"}


@pytest.mark.parametrize("prefix", [None, "s1"])
def test_the_fields_partial_shows_labels_and_errors_next_to_each_field(prefix):
    form = step_form(first_step(), {} if prefix is None else {}, prefix=prefix)
    form.is_valid()

    html = render_to_string("cases/_fields.html", {"form": form})

    assert "Người tiếp nhận" in html and "Cần nhập “Người tiếp nhận”." in html
    assert "Hành vi xâm hại, nguy cơ" in html and "<legend>" in html
    assert "được mã hóa khi lưu" in html
    assert html.index("Người tiếp nhận") < html.index("Cần nhập “Người tiếp nhận”.")


def test_a_datetime_without_time_zone_is_read_as_local_time():
    form = step_form(first_step(), posted(received_at="2024-12-31T23:30"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["received_at"] == datetime.datetime(2024, 12, 31, 16, 30, tzinfo=datetime.UTC)


def test_a_new_form_starts_with_the_officers_name_where_the_procedure_file_marks_it(make_user):
    from treem.accounts.models import Role

    officer = make_user(Role.COMMUNE_OFFICER, "19903", first_name="Lan", last_name="Hoàng")
    step = default_procedure().step("initial_assessment")
    marked = {field.name for field in step.fields if field.officer}

    initial = prefilled(step, officer)

    assert marked and all(initial[name] == "Lan Hoàng" for name in marked)
    assert not any(value == "Lan Hoàng" for name, value in initial.items() if name not in marked)
