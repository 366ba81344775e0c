"""Fixtures of the case tests: officers of each level and a way to register a notification."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from treem.accounts.models import Role

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
CHILD_NAME = "Nguyễn Văn Thử"
REPORTER_NAME = "Trần Thị Bích Ngọc"
NOTES = "Hàng xóm nghe tiếng khóc nhiều đêm liền"


def local(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HUE)


def notification(received_at: datetime.datetime, **extra) -> dict:
    return {
        "received_at": received_at.isoformat(),
        "received_by": "Cán bộ xã (DEMO)",
        "source": "hotline_111",
        "child_name": CHILD_NAME,
        "child_sex": "male",
        "child_age_estimate": 9,
        "harms": ["violence"],
        **extra,
    }


SECRET = {"description": NOTES, "reporter_name": REPORTER_NAME, "reporter_phone": "0912 345 678"}


@pytest.fixture
def officers(make_user):
    return {
        "commune": make_user(Role.COMMUNE_OFFICER, "19903"),
        "commune_19912": make_user(Role.COMMUNE_OFFICER, "19912"),
        "district": make_user(Role.DISTRICT_OFFICER, "478", "UBND-478"),
        "district_474": make_user(Role.DISTRICT_OFFICER, "474", "UBND-474"),
        "manager": make_user(Role.CASE_MANAGER, "46"),
        "manager_48": make_user(Role.CASE_MANAGER, "48"),
        "leader": make_user(Role.LEADER, "46"),
        "reporter": make_user(Role.AGENCY_REPORTER, None, "SYT"),
        "coordinator": make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"),
        "national": make_user(Role.NATIONAL),
    }


@pytest.fixture
def register():
    """register(actor, commune_code, received_at=…, **fields) → a new Case."""
    from treem.cases.services import do_register_notification

    def make(actor, commune_code: str, received_at: datetime.datetime | None = None, **extra):
        moment = received_at or local(2024, 4, 25, 9, 0)
        return do_register_notification(
            actor, commune_code=commune_code, values=notification(moment, **extra), secret_values=SECRET,
            at=moment,
        )  # fmt: skip

    return make
