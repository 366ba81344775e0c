"""What DHIS2 clients ask first: `GET /api/system/info` (the server's version and time) and `GET /api/me`
(who is signed in, what they may do, within their scope). Both need a signed-in caller, as DHIS2's do, and
answer a refusal (401, 405 …) in DHIS2's WebMessage shape."""

from __future__ import annotations

import datetime
import importlib.metadata
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from treem.core.dhis2_message import WebMessageView, server_time
from treem.units import geometry
from treem.units.models import AdministrativeUnit
from treem.units.scope import Scope

from .models import Role, User
from .policy import scope_of

# The DHIS2 release whose Web API treem follows (docs/indicators.md, "DHIS2 Web API"): the dataValueSets
# import options, WebMessage and ImportSummary shapes of 2.40, which 2.38 … 2.41 share. Clients derive the
# API version from it (dhis2.py: "2.40.0" → 40), and /api/40/… is a route treem answers.
DHIS2_VERSION = "2.40.0"
SYSTEM_NAME = "treem"
# Java's display name of the zone, as DHIS2 reports it; another zone is named by its UTC offset.
ZONE_NAMES = {"Asia/Ho_Chi_Minh": "Indochina Time", "Asia/Bangkok": "Indochina Time", "UTC": "Coordinated Universal Time"}  # fmt: skip

# DHIS2 authorities a treem scope grants: entering figures (and deleting them, importStrategy=DELETE)
# within the scope's units and elements; "ALL" only for a superuser over every province.
ADD_VALUES, DELETE_VALUES, ALL = "F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "ALL"
SUPERUSER_ROLE = "superuser"


def zone_display_name(moment: datetime.datetime) -> str:
    zone = settings.TIME_ZONE
    if zone in ZONE_NAMES:
        return ZONE_NAMES[zone]
    offset = timezone.localtime(moment).strftime("%z")  # +0700
    return f"GMT{offset[:3]}:{offset[3:]}" if offset else zone


def treem_version() -> str | None:
    try:
        return importlib.metadata.version("treem")
    except importlib.metadata.PackageNotFoundError:
        return None


def build_time() -> str | None:
    """When the installed package was built (its metadata file written), in DHIS2's format; None when
    treem runs from a tree without package metadata."""
    try:
        dist = importlib.metadata.distribution("treem")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.name in {"METADATA", "PKG-INFO"}:
            path = Path(str(file.locate()))
            if path.is_file():
                return server_time(datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC))
    return None


def context_path(request: Request) -> str:
    """The base address the client reached treem at (scheme, host and any prefix), without the final /."""
    return request.build_absolute_uri(get_script_prefix()).rstrip("/")


class SystemInfoView(WebMessageView):
    @extend_schema(
        summary="DHIS2 system/info: phiên bản API DHIS2 tương thích, giờ máy chủ, lịch, định dạng ngày",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, **route: str | None) -> Response:
        now = timezone.now()
        return Response(
            {
                "contextPath": context_path(request),
                "userAgent": request.META.get("HTTP_USER_AGENT", "")[:300],
                "calendar": "iso8601",
                "dateFormat": "yyyy-mm-dd",
                "serverDate": server_time(now),
                "serverTimeZoneId": settings.TIME_ZONE,
                "serverTimeZoneDisplayName": zone_display_name(now),
                "version": DHIS2_VERSION,
                "revision": treem_version(),
                "buildTime": build_time(),
                "systemId": str(uuid.uuid5(uuid.NAMESPACE_URL, settings.TREEM_SITE_URL)),
                "systemName": SYSTEM_NAME,
                "instanceBaseUrl": settings.TREEM_SITE_URL,
                "treemVersion": treem_version(),
            }
        )


def _unit(unit: AdministrativeUnit) -> dict[str, Any]:
    """An organisation unit as DHIS2 names one, by treem's code (the identifier dataValueSets take)."""
    codes = geometry.path_codes(unit.path)
    return {
        "id": unit.code,
        "code": unit.code,
        "name": unit.name,
        "displayName": unit.name,
        "level": len(codes),
        "path": "/" + "/".join(codes),
    }


