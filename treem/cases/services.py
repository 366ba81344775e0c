"""Writes to the case register, each a named action in one transaction.

- `do_register_notification`: a notification (the procedure's first step) creates the Child, the Case and
  its first StepRecord; linked to a known child (`child=`, treem.cases.duplicates), a new Case of that Child.
- `do_record_step`: records one step of a case, in the procedure's order (procedure.refusal), with its
  clock (Limit.due) and the plan cycle (procedure.new_cycle); a final step closes the case.
- `do_move_case`: the child moved; the case goes to the new commune, whose officers then see it.

Each action checks the actor's Scope (treem.accounts.policy.scope_for): a case or a commune outside the
scope's `case_path` is refused with the same message as a missing one. Each writes one access event
(treem.cases.access) in its transaction; that log, the case's own history (django-simple-history) and its
step records are the case's change history, so no treem.core AuditEvent is written for case work (it would
only repeat them, and it is readable by roles that must not learn of a case).

Row locks: a step is recorded with the case row locked (select_for_update), so two officers recording the
same step at once are serialised and the second one meets the order check with the first one's record.

The child's details on the notification form (name, sex, date of birth, estimated age) go to the Child
record, not to the step's values: the name is stored encrypted there, with its blind index. Fields in
SEALED_FIELDS (the child's name and address) are always kept with the confidential ones, whatever the
procedure file says.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.policy import scope_for
from treem.core.audit import jsonable
from treem.core.crypto import blind_index
from treem.core.deadlines import local_date
from treem.units.models import AdministrativeUnit

from .access import record_access
from .duplicates import child_in_scope
from .models import NAME_INDEX_PURPOSE, AccessAction, Case, CaseState, Child, StepRecord, replay
from .procedure import Procedure, Step, as_datetime, default_procedure
from .selectors import cases_for
from .signals import send_records_changed

CHILD_AGE_FIELD = "child_age_estimate"
SEALED_FIELDS = frozenset({"child_name", "child_address"})
RISK_FIELD = "risk"
HARMS_FIELD = "harms"


class CaseError(Exception):
    """A case action refused, with the reason in Vietnamese and, for a form, the problem of each field."""

    def __init__(self, message: str, problems: Mapping[str, str] | None = None) -> None:
        self.message = message
        self.problems = dict(problems or {})
        super().__init__(message if not self.problems else f"{message} {'; '.join(self.problems.values())}")


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else None


def _first_step(procedure: Procedure) -> Step:
    return next(step for step in procedure.steps if not step.after)


def _form(step: Step, values: Mapping[str, Any], secret_values: Mapping[str, Any]) -> tuple[dict, dict]:
    """The form checked as a whole, then split: (non-confidential values, confidential values), JSON form."""
    merged = {**values, **secret_values}
    problems = step.validate(merged)
    if problems:
        raise CaseError(_("Biểu mẫu “%(step)s” chưa hợp lệ.") % {"step": step.label}, problems)
    public: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for field in step.fields:
        value = merged.get(field.name)
        if value is None or value == "" or value == []:
            continue
        target = secret if field.confidential or field.name in SEALED_FIELDS else public
        target[field.name] = jsonable(value)
    return public, secret


def _described(step: Step, public: Mapping[str, Any], secret: Mapping[str, Any]) -> str:
    names = [field.name for field in step.fields if field.name in public or field.name in secret]
    return f"{step.code}: {', '.join(names)}"


def _next_due(procedure: Procedure, done: Mapping[str, Mapping[str, Any]]) -> datetime.datetime | None:
    dues = [procedure.due(step.code, done) for step in procedure.available_steps(done)]
    return min((due for due in dues if due is not None), default=None)


def _case_code(commune: AdministrativeUnit, received_at: datetime.datetime) -> str:
    """The code "<commune code>-<year>-<sequence>": the next number of the commune and year (the commune row is
    locked by the caller, so two notifications cannot take the same number)."""
    prefix = f"{commune.code}-{local_date(received_at).year}-"
    taken = Case.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    last = max((int(code.rsplit("-", 1)[1]) for code in taken if code.rsplit("-", 1)[1].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


def _commune_for(actor: Any, code: str, *, reach: str | None, on: datetime.date) -> AdministrativeUnit:
    """The commune with this code under `reach` (a unit path) that exists on `on`, locked; the same refusal
    when it is missing or outside. A code names a unit only with a day: after the 2025 reform a 2025
    commune may carry the code of a different 2023 one, and a case of today belongs to today's."""
    if reach is None:
        raise CaseError(_("Bạn không có quyền làm việc với hồ sơ trường hợp."))
    within = AdministrativeUnit.objects.filter(level="commune", path__startswith=reach)
    code = str(code).replace("\x00", "")[:10]
    commune = within.select_for_update().version_of(code, on=on)
    if commune is None:
        ended = within.filter(code=str(code), valid_to__lte=on).order_by("-valid_to").first()
        if ended is not None and ended.valid_to is not None:
            raise CaseError(
                _("Xã %(name)s (%(code)s) không còn tồn tại từ ngày %(day)s; hãy chọn xã hiện nay.")
                % {"name": ended.name, "code": ended.code, "day": f"{ended.valid_to:%d/%m/%Y}"}
            )
        raise CaseError(_("Không có xã mã “%(code)s” trong phạm vi của bạn.") % {"code": code})
    return commune


