"""`Procedure.allows` and `available_steps` (message-free, for lists and dashboards) agree with
`Procedure.refusal` (the message shown on the case page) on any history of a case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from treem.cases.procedure import default_procedure

from .test_procedure import codes, done_until

PLAIN = ("emergency_measure", "detailed_assessment", "support_plan", "service_referral", "follow_up")
STATES_SEEN = dict.fromkeys(PLAIN, [{}]) | {  # values of the fields the conditions read
    "notification": [done_until()["notification"]],
    "initial_assessment": [{"risk": "high"}, {"risk": "low"}],
    "plan_approval": [{"decision": "approved"}, {"decision": "returned"}],
    "review": [{"outcome": "close"}, {"outcome": "continue"}, {"outcome": "new_plan"}],
    "closure": [{"reason": "safe"}],
}


@given(st.fixed_dictionaries({}, optional={code: st.sampled_from(v) for code, v in STATES_SEEN.items()}))
def test_allows_and_available_steps_agree_with_refusal_on_any_history(done):
    procedure = default_procedure()
    may = [s.code for s in procedure.steps if procedure.refusal(s.code, done) is None]
    assert [s.code for s in procedure.steps if procedure.allows(s.code, done)] == may
    assert codes(procedure.available_steps(done)) == may


def test_an_unknown_step_is_not_allowed():
    assert default_procedure().allows("interview", {}) is False
