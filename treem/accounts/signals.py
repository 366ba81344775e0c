"""Signing in and out in the audit log: log-ins, log-outs, failed attempts and django-axes lock-outs; API
tokens revoked when a user's role or area changes.

Connected in `AccountsConfig.ready`. These events are not part of a business transaction: each is written
on its own (autocommit) when the signal fires.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from treem.core import audit
from treem.core.models import AuditAction, AuditEvent

from .models import User
from .services import province_of_user

NAME_LENGTH = AuditEvent._meta.get_field("actor_name").max_length


def _attempted_name(value: Any) -> str:
    """A username someone typed, safe to store: text, no NUL, at most 150 characters."""
    return str(value or "").replace("\x00", "")[:NAME_LENGTH]


def _account(username: str) -> User | None:
    if not username:
        return None
    return User.objects.select_related("unit", "agency__unit").filter(username=username).first()


def _record_session_event(action: str, user: User, verb: str) -> None:
    audit.record_event(
        action,
        actor=user,
        object_kind="user",
        object_id=user.get_username(),
        province_code=province_of_user(user),
        summary=f"{verb}: {user.get_username()}",
    )


@receiver(user_logged_in, dispatch_uid="treem.audit.login")
def record_login(sender: Any, request: Any = None, user: User | None = None, **kwargs: Any) -> None:
    if user is None:
        return
    _record_session_event(AuditAction.LOGIN, user, "Đăng nhập")


@receiver(user_logged_out, dispatch_uid="treem.audit.logout")
def record_logout(sender: Any, request: Any = None, user: User | None = None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    _record_session_event(AuditAction.LOGOUT, user, "Đăng xuất")


@receiver(user_login_failed, dispatch_uid="treem.audit.login_failed")
def record_login_failed(
    sender: Any, credentials: dict | None = None, request: Any = None, **kwargs: Any
) -> None:
    name = _attempted_name((credentials or {}).get(User.USERNAME_FIELD))
    audit.record_event(
        AuditAction.LOGIN_FAILED,
        actor_name=name,
        object_kind="user",
        object_id=name,
        province_code=province_of_user(_account(name)),
        summary=f"Đăng nhập không thành công: {name or '(không có tên đăng nhập)'}",
    )


@receiver(user_locked_out, dispatch_uid="treem.audit.lockout")
def record_lockout(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """django-axes 8 sends `request`, `username` and `ip_address` when an account+address is locked."""
    name = _attempted_name(username)
    audit.record_event(
        AuditAction.LOCKOUT,
        actor_name=name,
        object_kind="user",
        object_id=name,
        province_code=province_of_user(_account(name)),
        new={"ip_address": ip_address},
        summary=f"Tạm khóa đăng nhập sau nhiều lần sai mật khẩu: {name or '(không có tên đăng nhập)'}",
    )


ACCESS_FIELDS = ("role", "unit_id", "agency_id")


@receiver(pre_save, sender=User, dispatch_uid="treem.tokens.access_changed")
def revoke_tokens_when_access_changes(sender: Any, instance: User, **kwargs: Any) -> None:
    """A changed role or area revokes the user's API tokens: a token made under the old access (e.g. before
    the role needed a second factor) must not carry into the new one. The user makes a new token."""
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
    if before is not None and any(before[name] != getattr(instance, name) for name in ACCESS_FIELDS):
        Token.objects.filter(user_id=instance.pk).delete()
