"""Writes on users that the audit log must know about."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from treem.core import audit
from treem.core.models import AuditAction
from treem.units.models import AdministrativeUnit, Agency

from .models import User


def _access(role: str, unit: AdministrativeUnit | None, agency: Agency | None) -> dict:
    return {"role": role, "unit": unit.code if unit else None, "agency": agency.code if agency else None}


def _province(*places: AdministrativeUnit | Agency | None) -> str:
    """The province of the first unit (or agency's area) given."""
    for place in places:
        unit = place.unit if isinstance(place, Agency) else place
        if unit is not None:
            return audit.province_of(unit.path)
    return ""


def province_of_user(user: User | None) -> str:
    """The province of a user's unit (or of its agency's area); "" when it has neither."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return _province(user.unit, user.agency)


@transaction.atomic
def change_user_access(
    user: User, *, role: str, unit: AdministrativeUnit | None, agency: Agency | None, by: User | None
) -> None:
    """Give `user` this role, unit and agency and save it (a new user is created), recording old → new in
    the audit log in the same transaction when any of the three changed (or the user is new).

    The user is saved whole, so other changes already made on the object (the admin form's) are kept too."""
    before = User.objects.select_related("unit", "agency").filter(pk=user.pk).first() if user.pk else None
    old = _access(before.role, before.unit, before.agency) if before else None
    user.role, user.unit, user.agency = role, unit, agency
    user.save()
    new = _access(role, unit, agency)
    if old == new:
        return
    if before is None:
        text = f"Tạo người dùng {user.get_username()}: vai trò {role}, địa bàn {new['unit'] or '-'}, "
    else:
        text = (
            f"Đổi vai trò, phạm vi của {user.get_username()}: vai trò {role}, địa bàn {new['unit'] or '-'}, "
        )
    audit.record_event(
        AuditAction.USER_ACCESS_CHANGE,
        actor=by,
        object_kind="user",
        object_id=user.get_username(),
        province_code=_province(unit, agency, *((before.unit, before.agency) if before else ())),
        old=old,
        new=new,
        summary=text + f"cơ quan {new['agency'] or '-'}",
    )


@transaction.atomic
def issue_api_token(user: User) -> Token:
    """A new API token for `user`, replacing the one it had (a user has one token at a time)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record_event(
        AuditAction.API_TOKEN_CREATE,
        actor=user,
        object_kind="user",
        object_id=user.get_username(),
        province_code=province_of_user(user),
        new={"created": token.created},
        summary=f"{user.get_username()} tạo token API mới",
    )
    return token


@transaction.atomic
def revoke_api_token(user: User, *, by: User) -> bool:
    """Delete `user`'s API token; False when it had none (nothing is recorded then)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if not deleted:
        return False
    audit.record_event(
        AuditAction.API_TOKEN_REVOKE,
        actor=by,
        object_kind="user",
        object_id=user.get_username(),
        province_code=province_of_user(user),
        summary=f"Thu hồi token API của {user.get_username()}",
    )
    return True
