"""The data entry pages: who may open them, the grid, one cell saved at a time, and completion."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from treem.accounts.models import Role
from treem.indicators.models import Completion, DataValue
from treem.units.models import AdministrativeUnit

INDEX = "/so-lieu/"
SYT_474 = "/so-lieu/SYT/2023S1/474/"
SGDDT_474 = "/so-lieu/SGDDT/2023S1/474/"
COMMUNE = "19750"  # Phường Tây Lộc, a commune of Thành phố Huế (474)


def cell_url(page: str, element: str, unit: str = COMMUNE, combo: str = "default") -> str:
    return f"{page}o/{unit}/{element}/{combo}/"


def stored(element: str, unit: str = COMMUNE, period: str = "2023S1", combo: str = "default"):
    return (
        DataValue.objects.filter(
            element__code=element, combo__code=combo, unit__code=unit, period__code=period
        )
        .values_list("value", flat=True)
        .first()
    )


def communes_of(code: str) -> list[str]:
    return list(
        AdministrativeUnit.objects.filter(parent__code=code).order_by("path").values_list("code", flat=True)
    )


def options(html: str, name: str) -> list[str]:
    """The option values of the <select name=...> in a page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def syt_reporter(make_user):
    return make_user(Role.AGENCY_REPORTER, agency_code="SYT")


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def as_syt(client, syt_reporter):
    client.force_login(syt_reporter)
    return client


# --- index -----------------------------------------------------------------------------------------------


def test_index_offers_every_supplier_the_plan_periods_and_districts_to_a_coordinator(as_coordinator):
    html = as_coordinator.get(INDEX).content.decode()

    assert options(html, "agency") == ["SGDDT", "SLDTBXH", "STP", "SYT"]
    assert options(html, "period") == ["2022S1", "2022S2", "2022", "2023S1", "2023S2", "2023"]
    assert '<option value="46" selected>' in html  # the coordinator's own unit is the default
    units = options(html, "unit")
    assert units[:2] == ["46", "474"] and len(units) == 10  # the province and its nine districts
    assert COMMUNE not in units  # a province-wide list of communes would be too long


def test_index_offers_an_agency_reporter_its_own_agency_only(as_syt):
    html = as_syt.get(INDEX).content.decode()

    assert options(html, "agency") == ["SYT"]


def test_index_redirects_to_the_chosen_entry_page(as_coordinator):
    response = as_coordinator.get(INDEX, {"agency": "SYT", "period": "2023S1", "unit": "474"})

    assert response.status_code == 302
    assert response["Location"] == SYT_474


def test_district_officer_chooses_among_suppliers_and_the_units_of_its_district(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"))

    html = client.get(INDEX).content.decode()

    assert '<option value="SYT"' in html and '<option value="SGDDT"' in html
    assert set(options(html, "unit")) == {"478", *communes_of("478")}


@pytest.mark.parametrize("page", [INDEX, SYT_474])
def test_leader_cannot_open_data_entry(client, make_user, page):
    client.force_login(make_user(Role.LEADER, "46"))

    assert client.get(page).status_code == 403


# --- the entry page --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope",
    [
        dict(role=Role.PROVINCE_COORDINATOR, unit_code="46"),
        dict(role=Role.AGENCY_REPORTER, agency_code="SYT"),
    ],
    ids=["coordinator", "syt-reporter"],
)
def test_entry_page_shows_a_row_per_commune_and_an_input_per_syt_element_and_combo(client, make_user, scope):
    client.force_login(make_user(**scope))

    response = client.get(SYT_474)

    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<tr data-unit="(\d+)">', html)
    assert rows == communes_of("474")
    assert 'data-element="LIVE_BIRTHS"' in html and 'data-element="CHILDREN_AGED_5"' not in html
    assert f'id="o-{COMMUNE}-LIVE_BIRTHS-default"' in html
    assert (
        f'id="o-{COMMUNE}-CHILDREN_UNDER5-rural"' in html
        and f'id="o-{COMMUNE}-CHILDREN_UNDER5-urban"' in html
    )
    assert 'inputmode="decimal"' in html
    assert "Đánh dấu hoàn thành" in html


def test_entry_page_shows_stored_values_in_vietnamese_format(as_coordinator):
    as_coordinator.post(cell_url(SYT_474, "CHILDREN_UNDER6"), {"value": "12345"})

    html = as_coordinator.get(SYT_474).content.decode()

    assert re.search(rf'id="o-{COMMUNE}-CHILDREN_UNDER6-default"[^>]*value="12\.345"', html)


def test_agency_reporter_cannot_open_another_agencys_page(as_syt):
    assert as_syt.get(SGDDT_474).status_code == 404  # as if the agency supplied nothing


