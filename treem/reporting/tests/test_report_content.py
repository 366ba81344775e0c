"""What the consolidated report and a body's own report say, built from the database: the header from the
plan, a row and a sentence per indicator from the figures, the bodies' accepted task reports, what they
found hard and proposed, and the bodies that did not report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import EntryScope
from treem.core.storage import PrivateStorage
from treem.indicators.datavalues import ValueInput, import_values
from treem.reporting import selectors, services
from treem.reporting.models import ConsolidatedReport, ReportingRound, Submission
from treem.reporting.report_content import consolidated_content, submission_content, year_before
from treem.reporting.services import Entry
from treem.units.models import AdministrativeUnit, Agency

CONSOLIDATED = "M-2023-12-05"  # the office's own report; its bodies report at M-2023-11-15
BODIES_ROUND = "M-2023-11-15"


def keep_files_in(monkeypatch, directory) -> None:
    """The report's files go to a test's own directory, not the server's private one."""
    storage = PrivateStorage(location=directory)
    for name in ("docx", "xlsx", "pdf"):
        monkeypatch.setattr(ConsolidatedReport._meta.get_field(name), "storage", storage)


def load_rate(numerator: str, denominator: str, period: str, per_thousand: str) -> None:
    """Values for every commune of Thừa Thiên Huế, so that the province's rate is exactly `per_thousand`
    ‰ (every commune reports: the status is a verdict, not partial)."""
    province = AdministrativeUnit.objects.get(code="46")
    year = int(period[:4])
    communes = list(
        AdministrativeUnit.objects.filter(level="commune", path__startswith=province.path)
        .existing_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .order_by("path")
    )
    births = -(-100 * len(communes) // 10000) * 10000  # a multiple of 10,000 births: the rate is exact
    deaths = int(births * Decimal(per_thousand) / 1000)
    assert deaths >= len(communes)
    inputs = []
    for index, commune in enumerate(communes):
        first = index == 0
        inputs.append(
            ValueInput(
                denominator,
                "default",
                commune.code,
                period,
                str(births - 100 * (len(communes) - 1) if first else 100),
            )
        )
        inputs.append(
            ValueInput(
                numerator, "default", commune.code, period, str(deaths - (len(communes) - 1) if first else 1)
            )
        )
    summary = import_values(inputs, user=None, scope=EntryScope(True), check_outliers=False)
    assert not summary.conflicts, summary.conflicts


def accepted(make_user, rnd: ReportingRound, code: str, **answers: str) -> Submission:
    """A body's submission at the round, every owed task answered, handed in and accepted."""
    agency = Agency.objects.get(code=code)
    reporter = {"SYT": make_user(Role.AGENCY_REPORTER, None, "SYT")}.get(code) or make_user(
        Role.DISTRICT_OFFICER, agency.unit.code, code
    )
    coordinator = make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    entries = {
        task.code: Entry(
            status="done", done=f"{code} đã làm {task.code}", results=f"kết quả {task.code}", **answers
        )
        for task in selectors.owed_tasks(rnd.plan, agency)
    }
    submission = services.do_save_submission(reporter, rnd, agency, note="Ghi chú chung", entries=entries)
    submission = services.do_submit(reporter, submission)
    return services.do_accept(coordinator, submission)


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code=CONSOLIDATED)


def test_the_same_period_a_year_before():
    assert year_before("2023") == "2022"
    assert year_before("2023S1") == "2022S1"


def test_header_comes_from_the_plan_and_the_province(rnd):
    header = consolidated_content(rnd).header

    assert header.parent_body == "UBND TỈNH THỪA THIÊN HUẾ"
    assert header.issuing_body == "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    assert header.number.startswith("Số:") and header.number.endswith("/BC-SLĐTBXH")
    assert header.place == "Thừa Thiên Huế"
    assert header.date_text == "ngày 05 tháng 12 năm 2023"
    assert header.document_type == "BÁO CÁO"
    assert header.summary.startswith("Kết quả triển khai Kế hoạch")
    assert header.recipients[-1] == "- Lưu: VT."
    assert "- UBND tỉnh;" in header.recipients


def test_a_given_number_and_date_replace_the_draft_ones(rnd):
    header = consolidated_content(rnd, number="125", report_date=datetime.date(2023, 12, 6)).header

    assert header.number == "Số: 125/BC-SLĐTBXH"
    assert header.date_text == "ngày 06 tháng 12 năm 2023"


