"""The export of personal data (/ho-so/xuat.xlsx, treem/cases/views_export.py): only the roles that read
case records get it, with the cases of their own area only; each case exported leaves one EXPORT event in
the export's transaction; above the row limit, or with a filter it does not take, nothing is exported and
nothing is logged."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from treem.accounts.testing_otp import sign_in_with_factor
from treem.cases import views_export
from treem.cases.access import record_access, record_accesses
from treem.cases.models import AccessEvent

from .conftest import CHILD_NAME, REPORTER_NAME, local

URL = "/ho-so/xuat.xlsx"
COMMUNES = {"19903": "manager", "19912": "manager", "19750": "manager", "20194": "manager_48"}
SEES = {
    "commune": {"19903"},
    "commune_19912": {"19912"},
    "district": {"19903", "19912"},
    "district_474": {"19750"},
    "manager": {"19903", "19912", "19750"},
    "manager_48": {"20194"},
}
AGGREGATES_ONLY = ["leader", "reporter", "coordinator", "national"]
HEADING_ROW = 3


@pytest.fixture
def cases(officers, register):
    return {code: register(officers[actor], code) for code, actor in COMMUNES.items()}


@pytest.fixture
def as_user(client):
    def sign_in(user):
        sign_in_with_factor(client, user)
        return client

    return sign_in


def rows_of(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def last_id() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def new_events(since: int) -> list[tuple[str, int]]:
    return list(AccessEvent.objects.filter(id__gt=since).order_by("id").values_list("action", "case_id"))


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_case_role_exports_its_own_cases_with_one_export_event_each(officers, cases, as_user, who):
    since = last_id()

    response = as_user(officers[who]).get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    body = rows[HEADING_ROW:]
    assert {row[1] for row in body} == {cases[code].code for code in SEES[who]}
    assert sorted(new_events(since)) == sorted(("export", cases[code].pk) for code in SEES[who])
    assert AccessEvent.objects.filter(id__gt=since).first().what.startswith("export xlsx:")


def test_the_workbook_has_vietnamese_columns_labels_and_dates(officers, cases, as_user):
    rows = rows_of(as_user(officers["commune"]).get(URL))

    headings = rows[HEADING_ROW - 1]
    assert headings[:4] == ("STT", "Mã trường hợp", "Xã", "Họ và tên trẻ em")
    assert "Hành vi xâm hại, nguy cơ" in headings and headings[-1] == "Trạng thái"
    (row,) = rows[HEADING_ROW:]
    by_heading = dict(zip(headings, row, strict=True))
    assert by_heading["Họ và tên trẻ em"] == CHILD_NAME
    assert by_heading["Giới tính"] == "Nam" and by_heading["Năm sinh (ước tính)"] == 2015
    assert by_heading["Thời điểm tiếp nhận"] == datetime.datetime(2024, 4, 25, 9, 0)  # local wall time
    assert by_heading["Mức độ nguy cơ"] == "Chưa đánh giá"
    assert by_heading["Hành vi xâm hại, nguy cơ"] == "Bạo lực"
    assert by_heading["Bước gần nhất"] == "Tiếp nhận thông tin, thông báo, tố giác"
    assert by_heading["Quá hạn"] == "Có" and by_heading["Trạng thái"] == "Đang xử lý"
    assert REPORTER_NAME not in str(rows)  # the reporter's identity is never exported


@pytest.mark.parametrize("who", AGGREGATES_ONLY)
def test_roles_without_case_records_get_the_404_of_a_missing_page(officers, cases, as_user, who, main_of):
    client = as_user(officers[who])
    since = last_id()

    response = client.get(URL)

    assert response.status_code == 404 and CHILD_NAME not in response.content.decode()
    assert main_of(response) == main_of(client.get("/ho-so/khong-co-trang-nay/khong/"))
    assert new_events(since) == []


def test_the_export_takes_the_lists_filters(officers, register, as_user):
    manager = officers["manager"]
    neglect = register(manager, "19912", harms=["neglect"])
    register(manager, "19903")
    client = as_user(manager)

    assert [row[1] for row in rows_of(client.get(URL, {"harm": "neglect"}))[HEADING_ROW:]] == [neglect.code]
    assert [row[1] for row in rows_of(client.get(URL, {"commune": "19912"}))[HEADING_ROW:]] == [neglect.code]
    assert rows_of(client.get(URL, {"state": "closed"}))[HEADING_ROW:] == []


def test_a_commune_outside_the_scope_is_a_404_and_a_wrong_filter_a_400(officers, cases, as_user):
    client = as_user(officers["commune"])
    since = last_id()

    assert client.get(URL, {"commune": "19912"}).status_code == 404
    assert client.get(URL, {"commune": "20194"}).status_code == 404
    wrong = client.get(URL, {"risk": "enormous"})
    assert wrong.status_code == 400 and "risk:" in wrong.content.decode()
    assert new_events(since) == []


def test_above_the_row_limit_the_export_is_refused_asking_for_a_filter(officers, cases, as_user, settings):
    settings.TREEM_CASE_EXPORT_LIMIT = 2
    client = as_user(officers["manager"])
    since = last_id()

    refused = client.get(URL)
    filtered = client.get(URL, {"commune": "478"})

    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Có hơn 2 trường hợp" in text and "Hãy lọc danh sách" in text and CHILD_NAME not in text
    assert filtered.status_code == 200 and len(rows_of(filtered)) == HEADING_ROW + 2
    assert len(new_events(since)) == 2


def test_no_event_is_kept_when_the_workbook_fails(officers, cases, as_user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(views_export, "cases_workbook", broken)
    client = as_user(officers["commune"])
    since = last_id()

    with pytest.raises(RuntimeError):
        client.get(URL)

    assert new_events(since) == []


def test_text_that_looks_like_a_formula_stays_text(officers, register, as_user):
    register(officers["commune"], "19903", child_name='=HYPERLINK("http://x","y")\x07')

    rows = rows_of(as_user(officers["commune"]).get(URL))

    assert rows[HEADING_ROW][3] == '=HYPERLINK("http://x","y")'


def test_a_case_role_without_a_verified_second_factor_is_sent_to_verify(officers, cases, client):
    client.force_login(officers["commune"])
    since = last_id()

    response = client.get(URL)

    assert response.status_code == 302 and "/tai-khoan/xac-thuc/" in response["Location"]
    assert new_events(since) == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_an_overdue_case_shows_its_deadline_in_local_time(officers, register, as_user):
    received = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=13)
    register(officers["commune"], "19903", received_at=received)

    (row,) = rows_of(as_user(officers["commune"]).get(URL))[HEADING_ROW:]

    due = timezone.localtime(received + datetime.timedelta(hours=12), local(2024, 1, 1).tzinfo)
    assert row[11] == due.replace(tzinfo=None) and row[12] == "Có"


def test_the_bulk_writer_writes_the_same_event_as_the_single_one(officers, cases):
    user, case = officers["manager"], cases["19903"]
    fields = ["actor_id", "actor_name", "action", "case_id", "case_code", "child_id", "what", "province_code"]

    one = record_access(user, "export", case, "export xlsx")
    (bulk,) = record_accesses(user, "export", [case], "export xlsx")

    assert AccessEvent.objects.filter(pk__in=[one.pk, bulk.pk]).count() == 2
    saved = AccessEvent.objects.filter(pk__in=[one.pk, bulk.pk]).values(*fields)
    assert saved[0] == saved[1] and saved[0]["province_code"] == "46"
    assert record_accesses(user, "read", [], "api list") == []
    with pytest.raises(ValueError):
        record_accesses(user, "peek", [case], "x")