def test_district_officer_may_not_open_another_district(client, make_user, main_of):
    client.force_login(make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"))

    assert client.get("/so-lieu/SYT/2023S1/478/").status_code == 200
    assert client.get(SYT_474).status_code == 404
    assert main_of(client.get(SYT_474)) == main_of(client.get("/so-lieu/SYT/2023S1/99999/"))


def test_unknown_agency_period_or_unit_is_not_found(as_coordinator):
    assert as_coordinator.get("/so-lieu/SYT/2023X9/474/").status_code == 404
    assert as_coordinator.get("/so-lieu/KHONGCO/2023S1/474/").status_code == 404
    assert as_coordinator.get("/so-lieu/SYT/2023S1/99999/").status_code == 404
    assert as_coordinator.get("/so-lieu/CAT/2023S1/474/").status_code == 404  # supplies no figures


def test_province_page_lists_communes_under_their_district(as_coordinator):
    html = as_coordinator.get("/so-lieu/STP/2023/46/").content.decode()

    groups = re.findall(r'<tr class="group"><th class="unit">[^<]*\((\d+)\)</th>', html)
    assert groups == ["474", "476", "477", "478", "479", "480", "481", "482", "483"]
    assert (
        len(re.findall(r'<tr data-unit="', html))
        == AdministrativeUnit.objects.filter(level="commune", path__startswith="46/").count()
    )


# --- one cell --------------------------------------------------------------------------------------------


def test_cell_post_saves_the_value_with_its_history_and_returns_it_formatted(as_coordinator, coordinator):
    response = as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": "1234"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<td")
    assert 'value="1.234"' in html and "Đã lưu" in html
    value = DataValue.objects.get(
        element__code="LIVE_BIRTHS", unit__code=COMMUNE, period__code="2023S1", combo__code="default"
    )
    assert value.value == Decimal(1234) and value.stored_by == coordinator
    assert [h.history_type for h in value.history.all()] == ["+"]

    as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": "1.300"})

    value.refresh_from_db()
    assert value.value == Decimal(1300)
    assert sorted(h.value for h in value.history.all()) == [Decimal(1234), Decimal(1300)]


def test_a_count_typed_with_a_thousands_dot_is_saved_in_its_combo(as_coordinator):
    response = as_coordinator.post(cell_url(SYT_474, "CHILDREN_UNDER5", combo="urban"), {"value": "2.500"})

    assert 'value="2.500"' in response.content.decode()
    assert stored("CHILDREN_UNDER5", combo="urban") == Decimal(2500)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("abc", "&#x27;abc&#x27; không phải là số"),
        ("-3", "&#x27;-3&#x27; không được âm"),
        ("1,5", "&#x27;1,5&#x27; phải là số nguyên (số đếm)"),
    ],
)
def test_bad_value_returns_the_vietnamese_error_and_writes_nothing(as_coordinator, raw, message):
    response = as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": raw})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="cell has-error"' in html
    assert f'value="{raw}"' in html  # what was typed stays in the box to be corrected
    assert not DataValue.objects.filter(element__code="LIVE_BIRTHS").exists()


def test_more_neonatal_deaths_than_deaths_under_one_is_refused(as_coordinator):
    as_coordinator.post(cell_url(SYT_474, "DEATHS_UNDER1"), {"value": "2"})

    response = as_coordinator.post(cell_url(SYT_474, "NEONATAL_DEATHS"), {"value": "5"})

    html = response.content.decode()
    assert "Số trẻ sơ sinh tử vong không được lớn hơn số trẻ dưới 1 tuổi tử vong" in html
    assert 'class="cell has-error"' in html
    assert stored("NEONATAL_DEATHS") is None
    assert stored("DEATHS_UNDER1") == Decimal(2)


def test_an_outlier_is_saved_with_an_amber_warning(as_coordinator):
    for period in ("2022S1", "2022S2"):
        as_coordinator.post(cell_url(f"/so-lieu/SYT/{period}/474/", "LIVE_BIRTHS"), {"value": "40"})

    response = as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": "400"})

    html = response.content.decode()
    assert 'class="cell has-warning"' in html
    assert '<span class="cell-msg warning" role="status">giá trị 400 khác xa trung bình các kỳ trước' in html
    assert stored("LIVE_BIRTHS") == Decimal(400)


def test_syt_reporter_cannot_save_an_education_figure(as_syt):
    response = as_syt.post(cell_url(SYT_474, "CHILDREN_AGED_5"), {"value": "40"})

    assert response.status_code == 404  # not a cell of the Sở Y tế page
    assert not DataValue.objects.filter(element__code="CHILDREN_AGED_5").exists()
    assert as_syt.post(cell_url(SGDDT_474, "CHILDREN_AGED_5"), {"value": "40"}).status_code == 404


