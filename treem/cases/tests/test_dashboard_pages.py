"""The case dashboard (/ho-so/thong-ke/): each role with an area sees its area's counts, drills down one
level at a time inside it, never outside it (the same 404 as a missing unit), small counts are hidden
outside case management, overdue cases appear (codes for case workers, counts for the others), and no
child's name ever shows."""

from __future__ import annotations

import pytest

from treem.accounts.models import Role
from treem.accounts.policy import scope_for
from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Case, CaseState
from treem.cases.procedure import default_procedure
from treem.cases.selectors import SUPPRESSED, area_counts, case_counts, case_counts_by_unit

from .conftest import CHILD_NAME, REPORTER_NAME
from .procedure_steps import record

CASE_ROLES = {Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.CASE_MANAGER}


def sign_in(client, user) -> None:
    """Case workers with their second factor (without it they count as outsiders), the others plainly."""
    if user.role in CASE_ROLES:
        sign_in_with_factor(client, user)
    else:
        client.force_login(user)


URL = "/ho-so/thong-ke/"
HIDDEN = "&lt; 5"
FIRST_CHECK = "Kiểm tra, xác minh thông tin và đánh giá nguy cơ ban đầu"


@pytest.fixture
def three_in_19903(officers, register):
    """Three open cases in commune 19903 (district 478), each past its 12-hour check: overdue."""
    return [register(officers["manager"], "19903").code for _ in range(3)]


def totals(html: str, key: str) -> str:
    start = html.index(f'data-count="{key}"')
    return html[html.index("<strong>", start) + 8 : html.index("</strong>", start)]


def unit_row(html: str, code: str) -> str:
    start = html.index(f'<tr data-unit="{code}">')
    return html[start : html.index("</tr>", start)]


AREAS = {
    "commune": "Phú Thuận",
    "district": "Phú Vang",
    "manager": "Thừa Thiên Huế",
    "leader": "Thừa Thiên Huế",
    "coordinator": "Thừa Thiên Huế",
    "reporter": "Thừa Thiên Huế",
    "national": "Cả nước",
}


@pytest.mark.parametrize("who", sorted(AREAS))
def test_each_role_with_an_area_opens_the_dashboard_of_its_area(client, officers, three_in_19903, who):
    sign_in(client, officers[who])

    response = client.get(URL)

    assert response.status_code == 200
    assert AREAS[who] in response.content.decode().split("<h1>")[1].split("</h1>")[0]


def test_a_user_without_a_role_or_an_area_gets_404(client, make_user):
    client.force_login(make_user(Role.NONE))

    assert client.get(URL).status_code == 404
    client.force_login(make_user(Role.LEADER))  # a province-wide role without its area
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_commune_with_three_cases_shows_less_than_five_to_a_leader_and_three_to_its_officer(
    client, officers, three_in_19903
):
    client.force_login(officers["leader"])
    leader = client.get(URL, {"unit": "19903"}).content.decode()
    sign_in(client, officers["commune"])
    officer = client.get(URL, {"unit": "19903"}).content.decode()

    assert totals(leader, "open") == HIDDEN and totals(leader, "overdue") == HIDDEN
    assert totals(officer, "open") == "3" and totals(officer, "overdue") == "3"


def test_the_drill_down_table_hides_small_counts_per_unit_outside_case_management(
    client, officers, three_in_19903
):
    client.force_login(officers["leader"])
    leader = client.get(URL, {"unit": "478"}).content.decode()
    sign_in(client, officers["district"])
    district = client.get(URL, {"unit": "478"}).content.decode()

    assert HIDDEN in unit_row(leader, "19903") and ">3<" not in unit_row(leader, "19903")
    assert ">3<" in unit_row(district, "19903")
    assert ">0<" in unit_row(leader, "19912")  # zero is not hidden: it identifies nobody


def test_the_province_table_has_a_row_per_district_and_the_national_table_one_per_province(
    client, officers, three_in_19903
):
    sign_in(client, officers["manager"])
    province = client.get(URL).content.decode()
    client.force_login(officers["national"])
    country = client.get(URL).content.decode()

    assert ">3<" in unit_row(province, "478") and '<tr data-unit="474">' in province
    assert '<tr data-unit="19903">' not in province
    assert '<tr data-unit="46">' in country and '<tr data-unit="48">' in country
    assert HIDDEN in unit_row(country, "46")


