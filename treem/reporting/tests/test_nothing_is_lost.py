"""What people type is kept: a refused save shows the text again, a refused edit of the consolidated
report keeps the other fields, line breaks count as the browser counts them, an old return comment does
not hang on a new version, and a figure sent again unchanged passes an accepted report's lock."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.indicators.datavalues import import_values
from treem.indicators.value_inputs import ValueInput
from treem.reporting import selectors, services
from treem.reporting.models import ReportingRound
from treem.reporting.services import TEXT_LIMIT, Entry, ReportingError
from treem.units.models import Agency

ROUND = "M-2023-05-25"
PAGE = f"/bao-cao/tth-2023/{ROUND}/UBND-478/"


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code=ROUND)


@pytest.fixture
def officer(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


def handed_in(officer, rnd):
    agency = Agency.objects.get(code="UBND-478")
    entries = {t.code: Entry() for t in selectors.owed_tasks(rnd.plan, agency)}
    return services.do_submit(
        officer, services.do_save_submission(officer, rnd, agency, note="", entries=entries)
    )


def form_data(rnd, note: str) -> dict:
    agency = Agency.objects.get(code="UBND-478")
    data = {"note": note}
    for task in selectors.owed_tasks(rnd.plan, agency):
        data[f"t-{task.code}-status"] = "not_started"
    return data


def test_a_save_refused_because_the_report_was_handed_in_shows_the_typed_text_again(client, officer, rnd):
    handed_in(officer, rnd)  # from another tab
    client.force_login(officer)

    response = client.post(PAGE, form_data(rnd, "Nội dung gõ dở ở tab thứ hai"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-unsaved" in html
    assert "Nội dung gõ dở ở tab thứ hai" in html


def test_a_line_break_counts_as_one_character_as_in_the_browser(client, officer, rnd):
    client.force_login(officer)
    note = "a\r\n" * (TEXT_LIMIT // 2)  # TEXT_LIMIT characters in the browser, more as CR LF bytes

    response = client.post(PAGE, form_data(rnd, note))

    assert response.status_code == 302
    submission = selectors.submission_for(rnd, Agency.objects.get(code="UBND-478"))
    assert submission.note == note.replace("\r\n", "\n").strip()


def test_a_draft_is_read_by_its_body_only(client, officer, coordinator, rnd):
    agency = Agency.objects.get(code="UBND-478")
    entries = {t.code: Entry(done="Bản nháp riêng của huyện") for t in selectors.owed_tasks(rnd.plan, agency)}
    services.do_save_submission(officer, rnd, agency, note="", entries=entries)

    client.force_login(coordinator)
    page = client.get(PAGE).content.decode()
    docx = client.get(PAGE + "bao-cao.docx")

    assert "Bản nháp riêng của huyện" not in page and "data-draft-hidden" in page
    assert docx.status_code == 404
    client.force_login(officer)
    assert "Bản nháp riêng của huyện" in client.get(PAGE).content.decode()


def test_a_new_version_does_not_carry_the_old_return_comment(officer, coordinator, rnd):
    submission = services.do_return(coordinator, handed_in(officer, rnd), "Thiếu số liệu xã Phú Thuận")

    submission = services.do_submit(officer, submission)

    assert submission.review_comment == ""
    first = submission.versions.get(number=1)
    assert (first.outcome, first.review_comment) == ("returned", "Thiếu số liệu xã Phú Thuận")


def test_an_overlong_accept_comment_is_refused(officer, coordinator, rnd):
    submission = handed_in(officer, rnd)

    with pytest.raises(ReportingError):
        services.do_accept(coordinator, submission, "x" * (TEXT_LIMIT + 1))

    submission.refresh_from_db()
    assert submission.state == "submitted"


def test_a_locked_figure_sent_again_unchanged_passes_and_a_change_is_refused(officer, coordinator, rnd):
    value = [ValueInput("LIVE_BIRTHS", "default", "19903", "2023S1", "70")]
    assert not import_values(value, user=coordinator).conflicts
    services.do_accept(coordinator, handed_in(officer, rnd))

    again = import_values(value, user=coordinator)
    changed = import_values([ValueInput("LIVE_BIRTHS", "default", "19903", "2023S1", "71")], user=coordinator)

    assert not again.conflicts and again.ignored == 1
    assert changed.conflicts


def test_a_refused_consolidated_edit_keeps_the_other_fields(client, coordinator, plan):
    client.force_login(coordinator)
    url = "/bao-cao/tth-2023/M-2023-12-05/tong-hop/"

    response = client.post(
        url, {"introduction": "Mở đầu viết lại bởi Sở", "report_date": "31/02/2023", "number": "125"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mở đầu viết lại bởi Sở" in html and "31/02/2023" in html
