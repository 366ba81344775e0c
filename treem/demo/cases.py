"""Demo child protection cases (DEMO): one case in each state of the procedure, some of them overdue.

`load_demo_cases(province_code)` registers the cases of CASES through the case services
(`do_register_notification`, `do_record_step`), as the officers would, with times in the past counted back
from now (`received_at` in the notification form, `at=` for each record), so the clocks, the overdue flags
and the task lists tell a real story whenever the demo is loaded:

- just notified (2 hours ago), and one notified 4 weeks ago that nobody checked (overdue);
- assessed high risk with the 12-hour emergency clock running, and one past its 12 hours (overdue);
- an emergency measure recorded; a detailed assessment recorded; a plan awaiting the chairman's approval;
- approved, with one referral accepted and one refused; under follow-up; under review; closed;
- a second plan cycle (the first plan returned, the second drawn up late and approved);
- received weeks ago, assessed at once, the 5-working-day detailed assessment missed (overdue).

They lie in several communes of the province's first three districts (code order); the first commune of
the first district is the demo commune officer's ("xa"), the first district the demo district officer's
("huyen"). Each case is recorded by the demo commune officer in its own commune and by the demo case
manager ("truonghop") elsewhere.

Nothing here is about a real person: every child is "DEMO Trẻ <key>", every reporter "DEMO Người báo
tin", every officer "DEMO …"; cases and children are `is_demo`. Idempotent: a case whose child (found by
the blind index of its demo name, through the case manager's selector) exists is left as it is, so loading again adds nothing.

Second factor: the demo case users (commune officer, district officer, case manager) get a confirmed TOTP
device (treem.accounts.otp.ensure_totp_device) with the published demo key DEMO_TOTP_KEY_HEX — the RFC 6238
test key "12345678901234567890", in base32 GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ (6 digits, 30 seconds) —
so anybody can add it to an authenticator app and open the demo cases. It protects nothing: demo sites only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.accounts.otp import base32_secret, ensure_totp_device, grouped
from treem.accounts.policy import scope_for
from treem.cases.models import NAME_INDEX_PURPOSE
from treem.cases.selectors import cases_for
from treem.cases.services import do_record_step, do_register_notification
from treem.core.crypto import blind_index
from treem.core.deadlines import local_zone
from treem.units.models import AdministrativeUnit, UnitLevel

from .users import USERNAMES

DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_KEY_BASE32 = grouped(base32_secret(DEMO_TOTP_KEY_HEX))  # GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ
CHILD_PREFIX = "DEMO Trẻ "
REPORTER = "DEMO Người báo tin"
OFFICER = "DEMO Cán bộ bảo vệ trẻ em xã"
CHAIRMAN = "DEMO Chủ tịch UBND xã"
CASE_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.CASE_MANAGER)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

Values = tuple[dict[str, Any], dict[str, Any]]


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, local_zone()).isoformat()


def _day(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, local_zone()).date().isoformat()


# --- the forms, filled in the demo's words ----------------------------------------------------------------


def initial(t: datetime.datetime, risk: str) -> Values:
    return (
        {"assessed_at": _iso(t), "assessed_by": OFFICER, "verified": True, "risk": risk},
        {"findings": "DEMO: đã đến gia đình kiểm tra, trao đổi với trẻ em và người chăm sóc."},
    )


def emergency(t: datetime.datetime) -> Values:
    return (
        {"taken_at": _iso(t), "decided_by": CHAIRMAN, "measures": ["safe_place", "police_report"]},
        {"placement": "DEMO: nhà tạm lánh của Hội Liên hiệp Phụ nữ", "notes": "DEMO: trẻ em đã an toàn."},
    )


def detailed(t: datetime.datetime, risk: str) -> Values:
    return (
        {"assessed_at": _iso(t), "assessed_by": OFFICER, "risk": risk},
        {"needs": "DEMO: trợ giúp tâm lý, tiếp tục đi học.", "family_situation": "DEMO: hộ cận nghèo."},
    )


def plan(t: datetime.datetime) -> Values:
    return (
        {"prepared_at": _iso(t), "prepared_by": OFFICER, "review_date": _day(t + 60 * DAY),
         "services": ["psychological_support", "police_protection"]},
        {"goals": "DEMO: trẻ em an toàn tại gia đình, được trợ giúp tâm lý."},
    )  # fmt: skip


def approval(t: datetime.datetime, decision: str = "approved") -> Values:
    return (
        {"decided_at": _iso(t), "approver": CHAIRMAN, "decision": decision, "decision_number": "DEMO-01/QĐ"},
        {"notes": "DEMO: đề nghị bổ sung mục tiêu cụ thể." if decision == "returned" else ""},
    )


def referral(t: datetime.datetime, response: str) -> Values:
    refused = response == "refused"
    values = {
        "service": "police_protection" if refused else "psychological_support",
        "provider_kind": "police" if refused else "social_work",
        "provider_name": "DEMO Công an huyện" if refused else "DEMO Trung tâm Công tác xã hội tỉnh",
        "referred_at": _iso(t),
        "response": response,
        "responded_at": _iso(t + 20 * HOUR),
    }
    if refused:
        values["refusal_reason"] = "DEMO: vụ việc không thuộc thẩm quyền; đề nghị chuyển cơ quan khác."
    return values, {}


def follow_up(t: datetime.datetime, risk: str = "low") -> Values:
    return (
        {"visited_at": _iso(t), "visited_by": OFFICER, "child_safe": True, "risk": risk},
        {"progress": "DEMO: trẻ em đi học đều, đã có 2 buổi trợ giúp tâm lý."},
    )


def review(t: datetime.datetime, outcome: str) -> Values:
    return (
        {"reviewed_at": _iso(t), "reviewed_by": OFFICER, "risk": "low", "outcome": outcome},
        {"findings": "DEMO: mục tiêu của kế hoạch cơ bản đạt được."},
    )


def closure(t: datetime.datetime) -> Values:
    return ({"closed_at": _iso(t), "decided_by": CHAIRMAN, "reason": "safe"}, {"notes": "DEMO"})


Form = Callable[[datetime.datetime], Values]
Steps = list[tuple[str, float, Form]]
APPROVED: Steps = [
    ("initial_assessment", 3, lambda t: initial(t, "medium")),
    ("detailed_assessment", 48, lambda t: detailed(t, "medium")),
    ("support_plan", 72, plan),
    ("plan_approval", 96, approval),
    ("service_referral", 100, lambda t: referral(t, "accepted")),
    ("service_referral", 101, lambda t: referral(t, "refused")),
]
FOLLOWED: Steps = [*APPROVED, ("follow_up", 14 * 24, follow_up)]


@dataclass(frozen=True)
class DemoCase:
    """A demo case: its key (the child's demo name), where (district and commune by position in code
    order), how long ago it was received, and its steps as (step, hours after receipt, form)."""

    key: str
    district: int
    commune: int
    received_ago: datetime.timedelta
    harms: tuple[str, ...] = ("violence",)
    source: str = "hotline_111"
    sex: str = "female"
    age: int = 9
    steps: Steps = field(default_factory=list)

    @property
    def child_name(self) -> str:
        return CHILD_PREFIX + self.key


CASES = [
    DemoCase("A01", 0, 0, 2 * HOUR, ("neglect",), "neighbour", "male", 6),
    DemoCase("A02", 0, 0, 4 * HOUR, ("violence",), "school", "female", 11,
             [("initial_assessment", 1, lambda t: initial(t, "high"))]),
    DemoCase("A03", 0, 1, 2 * DAY, ("sexual_abuse",), "health_facility", "female", 13,
             [("initial_assessment", 2, lambda t: initial(t, "high"))]),  # past its 12 hours
    DemoCase("A04", 0, 0, 1 * DAY, ("violence", "neglect"), "police", "male", 8,
             [("initial_assessment", 1, lambda t: initial(t, "high")), ("emergency_measure", 3, emergency)]),
    DemoCase("A05", 0, 2, 3 * DAY, ("exploitation",), "officer", "male", 14,
             [("initial_assessment", 4, lambda t: initial(t, "medium")),
              ("detailed_assessment", 30, lambda t: detailed(t, "medium"))]),
    DemoCase("A06", 1, 0, 4 * DAY, ("abandonment",), "family", "female", 3,
             [("initial_assessment", 2, lambda t: initial(t, "medium")),
              ("detailed_assessment", 24, lambda t: detailed(t, "medium")), ("support_plan", 48, plan)]),
    DemoCase("A07", 0, 0, 10 * DAY, ("violence",), "school", "male", 10, APPROVED),
    DemoCase("A08", 1, 1, 30 * DAY, ("neglect",), "neighbour", "female", 7, FOLLOWED),
    DemoCase("A09", 2, 0, 60 * DAY, ("violence",), "hotline_111", "male", 12,
             [*FOLLOWED, ("review", 50 * 24, lambda t: review(t, "continue"))]),
    DemoCase("A10", 2, 1, 90 * DAY, ("exploitation",), "police", "male", 15,
             [*FOLLOWED, ("review", 60 * 24, lambda t: review(t, "close")), ("closure", 61 * 24, closure)]),
    DemoCase("A11", 0, 1, 40 * DAY, ("sexual_abuse",), "child", "female", 14,
             [("initial_assessment", 2, lambda t: initial(t, "high")), ("emergency_measure", 5, emergency),
              ("detailed_assessment", 48, lambda t: detailed(t, "high")), ("support_plan", 72, plan),
              ("plan_approval", 96, lambda t: approval(t, "returned")), ("support_plan", 20 * 24, plan),  # late
              ("plan_approval", 21 * 24, approval), ("follow_up", 30 * 24, lambda t: follow_up(t, "medium"))]),
    DemoCase("A12", 0, 2, 21 * DAY, ("neglect",), "neighbour", "male", 5,
             [("initial_assessment", 6, lambda t: initial(t, "low"))]),  # 5 working days missed
    DemoCase("A13", 1, 0, 18 * DAY, ("violence",), "school", "female", 9,
             [("initial_assessment", 8, lambda t: initial(t, "medium"))]),  # 5 working days missed
    DemoCase("A14", 2, 0, 28 * DAY, ("other",), "hotline_111", "male", 4),  # never checked
]  # fmt: skip


@dataclass
class CasesLoaded:
    created: int = 0
    unchanged: int = 0
    totp_users: list[str] = field(default_factory=list)


def demo_communes(province_code: str) -> list[list[AdministrativeUnit]]:
    """Three communes in each of three groups, in the tree of today (cases and children live now): the
    first three districts (code order) and three of their communes each; where the province has no
    district level any more (Huế from 07/2025), its first nine communes in groups of three."""
    today = timezone.localdate()
    provinces = AdministrativeUnit.objects.filter(code=province_code, parent__isnull=True)
    province = provinces.valid_on(today).first() or provinces.order_by("pk").first()
    if province is None:
        return []
    below = list(province.children.valid_on(today).order_by("code"))
    districts = [unit for unit in below if unit.level != UnitLevel.COMMUNE][:3]
    if districts:
        return [
            list(d.children.filter(level=UnitLevel.COMMUNE).valid_on(today).order_by("code")[:3])
            for d in districts
        ]
    communes = [unit for unit in below if unit.level == UnitLevel.COMMUNE][:9]
    return [communes[i : i + 3] for i in range(0, len(communes), 3)]


def commune_officer(commune: AdministrativeUnit, officers: dict[str, User]) -> User:
    """Who records on a commune's behalf: the demo officer of that commune (the main one, or a later
    plan's), else the case manager."""
    officer = officers.get(Role.COMMUNE_OFFICER)
    if officer is not None and officer.unit_id == commune.pk:
        return officer
    own = User.objects.filter(is_demo=True, role=Role.COMMUNE_OFFICER, unit=commune).order_by("pk").first()
    return own or officers[Role.CASE_MANAGER]