def test_emptying_a_cell_deletes_the_value_and_keeps_it_in_history(as_coordinator):
    as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": "50"})
    value = DataValue.objects.get(element__code="LIVE_BIRTHS", unit__code=COMMUNE)

    response = as_coordinator.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": ""})

    assert 'value=""' in response.content.decode()
    assert stored("LIVE_BIRTHS") is None
    assert [h.history_type for h in DataValue.history.filter(id=value.pk).order_by("history_id")] == [
        "+",
        "-",
    ]


def test_unknown_element_in_a_cell_post_is_not_found_not_a_crash(as_coordinator):
    response = as_coordinator.post(cell_url(SYT_474, "KHONG_CO"), {"value": "1"})

    assert response.status_code == 404
    assert not DataValue.objects.exists()


def test_leader_cell_post_is_forbidden(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))

    assert client.post(cell_url(SYT_474, "LIVE_BIRTHS"), {"value": "1"}).status_code == 403
    assert not DataValue.objects.exists()


def test_cell_endpoint_refuses_get(as_coordinator):
    assert as_coordinator.get(cell_url(SYT_474, "LIVE_BIRTHS")).status_code == 405


# --- completion ------------------------------------------------------------------------------------------


def test_mark_complete_records_who_and_when_and_can_be_taken_back(as_syt, syt_reporter):
    response = as_syt.post(f"{SYT_474}hoan-thanh/", {"action": "mark"})

    assert response.status_code == 302
    done = Completion.objects.get(agency__code="SYT", unit__code="474", period__code="2023S1")
    assert done.completed_by == syt_reporter
    html = as_syt.get(SYT_474).content.decode()
    when = timezone.localtime(done.completed_at).strftime("%d/%m/%Y %H:%M")
    assert f"Đã đánh dấu hoàn thành bởi {syt_reporter} lúc {when}." in html
    assert "Bỏ đánh dấu hoàn thành" in html

    as_syt.post(f"{SYT_474}hoan-thanh/", {"action": "unmark"})

    assert not Completion.objects.exists()


def test_completion_time_is_shown_in_vietnam_time(as_coordinator, coordinator):
    as_coordinator.post(f"{SYT_474}hoan-thanh/", {"action": "mark"})
    done = Completion.objects.get()
    Completion.objects.filter(pk=done.pk).update(
        completed_at=datetime.datetime(2023, 7, 3, 17, 30, tzinfo=datetime.UTC)
    )

    assert "lúc 04/07/2023 00:30." in as_coordinator.get(SYT_474).content.decode()


def test_leader_cannot_mark_complete(client, make_user):
    client.force_login(make_user(Role.LEADER, "46"))

    assert client.post(f"{SYT_474}hoan-thanh/", {"action": "mark"}).status_code == 403
    assert not Completion.objects.exists()


# --- paging a large grid ---------------------------------------------------------------------------------


def test_large_grids_are_paged_without_splitting_a_district_that_fits_on_a_page():
    from treem.entry.selectors import Row, paginate

    rows = [Row(unit=f"{d}-{i}", group=d, cells=[]) for d in ("A", "B", "C") for i in range(100)]

    pages = paginate(rows, max_rows=250)

    assert [len(p) for p in pages] == [200, 100]
    assert {r.group for r in pages[1]} == {"C"}
    assert [len(p) for p in paginate(rows[:100] * 6, max_rows=250)] == [250, 250, 100]


def test_a_crafted_cell_url_cannot_read_or_write_outside_the_page(client, make_user):
    """A commune officer's page is its commune; a cell URL naming another district's commune, or an
    element its page's agency does not supply, is not found and shows no stored figure."""
    from treem.accounts.policy import EntryScope
    from treem.indicators.datavalues import ValueInput, import_values

    import_values(
        [ValueInput("LIVE_BIRTHS", "default", "19903", "2023S1", "4321")], user=None, scope=EntryScope(True)
    )
    client.force_login(make_user(Role.COMMUNE_OFFICER, "19750"))
    own_page = "/so-lieu/SYT/2023S1/19750/"

    elsewhere = client.post(cell_url(own_page, "LIVE_BIRTHS", unit="19903"), {"value": "x"})
    not_supplied = client.post(cell_url(own_page, "CHILDREN_AGED_5", unit="19750"), {"value": "1"})

    assert elsewhere.status_code == 404 and "4.321" not in elsewhere.content.decode()
    assert not_supplied.status_code == 404
    assert stored("LIVE_BIRTHS", unit="19903") == Decimal("4321")
    assert stored("CHILDREN_AGED_5", unit="19750") is None
