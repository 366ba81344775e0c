"""The submission pages as each role sees them: lists, the form and its errors, the steps, versions."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.reporting import selectors, services
from treem.reporting.models import ReportingRound, Submission, SubmissionState
from treem.reporting.services import Entry
from treem.units.models import Agency

BASE = "/bao-cao/tth-2023/M-2023-05-25/"
SYT = BASE + "SYT/"
D478 = BASE + "UBND-478/"
D474 = BASE + "UBND-474/"


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code="M-2023-05-25")


@pytest.fixture
def signed_in(client, make_user):
    def sign_in(role, unit=None, agency=None, **extra):
        client.force_login(make_user(role, unit, agency, **extra))
        return client

    return sign_in


@pytest.fixture
def reporter(make_user):
    return make_user(Role.AGENCY_REPORTER, None, "SYT")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


def tasks(rnd, code="SYT"):
    return list(selectors.owed_tasks(rnd.plan, Agency.objects.get(code=code)))


def form_data(rnd, code="SYT", **overrides) -> dict:
    data = {"note": "Ghi chú chung"}
    for task in tasks(rnd, code):
        data[f"t-{task.code}-status"] = "not_started"
    data.update(overrides)
    return data


def submitted(actor, rnd, code="SYT") -> Submission:
    agency = Agency.objects.get(code=code)
    entries = {t.code: Entry() for t in tasks(rnd, code)}
    return services.do_submit(
        actor, services.do_save_submission(actor, rnd, agency, note="", entries=entries)
    )


def text(response) -> str:
    return response.content.decode()


# --- lists -----------------------------------------------------------------------------------------------


def test_a_reporter_sees_its_own_status_for_each_round(signed_in):
    response = signed_in(Role.AGENCY_REPORTER, None, "SYT").get("/bao-cao/")

    assert response.status_code == 200
    page = text(response)
    assert "25/05/2023" in page and "Báo cáo UBND tỉnh kết quả thực hiện 6 tháng đầu năm" in page
    assert 'href="/bao-cao/tth-2023/M-2023-05-25/SYT/"' in page
    assert "Chưa nộp" in page  # 2023's deadlines have passed


@pytest.mark.parametrize(
    "role, unit", [(Role.LEADER, "46"), (Role.NATIONAL, None), (Role.COMMUNE_OFFICER, "19903")]
)
def test_other_roles_see_the_rounds_with_links_to_them(signed_in, role, unit):
    response = signed_in(role, unit).get("/bao-cao/")

    assert response.status_code == 200
    assert 'href="/bao-cao/tth-2023/M-2023-05-25/"' in text(response)


def test_a_user_without_a_role_sees_the_no_access_page(signed_in):
    response = signed_in("").get("/bao-cao/")

    assert response.status_code == 200 and "chưa được phân quyền" in text(response)


def test_the_round_shows_its_window_and_the_bodies_the_user_sees(signed_in):
    page = text(signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH").get(BASE))

    assert "25/05/2023" in page and "01/01/2023" in page and "30/06/2023" in page
    assert 'data-body="SYT"' in page and 'data-body="UBND-474"' in page and 'data-body="MTTQ"' in page


def test_a_district_sees_only_its_own_body_on_the_round(signed_in):
    page = text(signed_in(Role.DISTRICT_OFFICER, "478", "UBND-478").get(BASE))

    assert (
        'data-body="UBND-478"' in page
        and 'data-body="UBND-474"' not in page
        and 'data-body="SYT"' not in page
    )


@pytest.mark.parametrize("url", ["/bao-cao/tth-2023/M-KHONG-CO/", "/bao-cao/dn-2023/M-2023-05-25/"])
def test_a_round_not_in_scope_is_404(signed_in, url):
    assert signed_in(Role.LEADER, "46").get(url).status_code == 404


# --- the form ----------------------------------------------------------------------------------------------


def test_the_reporter_gets_an_empty_form_with_a_block_per_owed_task(signed_in, rnd):
    page = text(signed_in(Role.AGENCY_REPORTER, None, "SYT").get(SYT))

    for task in tasks(rnd):
        assert f'data-task="{task.code}"' in page
    for label in (
        "Đã thực hiện",
        "Kết quả (số liệu)",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
        "Lưu nháp",
    ):
        assert label in page
    assert "/so-lieu/SYT/2023S1/46/" in page  # the figures, linked


def test_a_district_committee_links_to_its_districts_figures(signed_in):
    page = text(signed_in(Role.DISTRICT_OFFICER, "478", "UBND-478").get(D478))

    assert "/so-lieu/SYT/2023S1/478/" in page


def test_saving_keeps_the_answers_and_says_so(signed_in, rnd):
    client = signed_in(Role.AGENCY_REPORTER, None, "SYT")
    first = tasks(rnd)[0]

    response = client.post(
        SYT, form_data(rnd, **{f"t-{first.code}-done": "Đã khám cho 1.200 trẻ"}), follow=True
    )

    assert "Đã lưu bản nháp" in text(response) and "Đã khám cho 1.200 trẻ" in text(response)
    assert Submission.objects.get(agency__code="SYT").progress.get(task=first).done == "Đã khám cho 1.200 trẻ"


def test_a_wrong_status_is_shown_next_to_its_field_and_nothing_is_saved(signed_in, rnd):
    first = tasks(rnd)[0]

    response = signed_in(Role.AGENCY_REPORTER, None, "SYT").post(
        SYT, form_data(rnd, **{f"t-{first.code}-status": "xong-roi"})
    )

    assert response.status_code == 200
    assert "Chưa lưu" in text(response) and 'role="alert"' in text(response)
    assert not Submission.objects.filter(agency__code="SYT").exists()


def test_submitting_an_incomplete_report_shows_why(signed_in, rnd):
    client = signed_in(Role.AGENCY_REPORTER, None, "SYT")
    first = tasks(rnd)[0]
    client.post(SYT, form_data(rnd, **{f"t-{first.code}-status": "done"}))

    response = client.post(SYT + "gui/", follow=True)

    assert f"Nhiệm vụ {first.code}: ghi những việc đã làm" in text(response)
    assert Submission.objects.get(agency__code="SYT").state == SubmissionState.DRAFT


def test_others_read_the_submission_without_a_form(signed_in, reporter, rnd):
    submitted(reporter, rnd)

    page = text(signed_in(Role.LEADER, "46").get(SYT))

    assert "Lưu nháp" not in page and "Tiếp nhận" not in page and "Đã gửi, chờ tiếp nhận" in page


def test_the_coordinator_returns_with_a_comment_the_body_then_sees(signed_in, reporter, rnd, client):
    submitted(reporter, rnd)
    coordinator = signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    assert "Trả lại" in text(coordinator.get(SYT))

    missing = coordinator.post(SYT + "tra-lai/", {"comment": " "}, follow=True)
    assert "Ghi rõ lý do" in text(missing)
    coordinator.post(SYT + "tra-lai/", {"comment": "Thiếu số liệu tiêm chủng."})

    client.force_login(reporter)
    page = text(client.get(SYT))
    assert "data-review-comment" in page and "Thiếu số liệu tiêm chủng." in page and "Lưu nháp" in page


def test_accepting_twice_shows_the_refusal(signed_in, reporter, rnd):
    submitted(reporter, rnd)
    coordinator = signed_in(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    coordinator.post(SYT + "tiep-nhan/")

    response = coordinator.post(SYT + "tiep-nhan/", follow=True)

    assert "Không thể tiếp nhận" in text(response) and "Mở lại" in text(response)


def test_a_leader_posting_a_step_is_refused_with_a_message(signed_in, reporter, rnd):
    submitted(reporter, rnd)

    response = signed_in(Role.LEADER, "46").post(SYT + "tiep-nhan/", follow=True)

    assert "Chỉ cơ quan điều phối cấp tỉnh" in text(response)
    assert Submission.objects.get(agency__code="SYT").state == SubmissionState.SUBMITTED


def test_versions_are_listed_and_readable(signed_in, reporter, coordinator, rnd):
    submission = submitted(reporter, rnd)
    services.do_return(coordinator, submission, "Bổ sung phần khó khăn.")
    services.do_submit(reporter, Submission.objects.get(pk=submission.pk))
    client = signed_in(Role.LEADER, "46")

    page = text(client.get(SYT))
    first = client.get(SYT + "phien-ban/1/")

    assert 'data-version="1"' in page and 'data-version="2"' in page and "Bổ sung phần khó khăn." in page
    assert first.status_code == 200 and 'data-outcome="returned"' in text(first)
    assert client.get(SYT + "phien-ban/3/").status_code == 404


# --- methods and scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["gui/", "tiep-nhan/", "tra-lai/", "mo-lai/", "tep/", "tep/1/go/"])
def test_post_only_addresses_answer_get_with_405(signed_in, suffix):
    assert signed_in(Role.AGENCY_REPORTER, None, "SYT").get(SYT + suffix).status_code == 405


@pytest.mark.parametrize("url", [D474, D474 + "phien-ban/1/", D474 + "tep/1/", BASE + "KHONG-CO/"])
def test_another_districts_addresses_are_the_same_404_as_missing_ones(signed_in, url, main_of):
    client = signed_in(Role.DISTRICT_OFFICER, "478", "UBND-478")

    response = client.get(url)
    missing = client.get(BASE + "KHONG-CO/")

    assert response.status_code == 404 and main_of(response) == main_of(missing)


def test_posting_to_another_districts_report_is_404_and_changes_nothing(signed_in, make_user, rnd):
    submitted(make_user(Role.DISTRICT_OFFICER, "474", "UBND-474"), rnd, "UBND-474")
    client = signed_in(Role.DISTRICT_OFFICER, "478", "UBND-478")

    assert client.post(D474, form_data(rnd, "UBND-474")).status_code == 404
    assert client.post(D474 + "gui/").status_code == 404
    assert Submission.objects.get(agency__code="UBND-474").version == 1


def test_the_other_provinces_coordinator_gets_404(signed_in, reporter, rnd):
    submitted(reporter, rnd)
    client = signed_in(Role.PROVINCE_COORDINATOR, "48", "DN-SLDTBXH")

    assert client.get(SYT).status_code == 404
    assert client.post(SYT + "tiep-nhan/").status_code == 404
