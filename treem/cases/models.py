"""The case register: children, their cases, each step's record, and the access log.

Sealed: only treem.cases.selectors and treem.cases.services read or write these models; no other module
queries Child, Case, StepRecord or AccessEvent. A child's name and every confidential field of a form (the
reporter's identity, free-text notes) are encrypted at rest (treem.core.crypto); the name is found again
through its blind index. `Case.next_due_at` and `Case.last_step` are kept by the services after each record
so that task lists and dashboards count overdue cases and cases by step in SQL.

The access log (`AccessEvent`) is append-only inside the application, like treem.core.models.AuditEvent:
a saved event is never changed or deleted (save on an existing one, `delete`, and the queryset's `update`
and `delete` refuse). Events are written by treem.cases.access.record_access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from treem.core.crypto import EncryptedTextField
from treem.core.models import AppendOnlyModel

from .db_indexes import ClosedListIndex
from .procedure import Procedure

NAME_INDEX_PURPOSE = "child-name"


class Disability(models.TextChoices):
    """Degrees of disability of the Law on Persons with Disabilities (art. 3), as Decree 20/2021 uses them."""

    NONE = "", _("Không khuyết tật")
    MILD = "mild", _("Khuyết tật nhẹ")
    SEVERE = "severe", _("Khuyết tật nặng")
    EXTREMELY_SEVERE = "extremely_severe", _("Khuyết tật đặc biệt nặng")


class Household(models.TextChoices):
    NONE = "", _("Không thuộc hộ nghèo, cận nghèo")
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")


class Child(models.Model):
    """A child, possibly known only in part. `name` is encrypted; `name_index` is its blind index
    (treem.core.crypto.blind_index with purpose "child-name"), "" for an unknown name."""

    name = EncryptedTextField(_("họ và tên"), blank=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("giới tính"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year_estimate = models.PositiveSmallIntegerField(_("năm sinh (ước tính)"), null=True, blank=True)
    commune = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="child_records",
        verbose_name=_("xã"),
    )
    # The register's details (treem.register): codes from data/register/reference.yaml, "" when unknown.
    ethnicity = models.CharField(_("dân tộc"), max_length=10, blank=True)
    disability = models.CharField(
        _("mức độ khuyết tật"), max_length=20, choices=Disability.choices, blank=True, default=""
    )
    household = models.CharField(
        _("hộ gia đình"), max_length=20, choices=Household.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")

    def __str__(self) -> str:
        return f"#{self.pk}"  # never the name: str() ends up in logs and admin lists


class CaseState(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    CLOSED = "closed", _("Đã kết thúc")


class Case(models.Model):
    """One notification about a child and what follows it. `commune` is the commune responsible now (it
    changes when the child moves; the history keeps the earlier ones); `received_at` is the notification's
    time, where the clocks start; `cycle` counts plan cycles (a returned plan or a review deciding on a new
    plan starts another); `next_due_at` is the earliest deadline among the steps that may be recorded now
    (None: no clock running)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("trẻ em"))
    commune = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("xã")
    )
    code = models.CharField(_("mã trường hợp"), max_length=40, unique=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN
    )
    cycle = models.PositiveIntegerField(_("chu kỳ kế hoạch"), default=1)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    risk = models.CharField(_("mức độ nguy cơ"), max_length=20, blank=True)
    harms = models.JSONField(_("hành vi xâm hại, nguy cơ"), default=list, blank=True)
    last_step = models.CharField(_("bước gần nhất"), max_length=40, blank=True)
    next_due_at = models.DateTimeField(_("hạn gần nhất"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["commune", "state", "next_due_at"], name="case_commune_state_due"),
            models.Index(fields=["state", "next_due_at"], name="case_state_due"),
            # The closed list's order (treem.cases.lists.urgent_cases), so a page needs no sort of them all.
            ClosedListIndex(name="case_state_closed"),
        ]
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state == CaseState.OPEN

    def is_overdue(self, now: Any = None) -> bool:
        return self.is_open and self.next_due_at is not None and self.next_due_at <= (now or timezone.now())


class StepRecord(models.Model):
    """One step recorded on a case: its form's non-confidential `values` (JSON form: ISO dates), and its
    confidential ones as encrypted JSON in `secret`. `due_at` is when the step fell due (from its limit,
    None without one); `is_late` whether it was recorded at or after that instant."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="records", verbose_name=_("trường hợp")
    )
    step = models.CharField(_("bước"), max_length=40)
    cycle = models.PositiveIntegerField(_("chu kỳ kế hoạch"))
    values = models.JSONField(_("nội dung"), default=dict, blank=True)
    secret = EncryptedTextField(_("nội dung bảo mật"), blank=True)
    recorded_at = models.DateTimeField(_("thời điểm ghi"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    due_at = models.DateTimeField(_("hạn"), null=True, blank=True)
    is_late = models.BooleanField(_("quá hạn"), default=False)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["case", "recorded_at"], name="step_case_time"),
            # The derived flow "first intervention in time" (treem.register.derived_rules) probes each case
            # notified in a period for an on-time record of a step: an index-only probe with this one.
            models.Index(
                fields=["step", "cycle", "case"], condition=models.Q(is_late=False), name="step_on_time_case"
            ),
        ]
        verbose_name = _("bước đã thực hiện")
        verbose_name_plural = _("bước đã thực hiện")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}"


def replay(procedure: Procedure, records: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[dict, int]:
    """The current cycle's `done` (step → the latest record's values) and the cycle number, from a case's
    records in the order they were made. Conditions and limits read the non-confidential values only: a
    procedure file names no confidential field in a condition or a limit."""
    done: dict[str, Mapping[str, Any]] = {}
    cycle = 1
    for step, values in records:
        done[step] = values
        kept = procedure.new_cycle(done, step)
        if kept is not None:
            done, cycle = dict(kept), cycle + 1
    return done, cycle


# --- the access log ---------------------------------------------------------------------------------------

APPEND_ONLY = "Nhật ký truy cập hồ sơ chỉ được ghi thêm: không sửa, không xóa một sự kiện đã ghi."


class AccessLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a recorded access event."""


class AccessAction(models.TextChoices):
    READ = "read", _("Xem")
    CREATE = "create", _("Tạo")
    CHANGE = "change", _("Cập nhật")
    EXPORT = "export", _("Xuất dữ liệu")
    PRINT = "print", _("In biểu mẫu")


class AccessEvent(AppendOnlyModel):
    """Who opened or changed which case or child record, when, and what was shown or changed. The record
    is named by id (no foreign key), so the log outlives anything it names."""

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_access_events",
        verbose_name=_("người truy cập"),
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=10, choices=AccessAction.choices)
    case_id = models.BigIntegerField(_("mã số trường hợp"), null=True, blank=True, db_index=True)
    case_code = models.CharField(_("mã trường hợp"), max_length=40, blank=True)
    child_id = models.BigIntegerField(_("mã số trẻ em"), null=True, blank=True, db_index=True)
    what = models.CharField(_("nội dung"), max_length=500, blank=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=10, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province_code", "-created_at"], name="access_province_time")]
        verbose_name = _("lượt truy cập hồ sơ")
        verbose_name_plural = _("nhật ký truy cập hồ sơ")

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M} " if self.created_at else ""
        return f"{when}{self.actor_name or '-'} {self.action} {self.case_code or self.child_id}".strip()

    @classmethod
    def refusal(cls) -> Exception:
        return AccessLogIsAppendOnly(APPEND_ONLY)