@transaction.atomic
def _load_case(spec: DemoCase, commune: AdministrativeUnit, actor: User, now: datetime.datetime) -> None:
    received = now - spec.received_ago
    values = {
        "received_at": _iso(received),
        "received_by": OFFICER,
        "source": spec.source,
        "child_name": spec.child_name,
        "child_sex": spec.sex,
        "child_age_estimate": spec.age,
        "child_address": "DEMO: thôn Minh Họa",
        "harms": list(spec.harms),
    }
    secret = {"description": f"DEMO: thông tin minh họa về trường hợp {spec.key}.",
              "reporter_name": REPORTER, "reporter_phone": "0900 000 000",
              "reporter_relationship": "DEMO: hàng xóm"}  # fmt: skip
    case = do_register_notification(
        actor, commune_code=commune.code, values=values, secret_values=secret, at=received, is_demo=True
    )
    for step, hours, form in spec.steps:
        moment = received + hours * HOUR
        public, confidential = form(moment)
        do_record_step(actor, case, step, public, {k: v for k, v in confidential.items() if v}, at=moment)


def _give_totp_devices(officers: dict[str, User]) -> list[str]:
    given = []
    for role in CASE_ROLES:
        if (user := officers.get(role)) is not None:
            ensure_totp_device(user, key_hex=DEMO_TOTP_KEY_HEX)
            given.append(user.username)
    return given


def load_demo_cases(province_code: str, now: datetime.datetime | None = None) -> CasesLoaded:
    """Register the demo cases of CASES that are not there yet (see the module's docstring)."""
    moment = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    officers = {
        user.role: user
        for user in User.objects.filter(is_demo=True, username__in=[USERNAMES[r] for r in CASE_ROLES])
    }
    if Role.CASE_MANAGER not in officers:
        raise ValueError("load_demo_cases needs the demo case manager; create the demo users first")
    communes = demo_communes(province_code)
    seen = cases_for(scope_for(officers[Role.CASE_MANAGER])).filter(is_demo=True)
    loaded = CasesLoaded()
    for spec in CASES:
        index = blind_index(spec.child_name, purpose=NAME_INDEX_PURPOSE)
        if seen.filter(child__name_index=index).exists():
            loaded.unchanged += 1
            continue
        commune = communes[spec.district][spec.commune]
        _load_case(spec, commune, commune_officer(commune, officers), moment)
        loaded.created += 1
    loaded.totp_users = _give_totp_devices(officers)
    return loaded
