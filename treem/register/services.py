"""Writes to the register, each a named action in one transaction, each checked against the actor's case
scope (treem.accounts.policy.Scope.case_path: a child outside it is refused like a missing one), each
writing one access event (treem.cases.access) and announcing the change (treem.cases.signals), so the
derived figures of the child's commune are recomputed once it commits.

- `do_register_child`: a child enters the register (the Child record cases share; a child already known
  is linked instead, see treem.cases.duplicates).
- `do_update_child`: the child's details (ethnicity, disability, household, sex, date of birth).
- `do_add_circumstance` / `do_end_circumstance`: a group of art. 10 (or an at-risk group) begins or ends.
- `do_add_support` / `do_end_support`: support or a benefit begins or ends.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.policy import scope_for
from treem.cases.access import record_child_access
from treem.cases.duplicates import child_in_scope
from treem.cases.models import NAME_INDEX_PURPOSE, AccessAction, Child, Disability, Household
from treem.cases.signals import send_records_changed
from treem.core.crypto import blind_index
from treem.units.models import AdministrativeUnit

from .models import Circumstance, CircumstanceKind, Support, active_between
from .reference import reference

NAME_MAX_LENGTH = 200
PROVIDER_MAX_LENGTH = 200
EARLIEST_DAY = datetime.date(1900, 1, 1)  # a date before it is a typing slip (0001-01-01, 1/1/19)


class RegisterError(Exception):
    """A register action refused, with the reason in Vietnamese and the problem of each field."""

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        self.message = message
        self.problems = dict(problems or {})
        super().__init__(message if not self.problems else f"{message} {'; '.join(self.problems.values())}")


def _today() -> datetime.date:
    return timezone.localdate()


def _check_child_fields(fields: dict[str, Any], problems: dict[str, str]) -> None:
    ethnicity = fields.get("ethnicity", "")
    if ethnicity and ethnicity not in reference().labels("ethnicities"):
        problems["ethnicity"] = _("Dân tộc không có trong danh mục 54 dân tộc.")
    if fields.get("disability", "") not in Disability.values:
        problems["disability"] = _("Mức độ khuyết tật không hợp lệ.")
    if fields.get("household", "") not in Household.values:
        problems["household"] = _("Loại hộ gia đình không hợp lệ.")
    born = fields.get("date_of_birth")
    if born is not None and born > _today():
        problems["date_of_birth"] = _("Ngày sinh ở tương lai.")
    elif born is not None and born < EARLIEST_DAY:
        problems["date_of_birth"] = _("Ngày sinh không hợp lệ.")


def _dates(
    started_on: datetime.date,
    ended_on: datetime.date | None,
    problems: dict[str, str],
    born: datetime.date | None = None,
) -> None:
    if started_on > _today():
        problems["started_on"] = _("Ngày bắt đầu ở tương lai.")
    elif born is not None and started_on < born:
        problems["started_on"] = _("Ngày bắt đầu trước ngày sinh của trẻ em.")
    elif started_on < EARLIEST_DAY:
        problems["started_on"] = _("Ngày bắt đầu không hợp lệ.")
    if ended_on is not None and ended_on < started_on:
        problems["ended_on"] = _("Ngày kết thúc trước ngày bắt đầu.")


def _commune_for(actor: Any, code: str) -> AdministrativeUnit:
    scope = scope_for(actor)
    # Today's commune of that code (a child is registered where it lives now; a 2023 commune may have had
    # the code of a 2025 one).
    commune = AdministrativeUnit.objects.filter(level="commune").version_of(
        str(code), on=timezone.localdate()
    )
    if commune is None or scope.case_path is None or not commune.path.startswith(scope.case_path):
        raise RegisterError(_("Không tìm thấy xã trong phạm vi của bạn."))
    return commune


def _child_for(actor: Any, child: Child | int) -> Child:
    """The child, locked for the change, if the actor's scope reads it; the same refusal otherwise."""
    found = child_in_scope(scope_for(actor), getattr(child, "pk", child))
    if found is None:
        raise RegisterError(_("Không tìm thấy trẻ em trong phạm vi của bạn."))
    return Child.objects.select_for_update().select_related("commune").get(pk=found.pk)


@transaction.atomic
def do_register_child(
    actor: Any,
    *,
    commune_code: str,
    name: str,
    sex: str = "",
    date_of_birth: datetime.date | None = None,
    ethnicity: str = "",
    disability: str = "",
    household: str = "",
    is_demo: bool = False,
) -> Child:
    """A child enters the register in a commune of the actor's case scope."""
    problems: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = _("Nhập họ và tên của trẻ em.")
    elif len(name) > NAME_MAX_LENGTH:
        problems["name"] = _("Họ và tên dài quá %(n)d ký tự.") % {"n": NAME_MAX_LENGTH}
    fields = {"ethnicity": ethnicity, "disability": disability, "household": household}
    _check_child_fields(fields | {"date_of_birth": date_of_birth}, problems)
    commune = _commune_for(actor, commune_code)
    if problems:
        raise RegisterError(_("Thông tin trẻ em chưa hợp lệ."), problems)
    child = Child.objects.create(
        name=name,
        name_index=blind_index(name, purpose=NAME_INDEX_PURPOSE),
        sex=sex,
        date_of_birth=date_of_birth,
        commune=commune,
        is_demo=is_demo,
        **fields,
    )
    record_child_access(actor, AccessAction.CREATE, child, "register: child")
    send_records_changed([commune.pk], date_of_birth or _today())
    return child


CHILD_FIELDS = ("sex", "date_of_birth", "ethnicity", "disability", "household")