@transaction.atomic
def do_register_notification(
    actor: Any,
    *,
    commune_code: str,
    values: Mapping[str, Any],
    secret_values: Mapping[str, Any],
    at: datetime.datetime | None = None,
    is_demo: bool = False,
    child: Child | None = None,
) -> Case:
    """Register a notification (the procedure's first step) in a commune of the actor's case scope:
    creates the Child, the Case and its first record; one "create" access event. `at` is the moment of
    recording (now by default; demo data and imports pass their own).

    `child`: an existing Child the actor's scope reads (the officer linked the notification to a known
    child, treem.cases.duplicates): the new case is that child's; the form's details of the child only
    fill in what its record lacks (name, sex, date of birth, estimated birth year), never overwrite it,
    and its commune stays as it is (a move is do_move_case). A child missing or outside the scope is
    refused with one message for both."""
    procedure = default_procedure()
    step = _first_step(procedure)
    scope = scope_for(actor)
    day = local_date(at) if at is not None else local_date(timezone.now())
    commune = _commune_for(actor, commune_code, reach=scope.case_path, on=day)
    linked = child is not None
    if child is not None:
        child = child_in_scope(scope, getattr(child, "pk", None))
        if child is None:
            raise CaseError(_("Không tìm thấy trẻ em trong phạm vi của bạn."))
    public, secret = _form(step, values, secret_values)
    received_at = as_datetime(public.get("received_at")) or timezone.now()
    name = str(secret.pop("child_name", "") or "")
    given = Child(
        name=name,
        name_index=blind_index(name, purpose=NAME_INDEX_PURPOSE),
        sex=public.pop("child_sex", ""),
        date_of_birth=_date(public.pop("child_birth_date", None)),
        commune=commune,
        is_demo=is_demo,
    )
    age = public.pop(CHILD_AGE_FIELD, None)
    if age is not None and given.date_of_birth is None:
        given.birth_year_estimate = local_date(received_at).year - int(age)
    child = _completed(child, given) if child is not None else given
    child.save()
    case = Case.objects.create(
        child=child,
        commune=commune,
        code=_case_code(commune, received_at),
        received_at=received_at,
        harms=list(public.get(HARMS_FIELD) or []),
        last_step=step.code,
        created_by=actor if getattr(actor, "pk", None) else None,
        is_demo=is_demo,
    )
    _write_record(actor, case, step, public, secret, due_at=None, at=at)
    done, _cycle = replay(procedure, [(step.code, public)])
    case.next_due_at = _next_due(procedure, done)
    case.save(update_fields=["next_due_at", "updated_at"])
    what = _described(step, public, secret | {"child_name": name})
    record_access(
        actor, AccessAction.CREATE, case, what + (f"; linked to child {child.pk}" if linked else "")
    )
    send_records_changed([commune.pk], local_date(received_at))
    return case