@pytest.mark.parametrize(
    "who, outside",
    [("commune", "19912"), ("commune", "478"), ("district", "474"), ("district", "46"),
     ("leader", "490"), ("manager", "48"), ("coordinator", "20194")],
)  # fmt: skip
def test_a_unit_outside_the_area_is_the_same_404_as_a_missing_one(client, officers, main_of, who, outside):
    sign_in(client, officers[who])

    response = client.get(URL, {"unit": outside})
    missing = client.get(URL, {"unit": "99999"})

    assert response.status_code == missing.status_code == 404
    assert main_of(response) == main_of(missing)


def test_the_national_role_chooses_any_province(client, officers, register):
    register(officers["manager_48"], "20194")
    client.force_login(officers["national"])

    response = client.get(URL, {"unit": "48"})

    assert response.status_code == 200
    assert totals(response.content.decode(), "open") == HIDDEN
    assert '<tr data-unit="490">' in response.content.decode()


def test_case_workers_see_the_overdue_cases_with_their_overdue_step(client, officers, three_in_19903):
    from treem.accounts.testing_otp import sign_in_with_factor

    sign_in_with_factor(client, officers["district"])

    html = client.get(URL).content.decode()

    for code in three_in_19903:
        assert f'href="/ho-so/{code}/"' in html
    assert FIRST_CHECK in html.split("data-overdue")[1]
    assert "Xã Phú Thuận" in html.split("data-overdue")[1]


def test_a_case_worker_without_its_second_factor_sees_counts_as_outsiders_do(
    client, officers, three_in_19903
):
    client.force_login(officers["district"])  # signed in with the password, no code entered yet

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200 and totals(html, "overdue") == "&lt; 5"
    assert "data-overdue" not in html and not any(code in html for code in three_in_19903)
    assert 'href="/tai-khoan/xac-thuc/thiet-lap/?next=%2Fho-so%2Fthong-ke%2F"' in html.split("data-verify")[1]


@pytest.mark.parametrize("who", ["leader", "coordinator", "reporter", "national"])
def test_roles_without_case_access_see_overdue_counts_but_no_case_code(client, officers, three_in_19903, who):
    sign_in(client, officers[who])

    html = client.get(URL, {"unit": "478"} if who != "national" else {}).content.decode()

    assert "data-overdue" not in html and "data-verify" not in html
    assert not any(code in html for code in three_in_19903)
    assert 'data-label="Quá hạn"' in html


@pytest.mark.parametrize("who", sorted(AREAS))
def test_no_name_and_no_access_event_on_the_dashboard(client, officers, three_in_19903, who):
    sign_in(client, officers[who])
    before = AccessEvent.objects.count()

    html = client.get(URL).content.decode()

    assert CHILD_NAME not in html and REPORTER_NAME not in html
    assert AccessEvent.objects.count() == before


def test_counts_by_harm_risk_and_step_use_the_procedure_labels(client, officers, register):
    for harms in (["violence"], ["violence", "neglect"], ["neglect"]):
        register(officers["manager"], "19903", harms=harms)
    sign_in(client, officers["commune"])

    html = client.get(URL).content.decode()

    assert '<th scope="row">Bạo lực</th><td class="num">2</td>' in html
    assert '<th scope="row">Bỏ mặc, sao nhãng việc chăm sóc</th><td class="num">2</td>' in html
    assert '<th scope="row">Chưa đánh giá</th><td class="num">3</td>' in html
    assert '<th scope="row">Tiếp nhận thông tin, thông báo, tố giác</th><td class="num">3</td>' in html


def test_closed_cases_are_counted_apart(client, officers, three_in_19903):
    Case.objects.filter(code=three_in_19903[0]).update(state=CaseState.CLOSED, next_due_at=None)
    sign_in(client, officers["commune"])

    html = client.get(URL).content.decode()

    assert (totals(html, "open"), totals(html, "closed"), totals(html, "overdue")) == ("2", "1", "2")


