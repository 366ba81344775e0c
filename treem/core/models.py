"""The audit log: who did what, when, from where, with the value before and after.

Append-only inside the application: a saved event is never changed or deleted (`AuditEvent.save` and
`delete`, and the queryset's `update`/`delete`, refuse). Events are written by `treem.core.audit.record_event`
from the service that makes the change, inside its transaction. Deleting a user keeps their events:
`actor` becomes NULL and `actor_name` still names them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a recorded audit event."""


APPEND_ONLY = "Nhật ký hoạt động chỉ được ghi thêm: không sửa, không xóa một sự kiện đã ghi."


class AuditAction(models.TextChoices):
    VALUE_IMPORT = "value_import", _("Ghi số liệu")
    COMPLETION_MARK = "completion_mark", _("Xác nhận hoàn thành số liệu")
    COMPLETION_UNMARK = "completion_unmark", _("Bỏ xác nhận hoàn thành số liệu")
    PLAN_LOAD = "plan_load", _("Nạp kế hoạch")
    PLAN_ISSUE = "plan_issue", _("Ban hành kế hoạch")
    USER_ACCESS_CHANGE = "user_access_change", _("Đổi vai trò, phạm vi người dùng")
    LOGIN = "login", _("Đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
    LOCKOUT = "lockout", _("Tạm khóa tài khoản")
    API_TOKEN_CREATE = "api_token_create", _("Tạo token API")
    API_TOKEN_REVOKE = "api_token_revoke", _("Thu hồi token API")
    REPORT_SAVE = "report_save", _("Lưu báo cáo")
    REPORT_SUBMIT = "report_submit", _("Gửi báo cáo")
    REPORT_ACCEPT = "report_accept", _("Tiếp nhận báo cáo")
    REPORT_RETURN = "report_return", _("Trả lại báo cáo")
    REPORT_REOPEN = "report_reopen", _("Mở lại báo cáo đã tiếp nhận")
    ATTACHMENT_ADD = "attachment_add", _("Đính kèm tệp")
    ATTACHMENT_REMOVE = "attachment_remove", _("Gỡ tệp đính kèm")
    CONSOLIDATED_EDIT = "consolidated_edit", _("Sửa dự thảo báo cáo tổng hợp")
    CONSOLIDATED_ISSUE = "consolidated_issue", _("Ban hành báo cáo tổng hợp")
    REMINDER_SEND = "reminder_send", _("Gửi nhắc hạn báo cáo")


class AppendOnlyQuerySet(models.QuerySet):
    """Reads only: bulk updates and deletions are refused with the model's own error."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise self.model.refusal()

    def delete(self) -> NoReturn:
        raise self.model.refusal()

    # Django's `queryset_only` flag keeps both off the manager; set through __dict__, as mypy does not
    # let a function take attributes.
    update.__dict__["queryset_only"] = True
    delete.__dict__["queryset_only"] = True


class AppendOnlyModel(models.Model):
    """A log whose rows are only ever added (the audit log; cases' access log): saving an existing row,
    deleting one, and the queryset's bulk update and delete raise `refusal()`."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.refusal()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.refusal()

    @classmethod
    def refusal(cls) -> Exception:
        """The error a change or deletion raises (each log names its own)."""
        raise NotImplementedError


class AuditEvent(AppendOnlyModel):
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=30, choices=AuditAction.choices)
    object_kind = models.CharField(_("loại đối tượng"), max_length=50, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=200, blank=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=10, blank=True, db_index=True)
    scope = models.CharField(_("phạm vi"), max_length=120, blank=True)
    old = models.JSONField(_("trước"), null=True, blank=True)
    new = models.JSONField(_("sau"), null=True, blank=True)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province_code", "-created_at"], name="audit_province_time")]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hoạt động")

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M} " if self.created_at else ""
        return f"{when}{self.actor_name or '-'} {self.action} {self.object_id}".strip()

    @classmethod
    def refusal(cls) -> Exception:
        return AuditLogIsAppendOnly(APPEND_ONLY)
