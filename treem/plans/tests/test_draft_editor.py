"""The draft editor: who opens it, each edit page, the plan file's checks and messages, a second writer,
issuing, and the YAML that loads back unchanged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from treem.accounts.models import Role
from treem.plans import drafts
from treem.plans.exporter import export_plan
from treem.plans.models import Plan
from treem.plans.services import do_issue_plan, load_plan, load_plan_data

DRAFT = "tth-2023-du-thao"
BASE = f"/ke-hoach/{DRAFT}/du-thao/"
INDICATOR = "MT01-TVSS"


@pytest.fixture
def draft_plan(plan: Plan) -> Plan:
    """A draft drafted from the 2023 plan (same year, so it needs only the 2023 units and bodies)."""
    data = export_plan(plan)
    data.update(code=DRAFT, status="draft", source=plan.code)
    return load_plan_data(data).plan


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def editor(client: Client, coordinator) -> Client:
    client.force_login(coordinator)
    return client


def _version(plan: Plan) -> str:
    return drafts.current_version(Plan.objects.get(pk=plan.pk))


def _indicator(plan: Plan, code: str = INDICATOR):
    return plan.indicators.get(code=code)


def test_the_coordinator_sees_the_drafts_sections_with_edit_links(editor, draft_plan):
    response = editor.get(BASE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉnh sửa dự thảo" in html and "Dự thảo" in html
    assert f'data-indicator="{INDICATOR}"' in html
    assert f"{BASE}chi-tieu/{INDICATOR}/" in html
    assert f"{BASE}kinh-phi/" in html and f"{BASE}ban-hanh/" in html
    assert "/ke-hoach/tth-2023/" in html  # the plan it was drafted from


def test_the_plan_page_and_list_mark_a_draft_and_link_the_editor_for_a_manager(editor, draft_plan, make_user):
    page = editor.get(f"/ke-hoach/{DRAFT}/").content.decode()
    listing = editor.get("/ke-hoach/").content.decode()

    assert "data-draft-badge" in page and BASE in page
    assert "data-draft-badge" in listing and BASE in listing
    editor.force_login(make_user(Role.LEADER, "46"))
    assert BASE not in editor.get(f"/ke-hoach/{DRAFT}/").content.decode()
    assert "data-draft-edit" not in editor.get("/ke-hoach/tth-2023/").content.decode()


def test_editing_a_threshold_saves_it_and_the_plan_stays_a_draft(editor, draft_plan):
    url = f"{BASE}chi-tieu/{INDICATOR}/"
    form = editor.get(url)
    assert form.status_code == 200 and 'name="threshold"' in form.content.decode()

    response = editor.post(
        url,
        {
            "version": _version(draft_plan),
            "text": _indicator(draft_plan).text,
            "direction": "lt",
            "threshold": "8,5",
        },
    )

    assert response.status_code == 302 and response["Location"] == f"{BASE}#chi-tieu-{INDICATOR}"
    draft_plan.refresh_from_db()
    assert _indicator(draft_plan).threshold == Decimal("8.5")
    assert draft_plan.is_draft and draft_plan.source.code == "tth-2023"
    assert _indicator(Plan.objects.get(code="tth-2023")).threshold != Decimal(
        "8.5"
    )  # the source is untouched


def test_the_change_shows_against_the_plan_it_was_drafted_from(editor, draft_plan):
    drafts.apply_edit(
        draft_plan,
        _version(draft_plan),
        drafts.set_indicator(INDICATOR, text=_indicator(draft_plan).text, direction="lt", threshold=8.5),
        actor=None,
    )

    response = editor.get(f"{BASE}thay-doi/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-section="targets"' in html and INDICATOR in html
    assert "8.5" in html or "8,5" in html


def test_letters_as_a_threshold_get_a_plain_message_and_keep_the_input(editor, draft_plan):
    before = _indicator(draft_plan).threshold

    response = editor.post(
        f"{BASE}chi-tieu/{INDICATOR}/",
        {"version": _version(draft_plan), "text": "Tỷ suất", "direction": "lt", "threshold": "chín phẩy năm"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngưỡng phải là một số, ví dụ 95 hoặc 9,5." in html
    assert 'value="chín phẩy năm"' in html
    assert _indicator(draft_plan).threshold == before


@pytest.mark.parametrize(
    "threshold, message",
    [
        ("", "Nhập ngưỡng"),
        ("-3", "Ngưỡng phải từ 0"),
        ("1e15", "Ngưỡng phải từ 0"),
        ("1e999999999", "Ngưỡng phải từ 0"),
        ("9,12345", "tối đa 3 chữ số"),
    ],
)
def test_a_blank_or_impossible_threshold_is_refused_with_a_clear_message(
    editor, draft_plan, threshold, message
):
    response = editor.post(
        f"{BASE}chi-tieu/{INDICATOR}/",
        {"version": _version(draft_plan), "text": "Tỷ suất", "direction": "lt", "threshold": threshold},
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_editing_a_targets_text(editor, draft_plan):
    target = draft_plan.targets.order_by("order").first()

    response = editor.post(
        f"{BASE}muc-tieu/{target.code}/", {"version": _version(draft_plan), "text": "Mục tiêu mới"}
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.text == "Mục tiêu mới"


def test_a_blank_text_is_refused(editor, draft_plan):
    target = draft_plan.targets.order_by("order").first()

    response = editor.post(f"{BASE}muc-tieu/{target.code}/", {"version": _version(draft_plan), "text": "  "})

    assert response.status_code == 200 and "Không được để trống" in response.content.decode()


def test_a_task_goes_to_another_body_of_the_plans_year(editor, draft_plan):
    task = draft_plan.tasks.exclude(agency__code="SYT").order_by("order").first()
    page = editor.get(f"{BASE}nhiem-vu/{task.code}/").content.decode()
    assert 'value="SYT"' in page

    response = editor.post(
        f"{BASE}nhiem-vu/{task.code}/",
        {"version": _version(draft_plan), "text": "Nội dung mới", "agency": "SYT"},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.agency.code, task.text) == ("SYT", "Nội dung mới")


def test_a_body_that_no_longer_exists_in_the_plans_year_is_not_offered(editor, draft_plan):
    from treem.units.models import Agency

    Agency.objects.filter(code="STNMT").update(valid_to=datetime.date(2022, 12, 31))
    task = draft_plan.tasks.order_by("order").first()

    page = editor.get(f"{BASE}nhiem-vu/{task.code}/").content.decode()
    response = editor.post(
        f"{BASE}nhiem-vu/{task.code}/",
        {"version": _version(draft_plan), "text": task.text, "agency": "STNMT"},
    )

    assert 'value="STNMT"' not in page
    assert response.status_code == 200 and "còn hoạt động trong năm" in response.content.decode()
    task.refresh_from_db()
    assert task.agency.code != "STNMT"


def test_a_deadline_is_typed_dd_mm_yyyy(editor, draft_plan):
    milestone = draft_plan.milestones.order_by("date").first()
    assert (
        milestone.date.strftime("%d/%m/%Y")
        in editor.get(f"{BASE}thoi-han/{milestone.code}/").content.decode()
    )

    response = editor.post(
        f"{BASE}thoi-han/{milestone.code}/",
        {"version": _version(draft_plan), "date": "20/04/2023", "description": "Hạn mới"},
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.date, milestone.description) == (datetime.date(2023, 4, 20), "Hạn mới")


@pytest.mark.parametrize(
    "typed, message",
    [
        ("31/02/2023", "Ngày không hợp lệ"),
        ("ngày mai", "Ngày không hợp lệ"),
        ("20/04/2024", "trong năm 2023"),
    ],
)
def test_a_wrong_or_other_years_deadline_is_refused(editor, draft_plan, typed, message):
    milestone = draft_plan.milestones.order_by("date").first()

    response = editor.post(
        f"{BASE}thoi-han/{milestone.code}/",
        {"version": _version(draft_plan), "date": typed, "description": "x"},
    )

    assert response.status_code == 200 and message in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()


def test_funding_texts_are_edited_and_one_can_be_added(editor, draft_plan):
    sources = list(draft_plan.fundingsources.filter(is_active=True).order_by("order"))
    post = {"version": _version(draft_plan), "new_source": "Nguồn xã hội hóa"}
    post.update({f"source_{i}": f"Nguồn {i}" for i in range(len(sources))})

    response = editor.post(f"{BASE}kinh-phi/", post)

    assert response.status_code == 302
    texts = list(
        draft_plan.fundingsources.filter(is_active=True).order_by("order").values_list("text", flat=True)
    )
    assert texts == [f"Nguồn {i}" for i in range(len(sources))] + ["Nguồn xã hội hóa"]


def test_a_second_writer_who_saved_in_between_is_not_overwritten(editor, draft_plan):
    url = f"{BASE}chi-tieu/{INDICATOR}/"
    opened = _version(draft_plan)
    text = _indicator(draft_plan).text
    drafts.apply_edit(
        draft_plan,
        opened,
        drafts.set_indicator(INDICATOR, text=text, direction="lt", threshold=7),
        actor=None,
    )

    response = editor.post(url, {"version": opened, "text": text, "direction": "lt", "threshold": "6,5"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "Kế hoạch vừa được người khác sửa; hãy tải lại" in html
    assert 'value="6,5"' in html  # the user's input is still on the page
    assert _indicator(draft_plan).threshold == Decimal("7")


def test_a_missing_item_is_a_404(editor, draft_plan):
    for path in ("muc-tieu/KHONG-CO/", "chi-tieu/KHONG-CO/", "nhiem-vu/KHONG-CO/", "thoi-han/KHONG-CO/"):
        assert editor.get(BASE + path).status_code == 404, path


@pytest.mark.parametrize(
    "role, unit, agency",
    [
        (Role.LEADER, "46", None),
        (Role.CASE_MANAGER, "46", None),
        (Role.NATIONAL, None, None),
        (Role.AGENCY_REPORTER, None, "SYT"),
        (Role.DISTRICT_OFFICER, "478", "UBND-478"),
        (Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH"),
    ],
)
def test_other_roles_get_the_404_of_a_missing_plan(
    client, draft_plan, make_user, main_of, role, unit, agency
):
    client.force_login(make_user(role, unit, agency))
    missing = client.get("/ke-hoach/khong-co/du-thao/")

    for path in ("", "thay-doi/", "ban-hanh/", "tai-yaml/", f"chi-tieu/{INDICATOR}/", "kinh-phi/"):
        response = client.get(BASE + path)
        assert response.status_code == 404, path
        assert main_of(response) == main_of(missing)
    assert client.post(f"{BASE}ban-hanh/", {"version": _version(draft_plan)}).status_code == 404
    assert Plan.objects.get(code=DRAFT).is_draft


def test_issuing_after_confirming_freezes_the_plan(editor, draft_plan):
    confirm = editor.get(f"{BASE}ban-hanh/")
    assert confirm.status_code == 200 and "Xác nhận ban hành" in confirm.content.decode()

    response = editor.post(f"{BASE}ban-hanh/", {"version": _version(draft_plan)}, follow=True)

    draft_plan.refresh_from_db()
    assert not draft_plan.is_draft and draft_plan.issued_at is not None
    html = response.content.decode()
    assert f"Đã ban hành {draft_plan.issued_at:%d/%m/%Y}" in html
    assert f"{BASE}chi-tieu/" not in html  # no edit links any more


def test_issuing_a_draft_changed_since_the_confirmation_is_refused(editor, draft_plan):
    seen = _version(draft_plan)
    drafts.apply_edit(
        draft_plan, seen, drafts.set_target(draft_plan.targets.first().code, text="Khác"), actor=None
    )

    response = editor.post(f"{BASE}ban-hanh/", {"version": seen})

    assert response.status_code == 409 and "vừa được người khác sửa" in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.is_draft


def test_an_issued_plan_refuses_every_edit_with_a_message(editor, draft_plan):
    version = _version(draft_plan)
    do_issue_plan(draft_plan)
    threshold = _indicator(draft_plan).threshold

    for path in (f"chi-tieu/{INDICATOR}/", "kinh-phi/", "ban-hanh/"):
        page = editor.get(BASE + path, follow=True)
        assert page.redirect_chain[-1][0] == BASE
        assert "Kế hoạch đã ban hành, không sửa được" in page.content.decode()
    posted = editor.post(
        f"{BASE}chi-tieu/{INDICATOR}/", {"version": version, "text": "x", "direction": "lt", "threshold": "1"}
    )

    assert posted.status_code == 302
    assert _indicator(draft_plan).threshold == threshold
    assert editor.get(BASE).status_code == 200 and editor.get(f"{BASE}thay-doi/").status_code == 200


def test_the_edit_is_refused_when_the_plan_is_issued_under_the_form(draft_plan):
    version = _version(draft_plan)
    do_issue_plan(draft_plan)

    with pytest.raises(drafts.PlanFrozen):
        drafts.apply_edit(draft_plan, version, drafts.set_target("MT01", text="x"), actor=None)


def test_the_yaml_download_loads_back_as_the_same_plan(editor, draft_plan, tmp_path):
    drafts.apply_edit(
        draft_plan,
        _version(draft_plan),
        drafts.set_indicator(INDICATOR, text=_indicator(draft_plan).text, direction="le", threshold=8.25),
        actor=None,
    )
    before = export_plan(Plan.objects.get(code=DRAFT))

    response = editor.get(f"{BASE}tai-yaml/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-yaml")
    assert response["Content-Disposition"] == f'attachment; filename="{DRAFT}.yaml"'
    path = tmp_path / "plan.yaml"
    path.write_bytes(response.content)
    result = load_plan(path)
    assert sum(result.updated.values()) + sum(result.created.values()) + sum(result.retired.values()) == 0
    assert export_plan(Plan.objects.get(code=DRAFT)) == before


def test_a_post_without_the_csrf_token_is_refused(draft_plan, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    response = client.post(f"{BASE}ban-hanh/", {"version": _version(draft_plan)})

    assert response.status_code == 403
    assert Plan.objects.get(code=DRAFT).is_draft


def test_the_yaml_filename_keeps_only_safe_characters():
    assert drafts.yaml_filename(Plan(code='a"b/..\\c-2026')) == "abc-2026.yaml"