@pytest.mark.parametrize(
    "query",
    [{"unit": "x" * 5000}, {"unit": "\x00"}, {"unit": "46/478"}, {"unit": ["46", "48"]}, {"page": "-1"},
     {"page": "abc"}, {"unit": " 478 "}],
)  # fmt: skip
def test_wrong_input_is_never_a_server_error(client, officers, three_in_19903, query):
    sign_in(client, officers["district"])

    response = client.get(URL, query)

    assert response.status_code in (200, 400, 404)  # 400: a NUL character, refused before any view


def test_a_post_is_refused(client, officers):
    client.force_login(officers["leader"])

    assert client.post(URL).status_code == 405


def test_the_breakdown_by_unit_is_one_grouped_query_whatever_the_number_of_units(
    officers, three_in_19903, register, django_assert_num_queries
):
    register(officers["manager"], "19750")
    scope = scope_for(officers["leader"])

    with django_assert_num_queries(3):  # the units of the area, the GROUP BY, then the rows' units
        rows = case_counts_by_unit(scope, "46/")

    by_code = {row.unit.code: row.counts for row in rows}
    assert by_code["478"] == {"open": SUPPRESSED, "overdue": SUPPRESSED, "closed": 0}
    assert by_code["474"]["open"] is SUPPRESSED and len(by_code) > 5


def test_the_breakdown_by_unit_is_empty_for_a_commune_or_an_area_outside_the_scope(officers, three_in_19903):
    assert case_counts_by_unit(scope_for(officers["commune"]), "46/478/19903/") == []
    assert case_counts_by_unit(scope_for(officers["district"]), "46/474/") == []


@pytest.mark.parametrize("who", ["manager", "district", "commune", "leader", "national"])
def test_the_area_totals_are_those_of_counting_by_state_and_by_clock(officers, register, who):
    for commune in ("19903", "19903", "19912", "19750", "19750", "19750"):
        register(officers["manager"], commune)
    Case.objects.filter(pk=Case.objects.order_by("pk")[0].pk).update(state=CaseState.CLOSED)
    Case.objects.filter(pk=Case.objects.order_by("pk")[1].pk).update(next_due_at=None)
    scope = scope_for(officers[who])

    for within in (None, "46/", "46/478/", "46/478/19903/"):
        found = area_counts(scope, within).totals
        expected = case_counts(scope, "state", within=within) | case_counts(scope, "overdue", within=within)
        assert found == expected
        assert [row.counts for row in area_counts(scope, within).units] == [
            row.counts for row in case_counts_by_unit(scope, within)
        ]


def test_counting_by_harm_counts_a_case_under_each_of_its_harms_and_every_harm_listed(officers, register):
    register(officers["manager"], "19903", harms=["violence", "neglect"])
    register(officers["manager"], "19903", harms=["neglect"])

    counts = case_counts(scope_for(officers["manager"]), "harm")

    assert counts["violence"] == 1 and counts["neglect"] == 2
    assert set(counts) == {choice.code for choice in default_procedure().choices("harms")}
    assert sum(counts.values()) == 3


def test_counting_by_state_counts_closed_cases_without_being_asked(officers, three_in_19903):
    Case.objects.filter(code=three_in_19903[0]).update(state=CaseState.CLOSED)

    counts = case_counts(scope_for(officers["manager"]), "state")

    assert counts == {"open": 2, "closed": 1}


NAV = {
    "Hồ sơ trẻ em": "/ho-so/",
    "Việc cần làm": "/ho-so/viec-can-lam/",
    "Tiếp nhận": "/ho-so/tiep-nhan/",
    "Thống kê trường hợp": "/ho-so/thong-ke/",
    "Nhật ký truy cập hồ sơ": "/ho-so/nhat-ky-truy-cap/",
}
CASE_WORK = {"Hồ sơ trẻ em", "Việc cần làm", "Tiếp nhận", "Thống kê trường hợp"}
NAV_OF = {
    "commune": CASE_WORK,
    "district": CASE_WORK,
    "manager": CASE_WORK,
    "leader": {"Thống kê trường hợp"},
    "reporter": {"Thống kê trường hợp"},
    "national": {"Thống kê trường hợp"},
    "coordinator": {"Thống kê trường hợp", "Nhật ký truy cập hồ sơ"},
}


