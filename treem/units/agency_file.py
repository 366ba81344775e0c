"""Reading an agency registry file (data/agencies/*.yaml) as outside input, before agency_loading checks
what it means: a size limit, UTF-8, YAML whose dates stay strings (so a day that does not exist is
reported, not raised), no nesting deep enough to exhaust the stack, and every code, name and date of the
kind and length the database columns take (no NUL, which PostgreSQL refuses). Every refusal is an
InputErrors in Vietnamese naming the place; a value that is not text is never echoed (it may be huge).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.uploads import MB, excerpt
from treem.core.yamlfile import PlainLoader, read_input_text

from .models import AdministrativeUnit, Agency, AgencySuccession

REGISTRY_LIMIT = 2 * MB  # a province's registry is a few dozen KB
LISTS = ("agencies", "groups", "ended", "memberships", "successions")
DATE_KEYS = {"valid_from", "valid_to", "since"}
MEMBER_LISTS = {"groups", "memberships"}


def _limit(model: Any, field: str) -> int:
    return int(model._meta.get_field(field).max_length)


UNIT_CODE_LIMIT = _limit(AdministrativeUnit, "code")
# The text each entry of a list may carry, and the longest the database keeps.
TEXT_FIELDS: dict[str, dict[str, int]] = {
    "agencies": {
        "code": _limit(Agency, "code"),
        "name": _limit(Agency, "name"),
        "short_name": _limit(Agency, "short_name"),
        "kind": _limit(Agency, "kind"),
        "unit": UNIT_CODE_LIMIT,
    },
    "groups": {
        "code": _limit(Agency, "code"),
        "name": _limit(Agency, "name"),
        "short_name": _limit(Agency, "short_name"),
    },
    "ended": {"code": _limit(Agency, "code")},
    "memberships": {"group": _limit(Agency, "code")},
    "successions": {
        "predecessor": _limit(Agency, "code"),
        "successor": _limit(Agency, "code"),
        "duty": _limit(AgencySuccession, "duty"),
    },
}


def read_registry(path: Path) -> dict[str, Any]:
    """The file's mapping, every value of the kind its place takes; InputErrors naming each problem."""
    name = path.name
    text = read_input_text(path, REGISTRY_LIMIT)
    try:
        data = yaml.load(text, Loader=PlainLoader)  # a SafeLoader that keeps dates as text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(", dòng %(n)s") % {"n": mark.line + 1} if mark else ""
        problem = excerpt(getattr(exc, "problem", None) or exc, 120)
        raise InputErrors(
            [
                _("Tệp %(name)s%(where)s: không phải YAML hợp lệ (%(problem)s).")
                % {"name": name, "where": where, "problem": problem}
            ]
        ) from None
    except RecursionError:
        raise InputErrors([_("Tệp %(name)s lồng nhau quá sâu.") % {"name": name}]) from None
    except ValueError as exc:  # a value YAML cannot build, e.g. an integer of thousands of digits
        raise InputErrors(
            [
                _("Tệp %(name)s có giá trị không đọc được: %(problem)s.")
                % {"name": name, "problem": excerpt(exc, 80)}
            ]
        ) from None
    if not isinstance(data, dict):
        raise InputErrors(
            [_("Tệp %(name)s: phải là một bảng khóa–giá trị có 'agencies' và 'groups'.") % {"name": name}]
        )
    errors: list[str] = []
    for key in LISTS:
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            errors.append(
                _("Tệp %(name)s, %(key)s: phải là một danh sách các mục khóa–giá trị.")
                % {"name": name, "key": key}
            )
            continue
        for i, item in enumerate(items):
            _check_entry(item, key, f"{key}[{i}]", errors)
    province = data.get("province")
    if isinstance(province, int) and not isinstance(province, bool):
        province = str(province)  # `province: 46` unquoted
    _check_text(province, "province", UNIT_CODE_LIMIT, errors)
    _check_date(data.get("valid_from"), "valid_from", errors)
    if errors:
        raise InputErrors(errors)
    return data


def _check_entry(item: dict, key: str, where: str, errors: list[str]) -> None:
    for field, limit in TEXT_FIELDS[key].items():
        _check_text(item.get(field), f"{where}.{field}", limit, errors)
    for field in DATE_KEYS & set(item):
        _check_date(item[field], f"{where}.{field}", errors)
    members = item.get("members")
    if key in MEMBER_LISTS and members is not None:
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            errors.append(_("%(where)s.members: phải là một danh sách mã cơ quan.") % {"where": where})
        else:
            for member in members:
                _check_text(member, f"{where}.members", _limit(Agency, "code"), errors)


def _check_text(value: Any, where: str, limit: int, errors: list[str]) -> None:
    """Text (or nothing) of at most `limit` characters, without NUL."""
    if value is None:
        return
    if not isinstance(value, str):
        errors.append(_("%(where)s: phải là một chuỗi ký tự (viết trong ngoặc kép).") % {"where": where})
    elif "\x00" in value:
        errors.append(_("%(where)s: có ký tự không hợp lệ (NUL).") % {"where": where})
    elif len(value) > limit:
        errors.append(_("%(where)s: dài quá %(n)s ký tự.") % {"where": where, "n": limit})


def _check_date(value: Any, where: str, errors: list[str]) -> None:
    """A date is written as text (YYYY-MM-DD, checked by agency_loading) or is null."""
    if value is None or isinstance(value, str | datetime.date):
        return
    errors.append(_("%(where)s: ngày phải viết dạng YYYY-MM-DD.") % {"where": where})
