"""The 2025 reform of administrative units: its day, and the mapping of which 2023 communes (whole or in
part) make up each 2025 commune (data/units/reform-2025-<province>.csv, see docs/units.md)."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter

from django.db import transaction

from treem.core.errors import InputErrors

from .models import AdministrativeUnit, UnitSuccession

# From 01/07/2025, 34 provinces and communes directly under them (no district level). The 2023 structure
# is the one in force the day before.
REFORM_DAY = datetime.date(2025, 7, 1)
REFORM_MAPPING_CSV = "reform-2025-{province}.csv"  # predecessor_code,successor_code,partial
MAPPING_COLUMNS = ["predecessor_code", "successor_code", "partial"]


@transaction.atomic
def load_reform_mapping(text: str, source: str = "CSV") -> int:
    """Load a mapping file (predecessor_code,successor_code,partial) into UnitSuccession since the reform
    day: the predecessor is the unit valid the day before, the successor the one valid on the day. A
    predecessor with several successors was split, so each of its rows must say partial=1."""
    if "\x00" in text:
        raise InputErrors([f"{source}: có ký tự không hợp lệ (NUL)."])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputErrors([f"{source}, dòng {reader.line_num}: tệp CSV sai cú pháp ({exc})."]) from exc
    missing = [c for c in MAPPING_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputErrors([f"{source} thiếu cột: {', '.join(missing)} (cần {', '.join(MAPPING_COLUMNS)})."])
    before = REFORM_DAY - datetime.timedelta(days=1)
    errors: list[str] = []
    links: list[tuple[int, AdministrativeUnit, AdministrativeUnit, bool]] = []
    for line, raw in enumerate(records, start=2):
        old_code, new_code = (raw["predecessor_code"] or "").strip(), (raw["successor_code"] or "").strip()
        partial = (raw["partial"] or "").strip()
        old = AdministrativeUnit.objects.version_of(old_code, on=before)
        new = AdministrativeUnit.objects.version_of(new_code, on=REFORM_DAY)
        if old is None:
            errors.append(f"{source}, dòng {line}: không có đơn vị '{old_code[:20]}' ngày {before:%d/%m/%Y}.")
        if new is None:
            errors.append(
                f"{source}, dòng {line}: không có đơn vị '{new_code[:20]}' ngày {REFORM_DAY:%d/%m/%Y}."
            )
        if partial not in {"0", "1"}:
            errors.append(
                f"{source}, dòng {line}, cột partial: phải là 0 hoặc 1, không phải '{partial[:20]}'."
            )
        if old is not None and new is not None and old.pk == new.pk:
            errors.append(f"{source}, dòng {line}: đơn vị '{old_code}' không thể kế thừa chính nó.")
        elif old is not None and new is not None:
            links.append((line, old, new, partial == "1"))
    successors = Counter(old.pk for _, old, _, _ in links)
    for line, old, _, is_partial in links:
        if successors[old.pk] > 1 and not is_partial:
            errors.append(
                f"{source}, dòng {line}: đơn vị '{old.code}' được chia cho {successors[old.pk]} đơn vị "
                "mới nên cột partial phải là 1."
            )
    if errors:
        raise InputErrors(errors)
    for _, old, new, is_partial in links:
        UnitSuccession.objects.update_or_create(
            predecessor=old, successor=new, defaults={"since": REFORM_DAY, "partial": is_partial}
        )
    return len(links)