@pytest.mark.parametrize("who", sorted(NAV_OF))
def test_the_menu_links_the_case_pages_each_role_may_open(client, officers, who):
    sign_in(client, officers[who])

    nav = client.get("/don-vi/").content.decode().split('<nav class="mainnav"')[1].split("</nav>")[0]

    shown = {label for label, url in NAV.items() if f'<a href="{url}">{label}</a>' in nav}
    assert shown == NAV_OF[who]


def test_a_user_without_a_role_gets_no_case_link(client, make_user):
    client.force_login(make_user(Role.NONE))

    nav = client.get("/don-vi/").content.decode().split('<nav class="mainnav"')[1].split("</nav>")[0]

    assert "/ho-so/" not in nav


def test_every_step_past_its_deadline_is_named_and_none_that_is_still_on_time(officers, register):
    from treem.cases.selectors import overdue_steps
    from treem.cases.services import do_record_step

    from .conftest import local
    from .procedure_steps import step_values

    manager = officers["manager"]
    late = register(manager, "19903", received_at=local(2024, 4, 25, 9, 0))
    do_record_step(
        manager, late, "initial_assessment", *step_values("initial_assessment", local(2024, 4, 25, 15, 0))
    )
    fresh = register(manager, "19903", received_at=local(2024, 4, 25, 9, 0))

    steps = overdue_steps(Case.objects.filter(pk__in=[late.pk, fresh.pk]), now=local(2024, 5, 10, 8, 0))
    early = overdue_steps(Case.objects.filter(pk__in=[late.pk]), now=local(2024, 4, 25, 22, 0))

    assert steps[late.pk] == [
        "Áp dụng biện pháp khẩn cấp, tạm thời cách ly trẻ em",
        "Đánh giá nguy cơ chi tiết",
    ]
    assert steps[fresh.pk] == [FIRST_CHECK]
    assert early[late.pk] == ["Áp dụng biện pháp khẩn cấp, tạm thời cách ly trẻ em"]


# --- complementary suppression: no hidden count comes back by subtraction ---------------------------------


def test_one_hidden_district_hides_another_so_the_total_gives_neither_back(client, officers, register):
    for _ in range(6):
        register(officers["manager"], "19903")  # district 478
    for _ in range(2):
        register(officers["manager"], "19750")  # district 474
    sign_in(client, officers["leader"])

    html = client.get(URL).content.decode()

    assert totals(html, "open") == "8"
    assert f'data-label="Đang xử lý">{HIDDEN}<' in unit_row(html, "474")
    assert f'data-label="Đang xử lý">{HIDDEN}<' in unit_row(html, "478")  # 8 − 2 would have given 6


def test_a_case_worker_in_its_own_area_sees_every_count(client, officers, register):
    for _ in range(6):
        register(officers["manager"], "19903")
    for _ in range(2):
        register(officers["manager"], "19750")
    sign_in(client, officers["manager"])

    html = client.get(URL).content.decode()

    assert 'data-label="Đang xử lý">2<' in unit_row(html, "474")
    assert 'data-label="Đang xử lý">6<' in unit_row(html, "478")


def test_a_split_of_the_open_cases_never_leaves_exactly_one_count_hidden(officers, register):
    for _ in range(6):
        register(officers["manager"], "19903")
    case = register(officers["manager"], "19912")
    record(officers["manager"], case, "initial_assessment", case.received_at)
    leader = scope_for(officers["leader"])

    by_step = case_counts(leader, "step")
    by_clock = case_counts(leader, "overdue")

    assert [n for n in by_step.values() if n is SUPPRESSED] != [SUPPRESSED]
    assert list(by_step.values()).count(SUPPRESSED) == 2  # the one hidden step and its complement
    assert list(by_clock.values()).count(SUPPRESSED) != 1
