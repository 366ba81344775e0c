"""A consolidated report leaves the application: whoever builds or downloads it, a value computed from a
small count of children's records (1 … 4, treem.indicators.disclosure) is not published, in the results
table, the sentence, the annex by district (with a complement among the districts) and the Excel file.
Figures: treem.indicators.tests.test_disclosure_rule.derived_figures (3, 20, 10, 0 children in 2026S1)."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from treem.accounts.models import Role
from treem.accounts.testing_otp import sign_in_with_factor
from treem.indicators.datavalues import ValueInput
from treem.indicators.models import DataElement
from treem.indicators.tests.test_disclosure_rule import SINCE, communes, derived_figures, write
from treem.reporting.documents.xlsx import annex_xlsx
from treem.reporting.models import ReportingRound
from treem.reporting.report_content import consolidated_content

from .test_report_content import CONSOLIDATED

HIDDEN = "Không công bố"
XLSX = f"/bao-cao/tth-2023/{CONSOLIDATED}/tong-hop/bao-cao.xlsx"


@pytest.fixture
def rnd(plan):
    """The office's consolidated report, for 2026S1 (the figures' period)."""
    found = ReportingRound.objects.get(plan=plan, code=CONSOLIDATED)
    found.milestone.period = "2026S1"
    found.milestone.save(update_fields=["period"])
    return ReportingRound.objects.get(pk=found.pk)


def one_commune_with_three(code: str) -> None:
    """The only derived figure in the province: 3 children in `code`; a typed 3 of 1000 births there."""
    DataElement.objects.filter(code="SPECIAL_CIRCUMSTANCES").update(
        derived_rule="register.special_circumstances", derived_since=SINCE
    )
    write(
        [
            ValueInput("CHILDREN_TOTAL", "default", code, "2026S1", 1000),
            ValueInput("LIVE_BIRTHS", "default", code, "2026S1", 1000),
            ValueInput("NEONATAL_DEATHS", "default", code, "2026S1", 3),
        ]
    )
    write([ValueInput("SPECIAL_CIRCUMSTANCES", "default", code, "2026S1", 3)], derivation=True)


def row_of(content, code: str):
    return next(r for r in content.target_rows if r.indicator_code == code)


def annex_cell(content, district: str, indicator: str):
    table = next(t for t in content.annex if t.title == "Theo huyện - kết quả")
    row = next(r for r in table.rows if r[0] == district)
    return row[table.headings.index(indicator)]


def test_a_province_value_from_a_small_derived_count_is_not_published(rnd):
    one_commune_with_three(communes()[0])
    content = consolidated_content(rnd)
    hcdb = row_of(content, "MT05-HCDB")
    assert hcdb.result == HIDDEN
    assert "không công bố vì tính từ số đếm nhỏ (dưới 5) trong hồ sơ trẻ em" in hcdb.sentence
    assert "0,3" not in hcdb.sentence
    assert hcdb.status  # the verdict stays, as on the scorecard
    assert annex_cell(content, "474", "MT05-HCDB") == HIDDEN
    # typed figures are published however small: 3 deaths of 1000 births
    tvss = row_of(content, "MT01-TVSS")
    assert tvss.result == "3‰ trẻ đẻ sống"
    assert annex_cell(content, "474", "MT01-TVSS") == 3.0


def test_a_lone_hidden_district_takes_another_with_it_and_the_province_total_stays(rnd):
    derived_figures()  # 33 children in district 474
    write([ValueInput("CHILDREN_TOTAL", "default", communes("476", 1)[0], "2026S1", 1000)])
    write(
        [ValueInput("SPECIAL_CIRCUMSTANCES", "default", communes("476", 1)[0], "2026S1", 4)], derivation=True
    )
    content = consolidated_content(rnd)
    # 37 of 5000 children in the province: published
    assert row_of(content, "MT05-HCDB").result == "0,74%"
    assert annex_cell(content, "476", "MT05-HCDB") == HIDDEN  # 4 children
    assert annex_cell(content, "474", "MT05-HCDB") == HIDDEN  # else 37 − 33 gives the 4 back
    sheet = load_workbook(BytesIO(annex_xlsx(content)))["Theo huyện - kết quả"]
    assert HIDDEN in {cell.value for row in sheet.iter_rows() for cell in row}
    assert 0.4 not in {cell.value for row in sheet.iter_rows() for cell in row}  # 476: 4 of 1000


def test_zero_and_large_derived_values_are_published(rnd):
    derived_figures()
    content = consolidated_content(rnd)
    assert row_of(content, "MT05-HCDB").result == "0,83%"  # 33 of 4000
    assert annex_cell(content, "474", "MT05-HCDB") == 0.83


def test_a_case_manager_with_the_second_factor_downloads_the_same_hidden_annex(client, rnd, make_user):
    one_commune_with_three(communes()[0])
    sign_in_with_factor(client, make_user(Role.CASE_MANAGER, "46"))
    response = client.get(XLSX)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["Theo huyện - kết quả"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "474")
    headings = next(r for r in sheet.iter_rows(values_only=True) if "MT05-HCDB" in r)
    assert row[headings.index("MT05-HCDB")] == HIDDEN
