"""The register's pages: who opens them, what they show (dates dd/mm/yyyy, amounts "360.000 đ", the
child's cases and monthly assistance), what wrong input gives (the form again with the problem on the
field, never a 500), the confirmation step before an end is saved, and markup that fits a phone."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases.models import AccessEvent, Child
from treem.cases.tests import conftest as case_fixtures
from treem.register import services
from treem.register.models import Circumstance, Support

officers = case_fixtures.officers
register = case_fixtures.register
pytestmark = pytest.mark.django_db
LIST = "/so-theo-doi/"
CREATE = "/so-theo-doi/tre-em/moi/"
DAY = datetime.date(2024, 3, 1)
CASE_ROLES = ["commune", "district", "manager"]
OTHER_ROLES = ["leader", "reporter", "coordinator", "national"]


@pytest.fixture
def signed_in(client, officers):
    def sign_in(role: str):
        sign_in_with_factor(client, officers[role])
        return client

    return sign_in


@pytest.fixture
def child(officers) -> Child:
    return services.do_register_child(
        officers["commune"], commune_code="19903", name="Hồ Thị Mai Anh", sex="female",
        date_of_birth=datetime.date(2018, 5, 2), ethnicity="01",
    )  # fmt: skip


def page(child: Child, suffix: str = "") -> str:
    return f"/so-theo-doi/tre-em/{child.pk}/{suffix}"


def text(response) -> str:
    return response.content.decode()


# --- who ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CASE_ROLES)
def test_the_case_roles_open_the_list_and_the_child_page(signed_in, child, role):
    client = signed_in(role)

    listed, opened = client.get(LIST), client.get(page(child))

    assert (listed.status_code, opened.status_code) == (200, 200)
    assert "Hồ Thị Mai Anh" in text(listed) and "Hồ Thị Mai Anh" in text(opened)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_roles_without_case_records_get_the_404_of_a_missing_page(client, officers, child, role, main_of):
    client.force_login(officers[role])

    for url in [LIST, CREATE, page(child), page(child, "sua/"), page(child, "hoan-canh/")]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Hồ Thị Mai Anh" not in text(response)


def test_a_case_role_without_its_second_factor_is_sent_to_enter_it(client, officers, child):
    client.force_login(officers["commune"])

    response = client.get(page(child))

    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/xac-thuc/")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, child):
    response = client.get(page(child))

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_menu_links_the_register_for_case_roles_only(signed_in, client, officers):
    case_role = text(signed_in("commune").get(LIST))
    client.force_login(officers["leader"])
    leader = text(client.get("/"))

    assert reverse("register:list") in case_role and reverse("register:eligible") in case_role
    assert "Sổ theo dõi trẻ em" in case_role and "Trẻ chưa được hưởng chính sách" in case_role
    assert reverse("register:list") not in leader and reverse("register:eligible") not in leader


# --- the list ----------------------------------------------------------------------------------------------


def test_the_list_shows_each_child_with_its_groups_and_support_and_logs_one_read_each(
    signed_in, officers, child
):
    services.do_add_circumstance(officers["commune"], child, group="orphan_both", started_on=DAY)
    services.do_add_support(officers["commune"], child, kind="care", started_on=DAY, provider="UBND xã")
    other = services.do_register_child(officers["manager"], commune_code="19912", name="Phan Văn Bình")
    client = signed_in("district")
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()

    html = text(client.get(LIST))

    assert "Trẻ em mồ côi cả cha và mẹ" in html and "Đang được hỗ trợ" in html and "Chưa được hỗ trợ" in html
    reads = AccessEvent.objects.filter(id__gt=last).values_list("child_id", "action", "what")
    assert sorted(reads) == sorted([(child.pk, "read", "register list"), (other.pk, "read", "register list")])


def test_the_list_searches_and_pages_and_ignores_filters_it_does_not_know(signed_in, officers, child):
    for n in range(26):
        services.do_register_child(officers["commune"], commune_code="19903", name=f"Trẻ Thứ {n}")
    client = signed_in("commune")

    first, second = text(client.get(LIST)), text(client.get(LIST, {"trang": "2"}))
    found = text(client.get(LIST, {"q": "ho thi mai anh"}))
    odd = client.get(LIST, {"xa": "20194", "nhom": "x", "trang": "abc", "q": "' OR 1=1"})

    assert first.count("data-child=") == 25 and second.count("data-child=") == 2
    assert "Trang 1/2" in first
    assert found.count("data-child=") == 1 and "Hồ Thị Mai Anh" in found
    assert odd.status_code == 200


# --- a new child, its details ------------------------------------------------------------------------------


def test_a_district_officer_registers_a_child_in_one_of_its_communes(signed_in, officers):
    client = signed_in("district")
    form = text(client.get(CREATE))
    assert 'value="19903"' in form and 'value="19912"' in form and 'value="19750"' not in form

    response = client.post(
        CREATE,
        {"name": "Trần Văn Khoa", "commune": "19912", "sex": "male", "date_of_birth": "09/01/2016",
         "ethnicity": "26", "disability": "mild", "household": "near_poor"},
    )  # fmt: skip

    made = Child.objects.get(name_index__isnull=False, commune__code="19912")
    assert response.status_code == 302 and response["Location"] == page(made)
    assert (made.name, made.date_of_birth, made.ethnicity) == (
        "Trần Văn Khoa",
        datetime.date(2016, 1, 9),
        "26",
    )
    shown = text(client.get(page(made)))
    assert (
        "09/01/2016" in shown and "Cơ Tu" in shown and "Khuyết tật nhẹ" in shown and "Hộ cận nghèo" in shown
    )


def test_the_ethnicity_select_lists_the_54_groups(signed_in):
    html = text(signed_in("commune").get(CREATE))

    select = re.search(r'<select name="ethnicity".*?</select>', html, re.S)
    assert select is not None and select.group(0).count("<option") == 55  # and "not known"


@pytest.mark.parametrize(
    "posted, field, message",
    [
        ({"name": ""}, "name", "Nhập họ và tên của trẻ em."),
        ({"commune": "20194"}, "commune", "Không có xã này trong phạm vi của bạn."),
        ({"date_of_birth": "31/02/2020"}, "date_of_birth", "Ngày không hợp lệ"),
        ({"date_of_birth": "01/01/2999"}, "date_of_birth", "Ngày sinh ở tương lai."),
        ({"date_of_birth": "01/01/0001"}, "date_of_birth", "Năm phải từ 1900 đến 9998."),
        ({"ethnicity": "99"}, "ethnicity", "Dân tộc không có trong danh mục 54 dân tộc."),
        ({"disability": "very"}, "disability", "Giá trị “very” không có trong danh sách; hãy chọn lại."),
    ],
)
def test_wrong_input_comes_back_on_the_field_and_registers_nobody(signed_in, posted, field, message):
    client = signed_in("district")
    before = Child.objects.count()

    response = client.post(CREATE, {"name": "Trần Văn Khoa", "commune": "19912"} | posted)

    assert response.status_code == 400
    errors = re.search(rf'id="id_{field}_errors"[^>]*>(.*?)</ul>', text(response), re.S)
    assert errors is not None and message in errors.group(1)
    assert Child.objects.count() == before


def test_editing_the_details_saves_them_and_shows_them(signed_in, child):
    client = signed_in("commune")
    assert "02/05/2018" in text(client.get(page(child, "sua/")))  # the form shows the date dd/mm/yyyy

    response = client.post(
        page(child, "sua/"), {"sex": "female", "date_of_birth": "02/05/2018", "disability": "severe"}
    )

    assert response.status_code == 302
    assert Child.objects.get(pk=child.pk).disability == "severe"
    assert "Khuyết tật nặng" in text(client.get(page(child)))


# --- circumstances and supports ----------------------------------------------------------------------------


def test_the_group_select_has_the_special_and_the_at_risk_groups_apart(signed_in, child):
    html = text(signed_in("commune").get(page(child, "hoan-canh/")))

    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    assert [label for label, _ in groups] == [
        "Trẻ em có hoàn cảnh đặc biệt",
        "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
    ]
    assert groups[0][1].count("<option") == 14 and 'value="parents_away"' in groups[1][1]


def test_a_circumstance_is_added_with_typed_dates_and_shown_on_the_page(signed_in, child):
    client = signed_in("commune")

    response = client.post(page(child, "hoan-canh/"), {"group": "abandoned", "started_on": "01/03/2024"})

    assert response.status_code == 302
    row = Circumstance.objects.get(child=child)
    assert (row.group, row.started_on, row.ended_on) == ("abandoned", DAY, None)
    html = text(client.get(page(child)))
    assert "Trẻ em bị bỏ rơi" in html and "01/03/2024" in html
    assert page(child, f"hoan-canh/{row.pk}/ket-thuc/") in html


@pytest.mark.parametrize(
    "posted, field",
    [
        ({"group": "nobody"}, "group"),
        ({"started_on": "2024-13-01"}, "started_on"),
        ({"started_on": "01/01/2999"}, "started_on"),  # the service's refusal, on the field
        ({"ended_on": "29/02/2024"}, "ended_on"),  # before the start
    ],
)
def test_a_wrong_circumstance_comes_back_on_its_field(signed_in, child, posted, field):
    response = signed_in("commune").post(
        page(child, "hoan-canh/"), {"group": "abandoned", "started_on": "01/03/2024"} | posted
    )

    assert response.status_code == 400
    assert f'id="id_{field}_errors"' in text(response)
    assert not Circumstance.objects.filter(child=child).exists()


def test_a_support_is_added_and_its_amount_shown_with_thousands_dots(signed_in, child):
    client = signed_in("commune")

    response = client.post(
        page(child, "ho-tro/"),
        {"kind": "social_assistance", "started_on": "01/03/2024", "amount": "360.000", "provider": "UBND xã Phú Thuận",
         "decision": "15/QĐ-UBND"},
    )  # fmt: skip

    assert response.status_code == 302
    assert Support.objects.get(child=child).amount == Decimal(360000)
    html = text(client.get(page(child)))
    assert "360.000 đ" in html and "UBND xã Phú Thuận" in html and "15/QĐ-UBND" in html
    assert "Trợ cấp xã hội hằng tháng" in html


@pytest.mark.parametrize(
    "posted, field",
    [
        ({"amount": "ba trăm"}, "amount"),
        ({"amount": "360,5"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"provider": ""}, "provider"),
        ({"kind": "cash"}, "kind"),
    ],
)
def test_a_wrong_support_comes_back_on_its_field(signed_in, child, posted, field):
    wanted = {"kind": "care", "started_on": "01/03/2024", "provider": "UBND xã"} | posted

    response = signed_in("commune").post(page(child, "ho-tro/"), wanted)

    assert response.status_code == 400
    assert f'id="id_{field}_errors"' in text(response)
    assert not Support.objects.filter(child=child).exists()


def test_ending_asks_for_confirmation_before_saving(signed_in, officers, child):
    row = services.do_add_circumstance(officers["commune"], child, group="abandoned", started_on=DAY)
    client = signed_in("commune")
    url = page(child, f"hoan-canh/{row.pk}/ket-thuc/")

    asked = client.post(url, {"ended_on": "15/03/2024"})
    assert asked.status_code == 200 and "data-end-confirm" in text(asked) and "15/03/2024" in text(asked)
    assert Circumstance.objects.get(pk=row.pk).ended_on is None

    done = client.post(url, {"ended_on": "15/03/2024", "confirm": "yes"})

    assert done.status_code == 302
    assert Circumstance.objects.get(pk=row.pk).ended_on == datetime.date(2024, 3, 15)
    assert url not in text(client.get(page(child)))  # no "end" button once ended
    assert client.post(url, {"ended_on": "16/03/2024", "confirm": "yes"}).status_code == 409


def test_ending_a_support_before_its_start_is_refused_on_the_field(signed_in, officers, child):
    support = services.do_add_support(
        officers["commune"], child, kind="care", started_on=DAY, provider="UBND xã"
    )
    url = page(child, f"ho-tro/{support.pk}/ket-thuc/")

    response = signed_in("commune").post(url, {"ended_on": "01/02/2024", "confirm": "yes"})

    assert response.status_code == 400 and 'id="id_ended_on_errors"' in text(response)
    assert Support.objects.get(pk=support.pk).ended_on is None


# --- what the child's page adds ----------------------------------------------------------------------------


def test_the_page_links_the_childs_cases_by_code(signed_in, officers, register):
    case = register(officers["manager"], "19903")

    html = text(signed_in("commune").get(page(case.child)))

    assert f'href="{reverse("cases:detail", args=(case.code,))}"' in html


def test_the_page_shows_the_monthly_assistance_the_child_is_entitled_to_today(signed_in, officers):
    today = timezone.localdate()
    born = today.replace(year=today.year - 6, day=1)
    orphan = services.do_register_child(
        officers["commune"], commune_code="19903", name="Võ An", date_of_birth=born
    )
    services.do_add_circumstance(officers["commune"], orphan, group="orphan_both", started_on=born)
    plain = services.do_register_child(
        officers["commune"], commune_code="19903", name="Võ Bình", date_of_birth=born
    )
    client = signed_in("commune")

    entitled, not_entitled = text(client.get(page(orphan))), text(client.get(page(plain)))

    assert (
        "750.000 đ" in entitled
    )  # 1,5 × 500.000 đ (Decree 76/2024) for a child from 4 to 16 without support
    assert "chưa thuộc diện hưởng trợ cấp" in not_entitled


# --- a phone -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "sua/", "hoan-canh/", "ho-tro/"])
def test_the_pages_are_built_for_a_phone(signed_in, child, suffix):
    html = text(signed_in("commune").get(page(child, suffix)))

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "cases/cases.css" in html and "register/register.css" in html
    assert "<table" not in html  # stacked rows, never a table wider than 390 px
    for tag in re.findall(r"<(?:input|select)\b[^>]*>", html):
        if (
            'type="hidden"' in tag
            or 'name="language"' in tag
            or "csrfmiddlewaretoken" in tag
            or 'id="nav-toggle"' in tag
        ):
            continue
        assert "field-input" in tag, tag  # full width, 16 px text, large touch target (cases.css)
