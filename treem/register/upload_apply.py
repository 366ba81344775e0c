"""Staging a checked register upload and applying it on confirmation (treem.entry.staging kind "register").

The staged payload holds children's names, dates of birth and circumstances: it is sealed. The checked rows
are one JSON text encrypted with treem.core.crypto (Fernet, the keys of TREEM_ENCRYPTION_KEYS); only the
number of rows stays in clear. Nothing identifying is kept in the StagedImport's report either.

Confirming applies every row through the register services (do_register_child, do_update_child,
do_add_circumstance, do_add_support), inside the one transaction of staging.confirm: all or nothing, once.
The officer's choice for each duplicate row is handed to the applier with the payload (`choices`, never
saved): "new" creates a child; "link" (rows repeated in the file) uses the child of the earlier row;
"child:<id>" uses that child, which must be one of the row's matches found at the check (anything else
falls back to the default, the best match). A linked child keeps its details; only blank ones are filled
in. A circumstance or support the child already has (same group and dates; same kind, start and provider)
is not added twice, so uploading the same register again adds nothing.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from treem.accounts.policy import scope_for
from treem.cases.duplicates import MOST_SHOWN, child_in_scope, children_for
from treem.cases.models import Child
from treem.cases.signals import batched
from treem.core.crypto import decrypt, encrypt
from treem.entry.staging import register_kind
from treem.units.scope import Scope

from . import services
from .models import Circumstance, Support
from .services import RegisterError

KIND = "register"
NEW = "new"
LINK = "link"
Row = dict[str, Any]


# --- duplicates (at the check) -----------------------------------------------------------------------


def find_duplicates(scope: Scope, rows: list[Row]) -> None:
    """Mark each row that names a child already known. `same_as`: the first earlier row of the file with the
    same child (the same name, by its blind index, date of birth and commune): by default its circumstances
    and support are added to that row's child. `matches`: for a first row, the ids of the children of the
    scope that look like it, by the rules of treem.cases.duplicates.similar_children (the same name in the
    same commune, or the same name and date of birth anywhere the scope reads), best first: the same name,
    date of birth and commune, then the newest. Read in one query per thousand names."""
    first: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row["name_index"], row["date_of_birth"] or "", row["commune"])
        row["same_as"] = first.get(key)
        first.setdefault(key, row["row"])
        row["matches"] = []
    wanted = sorted({row["name_index"] for row in rows if row["same_as"] is None})
    known: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for at in range(0, len(wanted), 1000):
        found = children_for(scope).filter(name_index__in=wanted[at : at + 1000])
        for pk, index, day, commune in found.values_list(
            "pk", "name_index", "date_of_birth", "commune__code"
        ):
            known[index].append((pk, day.isoformat() if day else "", commune))
    for row in rows:
        if row["same_as"] is not None:
            continue
        born = row["date_of_birth"] or ""
        similar = [
            (pk, child_born == born and commune == row["commune"])
            for pk, child_born, commune in known.get(row["name_index"], [])
            if commune == row["commune"] or (born and child_born == born)
        ]
        similar.sort(key=lambda item: (not item[1], -item[0]))
        row["matches"] = [pk for pk, _exact in similar[:MOST_SHOWN]]


# --- staging and applying ----------------------------------------------------------------------------


def seal(rows: list[Row]) -> dict[str, Any]:
    return {"version": 1, "rows": len(rows), "sealed": encrypt(json.dumps(rows, ensure_ascii=False))}


def unseal(payload: dict[str, Any]) -> list[Row]:
    rows: list[Row] = json.loads(decrypt(payload["sealed"]))
    return rows


def duplicate_rows(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.get("same_as") is not None or row.get("matches")]


def default_choice(row: Row) -> str:
    if row.get("same_as") is not None:
        return LINK
    if row.get("matches"):
        return f"child:{row['matches'][0]}"
    return NEW


def choice_for(row: Row, choices: dict[str, str]) -> str:
    """The officer's choice for the row if it is one the row offers; its default otherwise."""
    chosen = choices.get(str(row["row"]), "")
    offered = {NEW, default_choice(row), *(f"child:{pk}" for pk in row.get("matches") or [])}
    return chosen if chosen in offered else default_choice(row)


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _details(row: Row) -> dict[str, Any]:
    return {
        "sex": row["sex"],
        "date_of_birth": _day(row["date_of_birth"]),
        "ethnicity": row["ethnicity"],
        "disability": row["disability"],
        "household": row["household"],
    }


def _fill_blanks(user: Any, child: Child, row: Row) -> bool:
    blanks = {field: value for field, value in _details(row).items() if value and not getattr(child, field)}
    if blanks:
        services.do_update_child(user, child, **blanks)
    return bool(blanks)


def _apply_row(user: Any, row: Row, children: dict[int, Child], choice: str, counts: dict[str, int]) -> None:
    if choice == LINK:
        child = children[row["same_as"]]
        _fill_blanks(user, child, row)
    elif choice.startswith("child:"):
        found = child_in_scope(scope_for(user), choice.partition(":")[2])
        if found is None:  # moved out of the scope since the check: refused like a missing child
            raise RegisterError(_("Không tìm thấy trẻ em trong phạm vi của bạn."))
        child = found
        _fill_blanks(user, child, row)
        counts["linked"] += 1
    else:
        child = services.do_register_child(
            user, commune_code=row["commune"], name=row["name"], **_details(row)
        )
        counts["created"] += 1
    children[row["row"]] = child
    for item in row["circumstances"]:
        start, end = _day(item["started_on"]), _day(item["ended_on"])
        assert start is not None  # the check requires it
        if Circumstance.objects.filter(
            child=child, group=item["group"], started_on=start, ended_on=end
        ).exists():
            counts["skipped"] += 1
            continue
        services.do_add_circumstance(user, child, group=item["group"], started_on=start, ended_on=end)
        counts["circumstances"] += 1
    support = row["support"]
    if support:
        start = _day(support["started_on"])
        assert start is not None
        same = Support.objects.filter(
            child=child, kind=support["kind"], started_on=start, provider=support["provider"]
        )
        if same.exists():
            counts["skipped"] += 1
            return
        services.do_add_support(
            user,
            child,
            kind=support["kind"],
            started_on=start,
            ended_on=_day(support["ended_on"]),
            provider=support["provider"],
            amount=Decimal(support["amount"]) if support["amount"] is not None else None,
            decision=support["decision"],
        )
        counts["supports"] += 1


def apply_upload(payload: dict[str, Any], user: Any) -> tuple[dict[str, Any], bool]:
    """The staging applier: (counts, True) when every row was written; ({"errors": […]}, False) when a
    service refused a row (the records changed since the check, or rows of one child overlap): then
    staging.confirm rolls everything back."""
    rows = unseal(payload)
    choices = payload.get("choices") or {}
    counts = {"created": 0, "linked": 0, "circumstances": 0, "supports": 0, "skipped": 0}
    children: dict[int, Child] = {}
    with batched():  # the communes' figures are recomputed once after the commit, not once per row
        for row in rows:
            choice = choice_for(row, choices)
            if choice == LINK and row["same_as"] not in children:
                choice = NEW  # cannot happen: rows are applied in order and `same_as` is an earlier row
            try:
                _apply_row(user, row, children, choice, counts)
            except RegisterError as exc:
                text = " ".join([exc.message, *exc.problems.values()])
                return {"errors": [_("Dòng %(row)d: %(text)s") % {"row": row["row"], "text": text}]}, False
    return counts, True


register_kind(KIND, apply_upload)