def test_a_met_target_says_so_with_the_change_from_last_year(rnd):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "8.7")
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2022", "9.1")

    row = next(r for r in consolidated_content(rnd).target_rows if r.indicator_code == "MT01-TVSS")

    assert row.result == "8,7‰ trẻ đẻ sống"
    assert row.status == "Đạt"
    assert row.previous == "9,1‰ trẻ đẻ sống"
    assert row.sentence == (
        "Tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống (p/1000) năm 2023 là 8,7‰, "
        "đạt chỉ tiêu kế hoạch (dưới 9,5‰), giảm 0,4‰ so với năm 2022."
    )


def test_a_missed_target_without_last_year_says_both(rnd):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "9.5")  # "dưới 9,5‰": equal is not met

    row = next(r for r in consolidated_content(rnd).target_rows if r.indicator_code == "MT01-TVSS")

    assert row.status == "Không đạt"
    assert "là 9,5‰, không đạt chỉ tiêu kế hoạch (dưới 9,5‰)" in row.sentence
    assert row.sentence.endswith("chưa có số liệu năm 2022 để so sánh.")


def test_an_increase_is_written_as_such(rnd):
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2023", "9.2")
    load_rate("NEONATAL_DEATHS", "LIVE_BIRTHS", "2022", "8.9")

    row = next(r for r in consolidated_content(rnd).target_rows if r.indicator_code == "MT01-TVSS")

    assert row.sentence.endswith("tăng 0,3‰ so với năm 2022.")


def test_every_active_indicator_has_a_row_and_a_sentence_without_data(rnd, plan):
    rows = consolidated_content(rnd).target_rows

    assert [r.indicator_code for r in rows] == list(
        plan.indicators.filter(is_active=True)
        .order_by("target__order", "order")
        .values_list("code", flat=True)
    )
    assert len(rows) == 23
    assert all(r.result == "—" and r.status == "Chưa có số liệu" for r in rows)
    assert all("chưa có số liệu để đánh giá" in r.sentence for r in rows)


def test_edited_parts_replace_the_written_ones(rnd):
    content = consolidated_content(
        rnd,
        texts={
            "introduction": "Đoạn một.\n\nĐoạn hai.",
            "sentences": {"MT01-TVSS": "Câu đã sửa."},
            "closing": "Hết./.",
        },
    )

    assert content.introduction == ["Đoạn một.", "Đoạn hai."]
    assert next(r for r in content.target_rows if r.indicator_code == "MT01-TVSS").sentence == "Câu đã sửa."
    assert content.sections[-1].paragraphs == ["Hết./."]


def test_accepted_task_reports_difficulties_and_missing_bodies(rnd, plan, make_user):
    bodies_round = ReportingRound.objects.get(plan=plan, code=BODIES_ROUND)
    accepted(make_user, bodies_round, "SYT", difficulties="Thiếu cán bộ", proposals="Bổ sung kinh phí")

    content = consolidated_content(rnd)

    syt = [t for t in content.task_reports if t.body == "Sở Y tế"]
    assert syt and all(t.status == "Hoàn thành" and t.done.startswith("SYT đã làm") for t in syt)
    difficulties, proposals, missing = content.sections[0], content.sections[1], content.sections[2]
    assert "- Sở Y tế: Thiếu cán bộ" in difficulties.paragraphs
    assert "- Sở Y tế: Bổ sung kinh phí" in proposals.paragraphs
    assert "- Sở Y tế" not in missing.paragraphs
    assert "- Sở Tư pháp" in missing.paragraphs


def test_annex_has_the_targets_and_every_district(rnd, plan):
    annex = consolidated_content(rnd).annex

    by_target, values, statuses = annex
    assert len(by_target.rows) == 23
    districts = plan.province.children.count()
    assert len(values.rows) == districts and len(statuses.rows) == districts
    assert values.headings[2] == "MT01-TVSS" and len(values.headings) == 25


def test_a_body_gets_its_own_submission_in_the_same_frame(plan, make_user):
    bodies_round = ReportingRound.objects.get(plan=plan, code=BODIES_ROUND)
    submission = accepted(make_user, bodies_round, "SYT", difficulties="Thiếu cán bộ")

    content = submission_content(submission)

    assert content.header.issuing_body == "SỞ Y TẾ"
    assert content.header.parent_body == "UBND TỈNH THỪA THIÊN HUẾ"
    assert content.header.number.endswith("/BC-SYT")
    assert content.introduction == ["Ghi chú chung"]
    assert {t.task_code for t in content.task_reports} == {
        t.code for t in selectors.owed_tasks(plan, submission.agency)
    }
    assert any("Thiếu cán bộ" in line for line in content.sections[0].paragraphs)
