"""A province coordinator fills the Sở Y tế template for Thành phố Huế in Excel, uploads it, confirms, and
reads the neonatal mortality rate the figures make on the scorecard."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from treem.core.numbers import round_half_up
from treem.indicators.models import DataValue
from treem.units.models import AdministrativeUnit

pytestmark = pytest.mark.browser

ENTRY = "/so-lieu/SYT/2023S1/474/"


def fill_template(path: str, births: dict[str, int], deaths: dict[str, int]) -> bytes:
    """Type the figures into the downloaded template as a user would, finding columns by the header row."""
    with open(path, "rb") as f:  # Playwright keeps downloads under a name without extension
        wb = load_workbook(io.BytesIO(f.read()))
    ws = wb["Số liệu"]
    header = {ws.cell(7, c).value: c for c in range(1, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(8, ws.max_row + 1)}
    for unit, value in births.items():
        ws.cell(rows[unit], header["Số trẻ đẻ sống"], value)
    for unit, value in deaths.items():
        ws.cell(rows[unit], header["Số trẻ sơ sinh tử vong"], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def vietnamese(value: Decimal) -> str:
    """Two decimals, decimal comma, thousands dot: how the scorecard prints a rate."""
    return f"{round_half_up(value, 2):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def test_coordinator_round_trips_the_excel_template_and_sees_the_rate(page, site_data, coordinator, tmp_path):
    communes = list(
        AdministrativeUnit.objects.filter(parent__code="474").order_by("path").values_list("code", flat=True)
    )
    assert len(communes) > 20
    births = {code: 180 + 7 * i for i, code in enumerate(communes)}
    deaths = {code: i % 3 for i, code in enumerate(communes)}
    expected_rate = Decimal(sum(deaths.values())) / Decimal(sum(births.values())) * 1000

    sign_in(page, site_data.url, ENTRY, coordinator.username)
    assert page.locator("h1").inner_text() == "Nhập số liệu: Sở Y tế"
    assert page.locator("#entry-grid tbody tr[data-unit]").count() == len(communes)

    with page.expect_download() as download_info:
        page.click("#download-template")
    download = download_info.value
    assert download.suggested_filename == "so-lieu-SYT-2023S1-474.xlsx"
    filled = tmp_path / "so-lieu-hue.xlsx"
    filled.write_bytes(fill_template(download.path(), births, deaths))

    page.set_input_files("input[name=file]", str(filled))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_selector("#counts")
    assert page.locator('[data-count="new"]').inner_text() == str(2 * len(communes))
    assert page.locator('[data-count="changed"]').inner_text() == "0"
    assert page.locator("#conflicts").count() == 0
    assert not DataValue.objects.exists()  # the preview wrote nothing

    page.click("text=Xác nhận ghi")
    page.wait_for_url(re.compile(re.escape(ENTRY) + "$"))
    assert f"{2 * len(communes)} giá trị mới" in page.locator(".messages").inner_text()
    first = communes[0]
    assert page.locator(f"#o-{first}-LIVE_BIRTHS-default").input_value() == str(births[first])
    assert DataValue.objects.filter(period__code="2023S1", unit__parent__code="474").count() == 2 * len(
        communes
    )

    # the engine's own account of the rate (the scorecard shows the same evaluation)
    out = io.StringIO()
    call_command("evaluate_targets", "--plan", "tth-2023", "--period", "2023S1", "--unit", "474", stdout=out)
    result = next(r for r in json.loads(out.getvalue()) if r["indicator"] == "MT01-TVSS")
    assert (result["numerator"], result["denominator"]) == (sum(deaths.values()), sum(births.values()))
    assert Decimal(str(result["value"])) == round_half_up(expected_rate, 4)
    assert result["status"] in ("on_track", "behind")  # a half-year: progress, not the year's verdict

    page.goto(f"{site_data.url}/bang-theo-doi/?period=2023S1&unit=474")
    shown = page.locator('[data-indicator="MT01-TVSS"] [data-value]').first.inner_text().strip()
    assert shown == vietnamese(expected_rate)
