"""Loading the agency registry (data/agencies/*.yaml): bodies, groups, their dates and successions.

A province has one file per structure: 46-thua-thien-hue.yaml (the 2023 bodies, no dates) and
46-hue-2025.yaml (the bodies after the 2025 reforms, the 2023 bodies that `ended`, the `memberships` it
adds to older groups, and the `successions`). The grammar is in docs/agencies.md. A file may name bodies
of another file already loaded (an ended body, a successor, a member), so files load in time order; each
load is idempotent, and reloading an older file does not undo a later one: dates are written only where a
file states them, and a group loses only members its own file defines.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from treem.core.errors import InputErrors
from treem.core.formatting import format_date
from treem.core.uploads import excerpt

from .agency_file import read_registry
from .models import AdministrativeUnit, Agency, AgencyKind, AgencySuccession
from .services import LoadSummary

DATE_FIELDS = ("valid_from", "valid_to")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DUTY_LIMIT = AgencySuccession._meta.get_field("duty").max_length or 200
_UNSTATED = object()  # a date the file does not state: the stored one stays


def _as_date(value: Any, where: str, errors: list[str]) -> datetime.date | None:
    """A date written YYYY-MM-DD (the file is read with dates as text, agency_file) or null; anything
    else, a day that does not exist included, is an error naming `where`."""
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = excerpt(value) if isinstance(value, str) else "?"
    errors.append(
        _("%(where)s: ngày '%(value)s' không hợp lệ (viết YYYY-MM-DD).") % {"where": where, "value": shown}
    )
    return None


def _unit_on(code: str, day: datetime.date | None) -> AdministrativeUnit | None:
    """The unit a body of the file sits on: the version of the code valid on the body's day. A file
    without dates names units as they are today, or as they last were (a 2023 district that has ended)."""
    if day is not None:
        return AdministrativeUnit.objects.version_of(code, on=day)
    return AdministrativeUnit.objects.version_of(code) or (
        AdministrativeUnit.objects.filter(code=code)
        .order_by(models.F("valid_from").desc(nulls_last=True))
        .first()
    )


@dataclass
class _Plan:
    """What a file asks for, checked before anything is written."""

    dates: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → stated dates
    units: dict[str, AdministrativeUnit | None] = field(default_factory=dict)  # code → its unit
    spans: dict[str, tuple[datetime.date | None, datetime.date | None]] = field(default_factory=dict)
    successions: list[tuple[str, str, str, datetime.date]] = field(
        default_factory=list
    )  # from, to, duty, since


def _stated_dates(item: dict, default: Any, where: str, errors: list[str]) -> dict[str, Any]:
    """The dates an entry states (its own, else the file's valid_from for its start); unstated ones are
    left out so that the stored dates stay."""
    stated: dict[str, Any] = {}
    for name in DATE_FIELDS:
        value = item.get(name, default if name == "valid_from" else _UNSTATED)
        if value is not _UNSTATED:
            stated[name] = _as_date(value, f"{where}.{name}", errors)
    start, end = stated.get("valid_from"), stated.get("valid_to")
    if start and end and end <= start:
        errors.append(
            _("%(where)s.valid_to: ngày kết thúc %(end)s phải sau ngày bắt đầu %(start)s.")
            % {"where": where, "end": format_date(end), "start": format_date(start)}
        )
    return stated


def _check(data: dict[str, Any], existing: dict[str, Agency]) -> _Plan:
    errors: list[str] = []
    plan = _Plan()
    kinds = set(AgencyKind.values)
    entries, groups = data.get("agencies") or [], data.get("groups") or []
    file_day = _as_date(data.get("valid_from"), "valid_from", errors) if "valid_from" in data else None
    default_start = data["valid_from"] if "valid_from" in data else _UNSTATED
    for i, group in enumerate(groups):
        for name in ("code", "name", "members"):
            if not group.get(name):
                errors.append(f"groups[{i}].{name}: thiếu giá trị.")
    defined = {e.get("code") for e in entries} | {g.get("code") for g in groups}
    known = defined | set(existing)
    province_code = str(data.get("province") or "")
    if province_code:
        plan.units[""] = _unit_on(province_code, file_day)
        if plan.units[""] is None:
            errors.append(f"province: chưa có tỉnh mã '{province_code}' (chạy load_units trước).")
    for key, items in (("agencies", entries), ("groups", groups)):
        for i, entry in enumerate(items):
            where = f"{key}[{i}]"
            stated = _stated_dates(entry, default_start, where, errors)
            if entry.get("code"):
                plan.dates[entry["code"]] = stated
            if key == "groups":
                continue
            for name in ("code", "name", "kind"):
                if not entry.get(name):
                    errors.append(f"{where}.{name}: thiếu giá trị.")
            if entry.get("kind") and entry["kind"] not in kinds:
                errors.append(f"{where}.kind: loại '{entry['kind']}' không hợp lệ.")
            if entry.get("unit"):
                unit = _unit_on(str(entry["unit"]), stated.get("valid_from") or file_day)
                if unit is None:
                    errors.append(
                        f"{where}.unit: chưa có đơn vị hành chính mã '{entry['unit']}' (chạy load_units trước)."
                    )
                plan.units[entry.get("code") or ""] = unit
    for i, group in enumerate(groups):
        for member in group.get("members") or []:
            if member not in known:
                errors.append(f"groups[{i}].members: không có cơ quan mã '{member}'.")
    for code, agency in existing.items():
        plan.spans[code] = (agency.valid_from, agency.valid_to)
    for code, stated in plan.dates.items():
        start, end = plan.spans.get(code, (None, None))
        plan.spans[code] = (stated.get("valid_from", start), stated.get("valid_to", end))
    _check_ended(data.get("ended") or [], known, plan, errors)
    _check_memberships(data.get("memberships") or [], known, existing, errors)
    _check_successions(data.get("successions") or [], known, plan, errors)
    if errors:
        raise InputErrors(errors)
    return plan


def _check_ended(items: list[dict], known: set, plan: _Plan, errors: list[str]) -> None:
    for i, item in enumerate(items):
        where = f"ended[{i}]"
        code = str(item.get("code") or "")
        if code not in known:
            errors.append(
                _("%(where)s.code: không có cơ quan mã '%(code)s'.") % {"where": where, "code": code}
            )
            continue
        if item.get("valid_to") is None:
            errors.append(_("%(where)s.valid_to: thiếu ngày kết thúc.") % {"where": where})
            continue
        end = _as_date(item["valid_to"], f"{where}.valid_to", errors)
        start = plan.spans[code][0]
        if end and start and end <= start:
            errors.append(
                _(
                    "%(where)s.valid_to: cơ quan '%(code)s' bắt đầu từ %(start)s, không thể kết thúc ngày %(end)s."
                )
                % {"where": where, "code": code, "start": format_date(start), "end": format_date(end)}
            )
        if end:
            plan.dates.setdefault(code, {})["valid_to"] = end
            plan.spans[code] = (start, end)


def _check_memberships(items: list[dict], known: set, existing: dict[str, Agency], errors: list[str]) -> None:
    for i, item in enumerate(items):
        where = f"memberships[{i}]"
        group = existing.get(item.get("group") or "")
        if group is None or not group.is_group:
            errors.append(
                _("%(where)s.group: không có nhóm cơ quan mã '%(code)s' (nạp tệp định nghĩa nhóm trước).")
                % {"where": where, "code": item.get("group")}
            )
        members = item.get("members")
        if not isinstance(members, list) or not members:
            errors.append(_("%(where)s.members: thiếu danh sách thành viên.") % {"where": where})
            continue
        for member in members:
            if member not in known:
                errors.append(
                    _("%(where)s.members: không có cơ quan mã '%(code)s'.") % {"where": where, "code": member}
                )


def _check_successions(items: list[dict], known: set, plan: _Plan, errors: list[str]) -> None:
    for i, item in enumerate(items):
        where = f"successions[{i}]"
        codes = {role: str(item.get(role) or "") for role in ("predecessor", "successor")}
        for role, code in codes.items():
            if code not in known:
                errors.append(
                    _("%(where)s.%(role)s: không có cơ quan mã '%(code)s'.")
                    % {"where": where, "role": role, "code": code}
                )
        if codes["predecessor"] == codes["successor"]:
            errors.append(_("%(where)s: một cơ quan không kế thừa chính nó.") % {"where": where})
        if len(str(item.get("duty") or "")) > DUTY_LIMIT:
            errors.append(_("%(where)s.duty: tối đa %(n)s ký tự.") % {"where": where, "n": DUTY_LIMIT})
        if item.get("since") is None:
            errors.append(_("%(where)s.since: thiếu ngày chuyển giao.") % {"where": where})
            continue
        since = _as_date(item["since"], f"{where}.since", errors)
        if since is None or any(code not in known for code in codes.values()):
            continue
        start = plan.spans[codes["successor"]][0]
        if start and start > since:
            errors.append(
                _(
                    "%(where)s.since: cơ quan '%(code)s' chỉ có từ %(start)s, không thể nhận nhiệm vụ từ %(since)s."
                )
                % {
                    "where": where,
                    "code": codes["successor"],
                    "start": format_date(start),
                    "since": format_date(since),
                }
            )
        plan.successions.append(
            (codes["predecessor"], codes["successor"], str(item.get("duty") or ""), since)
        )
        start = plan.spans[codes["predecessor"]][0]
        if start and start >= since:
            errors.append(
                _(
                    "%(where)s.since: cơ quan '%(code)s' chỉ có từ %(start)s, chưa có gì để chuyển giao ngày %(since)s."
                )
                % {
                    "where": where,
                    "code": codes["predecessor"],
                    "start": format_date(start),
                    "since": format_date(since),
                }
            )


def _upsert_agency(
    agency: Agency | None,
    code: str,
    values: dict,
    members: tuple[set[str], set[str]] | None,
    summary: LoadSummary,
) -> Agency:
    """Create or update one agency, counting it as created, updated or unchanged. `members`: the codes the
    file lists, and the codes the file defines (the only members it may take away)."""
    if agency is None:
        agency = Agency.objects.create(code=code, **values)
        summary.created += 1
        outcome = "created"
    else:
        outcome = "unchanged"
        if any(getattr(agency, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(agency, name, value)
            agency.save()
            outcome = "updated"
    if members is not None:
        listed, defined = members
        current = set() if outcome == "created" else {m.code for m in agency.members.all()}
        wanted = listed | (current - defined)
        if wanted != current:
            agency.members.set(Agency.objects.filter(code__in=wanted))
            outcome = "created" if outcome == "created" else "updated"
    if outcome == "updated":
        summary.updated += 1
    elif outcome == "unchanged":
        summary.unchanged += 1
    return agency


def _write_successions(plan: _Plan, agencies: dict[str, Agency], summary: LoadSummary) -> None:
    for predecessor, successor, duty, since in plan.successions:
        succession, created = AgencySuccession.objects.get_or_create(
            predecessor=agencies[predecessor],
            successor=agencies[successor],
            duty=duty,
            defaults={"since": since},
        )
        if created:
            summary.created += 1
        elif succession.since != since:
            succession.since = since
            succession.save(update_fields=["since"])
            summary.updated += 1
        else:
            summary.unchanged += 1


@transaction.atomic
def load_agencies(path: Path) -> LoadSummary:
    """Create or update the agencies, groups, end dates, memberships and successions of a registry file
    (see data/agencies/ and docs/agencies.md). Nothing is written when anything is wrong."""
    data = read_registry(path)
    existing = {a.code: a for a in Agency.objects.prefetch_related("members")}
    plan = _check(data, existing)
    entries, groups = data.get("agencies") or [], data.get("groups") or []
    defined = {e["code"] for e in entries} | {g["code"] for g in groups}
    summary = LoadSummary()
    for entry in entries:
        values = {
            "name": entry["name"],
            "short_name": entry.get("short_name", ""),
            "kind": entry["kind"],
            "unit": plan.units.get(entry["code"]) if entry.get("unit") else None,
            "is_active": True,
            **plan.dates.get(entry["code"], {}),
        }
        existing[entry["code"]] = _upsert_agency(
            existing.get(entry["code"]), entry["code"], values, None, summary
        )
    for group in groups:
        values = {
            "name": group["name"],
            "short_name": group.get("short_name", ""),
            "kind": AgencyKind.GROUP,
            # A group belongs to the province of the file, as its members do.
            "unit": plan.units.get(""),
            "is_active": True,
            **plan.dates.get(group["code"], {}),
        }
        members = (set(group["members"]), defined)
        existing[group["code"]] = _upsert_agency(
            existing.get(group["code"]), group["code"], values, members, summary
        )
    for item in data.get("ended") or []:
        agency = existing[item["code"]]
        if agency.code not in defined and agency.valid_to != plan.dates[agency.code]["valid_to"]:
            agency.valid_to = plan.dates[agency.code]["valid_to"]
            agency.save(update_fields=["valid_to"])
            summary.updated += 1
    for item in data.get("memberships") or []:
        group = existing[item["group"]]
        missing = set(item["members"]) - {m.code for m in group.members.all()}
        if missing:
            group.members.add(*Agency.objects.filter(code__in=missing))
            summary.updated += 1
    _write_successions(plan, existing, summary)
    return summary
