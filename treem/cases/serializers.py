"""What the case API (treem/cases/api.py) answers and accepts, in JSON.

Output: a case's summary (no child: the answer of a write), a case with its child (lists), a case with its
whole timeline and the steps it may take now (one case), the counts of cases (aggregates only). Values of a
step's form are in their JSON form (dates and instants in ISO 8601, choices by their codes, as in
data/procedures/nd-56-2017.yaml); instants are given in Asia/Ho_Chi_Minh. Confidential values come in
`secret_values` on a case's timeline only, never in the answer of a write.

Input: the notification, a step, a move; each checked here for its shape only, the procedure's own checks
are the services' (treem.cases.services), which refuse with CaseError.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Case, StepRecord
from .procedure import default_procedure


def step_label(code: str) -> str:
    try:
        return default_procedure().step(code).label
    except KeyError:  # a step the procedure file no longer has
        return code


def step_form(code: str) -> str | None:
    try:
        return default_procedure().step(code).form
    except KeyError:
        return None


def secret_values(record: StepRecord) -> dict[str, Any]:
    """A record's confidential values (decrypted by the field), {} when there are none."""
    if not record.secret:
        return {}
    try:
        loaded = json.loads(record.secret)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="họ và tên (may be empty: a child known only in part)")
    sex = serializers.CharField(help_text="male, female or empty")
    date_of_birth = serializers.DateField(allow_null=True)
    birth_year_estimate = serializers.IntegerField(allow_null=True)


class CaseSummarySerializer(serializers.Serializer):
    """A case without its child: what a write answers."""

    code = serializers.CharField()
    commune = CommuneSerializer()
    state = serializers.CharField(help_text="open or closed")
    cycle = serializers.IntegerField(help_text="plan cycle (a new plan starts another)")
    received_at = serializers.DateTimeField()
    risk = serializers.CharField(help_text="high, medium, low; empty until the initial assessment")
    harms = serializers.ListField(child=serializers.CharField())
    last_step = serializers.CharField()
    last_step_label = serializers.SerializerMethodField()
    next_due_at = serializers.DateTimeField(allow_null=True, help_text="the earliest running deadline")
    overdue = serializers.SerializerMethodField()
    closed_at = serializers.DateTimeField(allow_null=True)
    is_demo = serializers.BooleanField()

    def get_last_step_label(self, case: Case) -> str:
        return step_label(case.last_step)

    def get_overdue(self, case: Case) -> bool:
        return case.is_overdue(self.context.get("now"))


class CaseSerializer(CaseSummarySerializer):
    """A case with its child: a line of the case list."""

    child = ChildSerializer()


class RecordSerializer(serializers.Serializer):
    """A recorded step, its non-confidential values only."""

    id = serializers.IntegerField()
    step = serializers.CharField()
    step_label = serializers.SerializerMethodField()
    form = serializers.SerializerMethodField(help_text="the decree's form number (01–05), if any")
    cycle = serializers.IntegerField()
    values = serializers.DictField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    is_late = serializers.BooleanField()

    def get_step_label(self, record: StepRecord) -> str:
        return step_label(record.step)

    def get_form(self, record: StepRecord) -> str | None:
        return step_form(record.step)

    def get_recorded_by(self, record: StepRecord) -> str:
        return record.recorded_by.get_username() if record.recorded_by is not None else ""


class TimelineRecordSerializer(RecordSerializer):
    """A recorded step with its confidential values (the reporter's identity, notes), decrypted."""

    secret_values = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField())
    def get_secret_values(self, record: StepRecord) -> dict[str, Any]:
        return secret_values(record)


class NextStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    form = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()


def next_steps(done: Any, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The steps the procedure allows after `done`, each with its deadline."""
    procedure = default_procedure()
    moment = now or timezone.now()
    steps = []
    for step in procedure.available_steps(done):
        due = procedure.due(step.code, done)
        overdue = due is not None and due <= moment
        steps.append(
            {"code": step.code, "label": step.label, "form": step.form, "due_at": due, "overdue": overdue}
        )
    return steps


class StepsSerializer(serializers.Serializer):
    """Every step recorded on a case (all cycles, oldest first) and the steps it may take now. The context
    brings `records` (the case's records, in order) and `next_steps`."""

    timeline = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()

    @extend_schema_field(TimelineRecordSerializer(many=True))
    def get_timeline(self, case: Case) -> Any:
        return TimelineRecordSerializer(self.context["records"], many=True).data

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, case: Case) -> Any:
        return NextStepSerializer(self.context["next_steps"], many=True).data


class CaseDetailSerializer(CaseSerializer, StepsSerializer):
    """A case with its child, its timeline and the steps it may take now."""


class MoveSerializer(serializers.Serializer):
    moved_from = CommuneSerializer(allow_null=True)
    moved_to = CommuneSerializer(allow_null=True)
    at = serializers.DateTimeField()
    by = serializers.CharField(help_text="the user name of who moved it")


class TaskSerializer(CaseSerializer):
    """An open case with a deadline passed or near, and the steps due (context `next_steps`: by case id)."""

    due_steps = serializers.SerializerMethodField()

    @extend_schema_field(NextStepSerializer(many=True))
    def get_due_steps(self, case: Case) -> Any:
        return NextStepSerializer(self.context["next_steps"].get(case.pk, []), many=True).data


class StepResultSerializer(serializers.Serializer):
    record = RecordSerializer()
    case = CaseSummarySerializer()


# --- input ----------------------------------------------------------------------------------------------


class NotificationInput(serializers.Serializer):
    commune_code = serializers.CharField(max_length=10, help_text="GSO code of a commune in your case scope")
    values = serializers.DictField(help_text="the notification form's values (Mẫu số 01), by field name")
    secret_values = serializers.DictField(
        required=False, default=dict, help_text="its confidential values: reporter's identity, description"
    )


class StepInput(serializers.Serializer):
    step = serializers.CharField(max_length=40, help_text="a step code of the procedure")
    values = serializers.DictField(required=False, default=dict)
    secret_values = serializers.DictField(required=False, default=dict)


class MoveInput(serializers.Serializer):
    commune_code = serializers.CharField(max_length=10, help_text="GSO code of the child's new commune")


class ErrorSerializer(serializers.Serializer):
    """A refusal: "ERROR", every message (Vietnamese), and a form's problems by field name."""

    status = serializers.CharField()
    conflicts = serializers.ListField(child=serializers.CharField())
    problems = serializers.DictField(child=serializers.CharField(), required=False)


# --- counts ---------------------------------------------------------------------------------------------


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    suppressed = serializers.BooleanField()


class CaseCountsSerializer(serializers.Serializer):
    by = serializers.CharField()
    within = serializers.CharField(allow_null=True)
    include_closed = serializers.BooleanField()
    threshold = serializers.IntegerField(
        help_text="outside your own case records, counts from 1 to threshold − 1 are suppressed"
    )
    counts = CountSerializer(many=True)
