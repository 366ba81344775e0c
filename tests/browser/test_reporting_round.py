"""A reporting round as its users live it, in Chromium: a district officer fills its six-month report and
submits it; the coordinator returns it with a comment; the officer corrects and resubmits; the coordinator
accepts; the board shows it on time; the consolidated report downloads as a Word file."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document

from tests.browser.conftest import COORDINATOR_PASSWORD, sign_in

pytestmark = pytest.mark.browser

PLAN = "tth-2023"


@pytest.fixture
def six_month_round(site_data):
    """The plan's six-month round, its deadline moved ten days ahead so the hand-in can be on time."""
    from treem.core import deadlines
    from treem.reporting.models import ReportingRound

    rnd = ReportingRound.objects.select_related("milestone").get(plan__code=PLAN, milestone__period="2023S1")
    rnd.milestone.date = deadlines.today() + datetime.timedelta(days=10)
    rnd.milestone.save(update_fields=["date"])
    return rnd


@pytest.fixture
def district_officer(site_data):
    from treem.accounts.models import Role, User
    from treem.units.models import AdministrativeUnit, Agency

    return User.objects.create_user(
        username="canbo-phu-vang",
        password=COORDINATOR_PASSWORD,
        role=Role.DISTRICT_OFFICER,
        unit=AdministrativeUnit.objects.get(code="478"),
        agency=Agency.objects.get(code="UBND-478"),
    )


def _fresh_page(browser):
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before submit / return
    return page


def test_submit_return_resubmit_accept_then_board_and_consolidated_report(
    browser, site_data, six_month_round, district_officer, coordinator
):
    submission_path = f"/bao-cao/{PLAN}/{six_month_round.code}/UBND-478/"
    officer = _fresh_page(browser)
    sign_in(officer, site_data.url, submission_path, district_officer.username)

    # The officer fills the first task and saves a draft, then hands it in.
    first_task = officer.locator("fieldset.task").first
    first_task.locator("select").select_option("done")
    first_task.locator("textarea").first.fill("Tổ chức 12 lớp tập huấn cho 480 cán bộ xã")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    officer.get_by_role("button", name="Gửi báo cáo").click()
    officer.wait_for_selector("[data-state=submitted]")

    # The coordinator returns it with a comment.
    reviewer = _fresh_page(browser)
    sign_in(reviewer, site_data.url, submission_path, coordinator.username)
    reviewer.fill("#return-comment", "Bổ sung số liệu kết quả tập huấn theo từng xã.")
    reviewer.get_by_role("button", name="Trả lại").click()
    reviewer.wait_for_selector("[data-state=returned]")

    # The officer sees why, corrects and hands it in again.
    officer.reload()
    assert "Bổ sung số liệu kết quả tập huấn" in officer.locator("[data-review-comment]").inner_text()
    officer.locator("fieldset.task").first.locator("textarea").nth(1).fill("Phú Thuận 60 người; Phú Hải 45")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    officer.get_by_role("button", name="Gửi báo cáo").click()
    officer.wait_for_selector("[data-state=submitted]")

    # The coordinator accepts it.
    reviewer.reload()
    reviewer.get_by_role("button", name="Tiếp nhận").click()
    reviewer.wait_for_selector("[data-state=accepted]")

    # The board shows the district on time at this round.
    reviewer.goto(f"{site_data.url}/bao-cao/{PLAN}/bang/")
    cell = reviewer.locator(f"tr[data-body=UBND-478] td[data-round='{six_month_round.code}']")
    assert cell.get_attribute("data-status") == "on_time"
    assert "Đúng hạn" in cell.inner_text()

    # The consolidated report of the round downloads as a Word file naming the district's work.
    reviewer.goto(f"{site_data.url}/bao-cao/{PLAN}/{six_month_round.code}/tong-hop/")
    with reviewer.expect_download() as download:
        reviewer.get_by_role("link", name="Tải báo cáo (DOCX)").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tổ chức 12 lớp tập huấn cho 480 cán bộ xã" in text