@transaction.atomic
def do_update_child(actor: Any, child: Child | int, **changes: Any) -> Child:
    """Change the child's register details (only CHILD_FIELDS; the name and commune have their own ways)."""
    unknown = set(changes) - set(CHILD_FIELDS)
    if unknown:
        raise ValueError(f"not a register detail: {sorted(unknown)}")
    locked = _child_for(actor, child)
    problems: dict[str, str] = {}
    _check_child_fields({f: getattr(locked, f) for f in CHILD_FIELDS} | changes, problems)
    if problems:
        raise RegisterError(_("Thông tin trẻ em chưa hợp lệ."), problems)
    changed = sorted(f for f, v in changes.items() if getattr(locked, f) != v)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    record_child_access(actor, AccessAction.CHANGE, locked, "register: " + ", ".join(changed))
    # A degree of disability or a date of birth changes eligibility back to the child's birth.
    send_records_changed([locked.commune_id], locked.date_of_birth or _today())
    return locked


@transaction.atomic
def do_add_circumstance(
    actor: Any,
    child: Child | int,
    *,
    group: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> Circumstance:
    """The child is in `group` (of the 14 special circumstances or the at-risk groups) from `started_on`."""
    locked = _child_for(actor, child)
    problems: dict[str, str] = {}
    ref = reference()
    if group in ref.labels("special_circumstances"):
        kind = CircumstanceKind.SPECIAL
    elif group in ref.labels("at_risk"):
        kind = CircumstanceKind.AT_RISK
    else:
        kind = CircumstanceKind.SPECIAL  # not written: the problem below refuses the action
        problems["group"] = _("Nhóm hoàn cảnh không có trong danh mục.")
    _dates(started_on, ended_on, problems, locked.date_of_birth)
    overlapping = locked.circumstances.filter(
        active_between(started_on, ended_on or datetime.date.max), group=group
    )
    if not problems and overlapping.exists():
        problems["group"] = _("Trẻ em đã thuộc nhóm này trong khoảng thời gian đó.")
    if problems:
        raise RegisterError(_("Hoàn cảnh chưa hợp lệ."), problems)
    circumstance = Circumstance.objects.create(
        child=locked,
        kind=kind,
        group=group,
        started_on=started_on,
        ended_on=ended_on,
        recorded_by=_user(actor),
    )
    record_child_access(actor, AccessAction.CHANGE, locked, f"register: circumstance #{circumstance.pk}")
    send_records_changed([locked.commune_id], started_on)
    return circumstance


@transaction.atomic
def do_end_circumstance(actor: Any, circumstance: Circumstance, ended_on: datetime.date) -> Circumstance:
    return _end(actor, circumstance, ended_on, _("Hoàn cảnh này đã kết thúc ngày %(day)s."), "circumstance")


@transaction.atomic
def do_add_support(
    actor: Any,
    child: Child | int,
    *,
    kind: str,
    started_on: datetime.date,
    provider: str,
    ended_on: datetime.date | None = None,
    amount: Decimal | None = None,
    decision: str = "",
) -> Support:
    """Support or a benefit of `kind` (reference.yaml `support_kinds`) from `started_on`, given by `provider`."""
    locked = _child_for(actor, child)
    problems: dict[str, str] = {}
    if kind not in reference().labels("support_kinds"):
        problems["kind"] = _("Hình thức hỗ trợ không có trong danh mục.")
    provider = (provider or "").strip()
    if not provider:
        problems["provider"] = _("Nhập cơ quan, tổ chức hỗ trợ.")
    elif len(provider) > PROVIDER_MAX_LENGTH:
        problems["provider"] = _("Tên cơ quan dài quá %(n)d ký tự.") % {"n": PROVIDER_MAX_LENGTH}
    if amount is not None and (amount < 0 or amount >= Decimal(10) ** 14):
        problems["amount"] = _("Số tiền không hợp lệ.")
    if len(decision or "") > 100:
        problems["decision"] = _("Số quyết định dài quá 100 ký tự.")
    _dates(started_on, ended_on, problems, locked.date_of_birth)
    if problems:
        raise RegisterError(_("Hỗ trợ chưa hợp lệ."), problems)
    support = Support.objects.create(
        child=locked,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        amount=amount,
        provider=provider,
        decision=decision or "",
        recorded_by=_user(actor),
    )
    record_child_access(actor, AccessAction.CHANGE, locked, f"register: support #{support.pk}")
    send_records_changed([locked.commune_id], started_on)
    return support


@transaction.atomic
def do_end_support(actor: Any, support: Support, ended_on: datetime.date) -> Support:
    return _end(actor, support, ended_on, _("Hỗ trợ này đã kết thúc ngày %(day)s."), "support")


Item = TypeVar("Item", Circumstance, Support)


def _end(actor: Any, item: Item, ended_on: datetime.date, already: str, kind: str) -> Item:
    """End a circumstance or a support on `ended_on` (in the caller's transaction)."""
    locked = _child_for(actor, item.child_id)
    row = type(item).objects.select_for_update().get(pk=item.pk, child=locked)
    if row.ended_on is not None:  # someone ended it since the page was shown: theirs stands
        raise RegisterError(already % {"day": f"{row.ended_on:%d/%m/%Y}"})
    problems: dict[str, str] = {}
    _dates(row.started_on, ended_on, problems)
    if problems:
        raise RegisterError(_("Ngày kết thúc chưa hợp lệ."), problems)
    row.ended_on = ended_on
    row.save()
    record_child_access(actor, AccessAction.CHANGE, locked, f"register: {kind} #{row.pk} ended")
    send_records_changed([locked.commune_id], min(ended_on, row.started_on))
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None
