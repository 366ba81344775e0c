"""Forms of each step of the shipped procedure (data/procedures/nd-56-2017.yaml), as the services take
them, to walk a case through the procedure in tests of the case page and its timeline."""

from __future__ import annotations

import datetime

from treem.cases.services import do_record_step


def step_values(step: str, at: datetime.datetime, **extra) -> tuple[dict, dict]:
    """(values, secret_values) of a valid form of `step` recorded at `at`; `extra` overrides values."""
    moment = at.isoformat()
    forms: dict[str, tuple[dict, dict]] = {
        "initial_assessment": (
            {"assessed_at": moment, "assessed_by": "Cán bộ xã", "verified": True, "risk": "high"},
            {"findings": "Trẻ có vết bầm ở tay"},
        ),
        "emergency_measure": (
            {"taken_at": moment, "decided_by": "Chủ tịch UBND xã", "measures": ["safe_place"]},
            {"placement": "Nhà bà ngoại (DEMO)"},
        ),
        "detailed_assessment": (
            {"assessed_at": moment, "assessed_by": "Cán bộ xã", "risk": "medium"},
            {"needs": "Cần hỗ trợ tâm lý"},
        ),
        "support_plan": (
            {"prepared_at": moment, "prepared_by": "Cán bộ xã", "services": ["psychological_support"],
             "review_date": (at + datetime.timedelta(days=30)).date().isoformat()},
            {"goals": "Trẻ an toàn, đi học lại"},
        ),
        "plan_approval": (
            {"decided_at": moment, "approver": "Chủ tịch UBND xã", "decision": "approved"},
            {},
        ),
        "service_referral": (
            {"service": "psychological_support", "provider_kind": "social_work",
             "provider_name": "Trung tâm công tác xã hội (DEMO)", "referred_at": moment,
             "response": "accepted", "responded_at": moment},
            {},
        ),
        "follow_up": (
            {"visited_at": moment, "visited_by": "Cán bộ xã", "child_safe": True},
            {"progress": "Trẻ đã đi học lại"},
        ),
        "review": (
            {"reviewed_at": moment, "reviewed_by": "Cán bộ xã", "risk": "low", "outcome": "close"},
            {"findings": "Mục tiêu đạt được"},
        ),
        "closure": ({"closed_at": moment, "decided_by": "Chủ tịch UBND xã", "reason": "safe"}, {}),
    }  # fmt: skip
    values, secret = forms[step]
    return values | extra, secret


def record(actor, case, step: str, at: datetime.datetime, **extra):
    """Record `step` on `case` at `at` through the service (the record's time is `at` too)."""
    return do_record_step(actor, case, step, *step_values(step, at, **extra), at=at)


THROUGH_CLOSURE = [
    "initial_assessment",
    "emergency_measure",
    "detailed_assessment",
    "support_plan",
    "plan_approval",
    "service_referral",
    "follow_up",
    "review",
    "closure",
]