def scope_roots(scope: Scope) -> list[AdministrativeUnit]:
    """The top units of the scope: its own unit, or the provinces (as they are today) for every province."""
    if scope.all_provinces:
        roots = AdministrativeUnit.objects.filter(parent=None).valid_on(timezone.localdate())
    elif scope.unit_path is not None:
        roots = AdministrativeUnit.objects.filter(path=scope.unit_path)
    else:
        return []
    return list(roots.order_by("path"))


def authorities(user: User, scope: Scope) -> list[str]:
    granted = [ALL] if user.is_superuser and scope.all_provinces else []
    if scope.can_enter_values:
        granted += [ADD_VALUES, DELETE_VALUES]
    return granted


def user_roles(user: User, scope: Scope) -> list[dict[str, str]]:
    roles = []
    if user.is_superuser and scope.all_provinces:
        roles.append({"id": SUPERUSER_ROLE, "name": _("Siêu quản trị (mọi tỉnh)")})
    if user.role:
        roles.append({"id": str(user.role), "name": str(Role(user.role).label)})
    return roles


def me(user: User, scope: Scope) -> dict[str, Any]:
    """The caller as DHIS2's /api/me describes a user, nothing outside its scope."""
    units = [_unit(unit) for unit in scope_roots(scope)]
    roles = user_roles(user, scope)
    name = user.get_full_name() or user.get_username()
    locale = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "id": user.get_username(),
        "username": user.get_username(),
        "name": name,
        "displayName": name,
        "firstName": user.first_name,
        "surname": user.last_name,
        "email": user.email,
        "authorities": authorities(user, scope),
        # DHIS2's data capture units and its data view units: treem's scope is one subtree for both (what
        # may be entered there is in `authorities`, and within it the supplier rules of the entry scope).
        "organisationUnits": units,
        "dataViewOrganisationUnits": units,
        "userRoles": roles,
        "userCredentials": {"username": user.get_username(), "userRoles": roles},  # DHIS2 before 2.36
        "settings": {"keyUiLocale": locale, "keyDbLocale": locale},
    }


MAX_FIELDS_LENGTH = 1000


def _split(spec: str) -> list[str]:
    """`id,name,organisationUnits[id,name]` → its top-level parts, commas inside brackets kept."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(spec):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    return [part.strip() for part in parts if part.strip()]


def _field_tree(spec: str) -> dict[str, str]:
    """Each part's field name → its nested spec ("" for none). A transformer or a rename (`name~size`,
    `name::rename(x)`) is dropped: treem answers the field as it is."""
    tree = {}
    for part in _split(spec):
        bracket = re.search(r"[\[(]", part)
        head, nested = (part[: bracket.start()], part[bracket.start() + 1 : -1]) if bracket else (part, "")
        name = re.split(r"~|::", head, maxsplit=1)[0].strip()
        if name:
            tree[name] = nested
    return tree


def select_fields(value: Any, spec: str) -> Any:
    """DHIS2's `fields` filter over an answer: named fields (nested in brackets), `*` or a preset such as
    `:all` for every field, `!name` to leave one out. An unknown name is skipped, as DHIS2 does."""
    spec = spec[:MAX_FIELDS_LENGTH]
    if isinstance(value, list):
        return [select_fields(item, spec) for item in value]
    tree = _field_tree(spec)
    if not isinstance(value, dict) or not tree:
        return value
    every = any(name == "*" or name.startswith(":") for name in tree)
    left_out = {name[1:] for name in tree if name.startswith("!")}
    names = list(value) if every else [name for name in tree if name in value]
    return {name: select_fields(value[name], tree.get(name, "")) for name in names if name not in left_out}


class MeView(WebMessageView):
    @extend_schema(
        summary="DHIS2 me: người dùng đang đăng nhập, quyền (authorities) và đơn vị trong phạm vi của họ",
        parameters=[
            OpenApiParameter(
                "fields",
                str,
                description="Các trường cần trả về, như DHIS2: id,name,organisationUnits[id,name]",
            )
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, **route: str | None) -> Response:
        user = request.user
        assert isinstance(user, User)
        body = me(user, scope_of(request))
        return Response(select_fields(body, ",".join(request.query_params.getlist("fields"))))