def _completed(known: Child, given: Child) -> Child:
    """The known child's record with the blanks the new form fills (nothing it has is overwritten)."""
    if not known.name_index and given.name_index:
        known.name, known.name_index = given.name, given.name_index
    if not known.sex:
        known.sex = given.sex
    if known.date_of_birth is None and given.date_of_birth is not None:
        known.date_of_birth, known.birth_year_estimate = given.date_of_birth, None
    if known.date_of_birth is None and known.birth_year_estimate is None:
        known.birth_year_estimate = given.birth_year_estimate
    return known


def _write_record(
    actor: Any,
    case: Case,
    step: Step,
    public: Mapping[str, Any],
    secret: Mapping[str, Any],
    *,
    due_at: datetime.datetime | None,
    at: datetime.datetime | None,
) -> StepRecord:
    recorded_at = at or timezone.now()
    return StepRecord.objects.create(
        case=case,
        step=step.code,
        cycle=case.cycle,
        values=dict(public),
        secret=json.dumps(secret, ensure_ascii=False) if secret else "",
        recorded_at=recorded_at,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        due_at=due_at,
        is_late=due_at is not None and recorded_at >= due_at,
    )


def _locked_case(actor: Any, case: Case) -> Case:
    """The case again, its row locked, if the actor's scope reads it; else the not-found refusal."""
    found = (
        cases_for(scope_for(actor))
        .select_for_update(of=("self",))
        .select_related("commune")
        .filter(pk=case.pk)
    ).first()
    if found is None:
        raise CaseError(_("Không tìm thấy trường hợp trong phạm vi của bạn."))
    return found


@transaction.atomic
def do_record_step(
    actor: Any,
    case: Case,
    step_code: str,
    values: Mapping[str, Any],
    secret_values: Mapping[str, Any],
    *,
    at: datetime.datetime | None = None,
) -> StepRecord:
    """Record one step on a case the actor's scope reads, if the procedure allows it now (else CaseError
    with the procedure's reason). The step's deadline comes from its limit; it is late when recorded at or
    after it. A step that starts a new plan cycle moves the case to it; a final step closes the case.
    `at` is the moment of recording (now by default)."""
    procedure = default_procedure()
    case = _locked_case(actor, case)
    history = list(case.records.order_by("recorded_at", "id").values_list("step", "values"))
    done, _cycle = replay(procedure, history)
    if refusal := procedure.refusal(step_code, done):
        raise CaseError(refusal)
    step = procedure.step(step_code)
    public, secret = _form(step, values, secret_values)
    record = _write_record(actor, case, step, public, secret, due_at=procedure.due(step.code, done), at=at)
    done, case.cycle = replay(procedure, [*history, (step.code, public)])
    case.last_step = step.code
    if public.get(RISK_FIELD):
        case.risk = public[RISK_FIELD]
    if step.final:
        case.state, case.closed_at, case.next_due_at = CaseState.CLOSED, record.recorded_at, None
    else:
        case.next_due_at = _next_due(procedure, done)
    case.save()
    record_access(actor, AccessAction.CHANGE, case, _described(step, public, secret))
    send_records_changed([case.commune_id], local_date(case.received_at))
    return record


@transaction.atomic
def do_move_case(actor: Any, case: Case, new_commune_code: str) -> Case:
    """The child moved: the case and the child's record go to another commune of the actor's province
    (moves across provinces are not supported yet); the history keeps the earlier commune. The new
    commune's officers see the case from now on; the old one's no longer do."""
    scope = scope_for(actor)
    case = _locked_case(actor, case)
    if not case.is_open:
        raise CaseError(_("Trường hợp đã kết thúc; không thể chuyển xã."))
    commune = _commune_for(actor, new_commune_code, reach=scope.province_path, on=local_date(timezone.now()))
    if commune.pk == case.commune_id:
        raise CaseError(_("Trường hợp đã thuộc xã này."))
    old_code, old_commune_id = case.commune.code, case.commune_id
    case.commune = commune
    case.save()
    Child.objects.filter(pk=case.child_id).update(commune=commune)
    what = f"commune: {old_code} → {commune.code}"
    record_access(actor, AccessAction.CHANGE, case, what)
    # The child's register records moved with it; its cases' figures move too.
    send_records_changed([old_commune_id, commune.pk], local_date(case.received_at))
    return case
