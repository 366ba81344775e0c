"""The audit event of a write of figures: one per province the write changed, in the write's transaction
(a rolled-back write leaves none)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from django.contrib.auth.models import AnonymousUser

from treem.accounts.models import User
from treem.core import audit
from treem.core.models import AuditAction
from treem.units.models import AdministrativeUnit

from . import bulk
from .value_inputs import CellIds, ImportSummary, Resolved, Stored


def record_import(
    summary: ImportSummary,
    units: dict[str, list[AdministrativeUnit]],
    resolved: list[Resolved],
    existing: dict[CellIds, Stored],
    to_create: list[bulk.NewValue],
    to_update: Mapping[int, object],
    to_delete: list[int],
    user: User | AnonymousUser | None,
) -> None:
    """One audit event per province the import wrote to, inside the import's transaction (a rolled-back
    import leaves none). `new` holds that province's counts and the periods of the file."""
    if not (summary.imported + summary.updated + summary.deleted):
        return
    province_of_unit = {u.id: audit.province_of(u.path) for versions in units.values() for u in versions}
    counts: dict[str, Counter] = defaultdict(Counter)
    if len(set(province_of_unit.values())) == 1:
        counts[next(iter(province_of_unit.values()))].update(
            imported=summary.imported,
            updated=summary.updated,
            deleted=summary.deleted,
            ignored=summary.ignored,
        )
    else:  # a file over several provinces: count each province's share
        unit_of_value = {stored.id: key[2] for key, stored in existing.items()}
        for kind, unit_ids in (
            ("imported", (row[2] for row in to_create)),
            ("updated", (unit_of_value[pk] for pk in to_update)),
            ("deleted", (unit_of_value[pk] for pk in to_delete)),
        ):
            for unit_id in unit_ids:
                counts[province_of_unit[unit_id]][kind] += 1
        for unit_id, rows in Counter(r.unit_id for r in resolved).items():
            counts[province_of_unit[unit_id]]["ignored"] += rows
        for tally in counts.values():
            tally["ignored"] -= tally["imported"] + tally["updated"] + tally["deleted"]
    periods = sorted({r.period.code for r in resolved})
    for province, tally in sorted(counts.items()):
        if not (tally["imported"] + tally["updated"] + tally["deleted"]):
            continue
        new = {kind: tally[kind] for kind in ("imported", "updated", "deleted", "ignored")}
        audit.record_event(
            AuditAction.VALUE_IMPORT,
            actor=user,
            object_kind="dataValueSet",
            object_id=", ".join(periods),
            province_code=province,
            new={**new, "periods": periods},
            summary=f"Ghi số liệu: {new['imported']} mới, {new['updated']} cập nhật, {new['deleted']} xóa",
        )
