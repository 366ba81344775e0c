"""Regenerate data/units/reform-2025-46.csv: which 2023 commune became (part of) which 2025 commune.

Source: `vietnamadminunits` 1.0.4 (`pip download --no-deps vietnamadminunits==1.0.4`, unzip), its
data/converter_2025.json and data/dataset.db. That package's "legacy" tree is the structure of
01/01/2025, not 2023: some provinces merged communes in 2024 (Huế: 141 communes in 2023, 133 on
01/01/2025). So the mapping is built in two steps:

1. 2023 → legacy. A legacy commune with a 2023 code is that commune. A 2023 commune absent from the
   legacy tree was absorbed: the absorbing legacy commune lists its name key in `wardAlias`
   (Huế: 19906 Phú Dương and 19924 Phú Thanh → 19909 Dương Nỗ, 19999 Hải Dương → 19900 Thuận An, …).
2. legacy → 2025. DICT_PROVINCE_WARD_NO_DIVIDED lists, for each 2025 commune, the legacy communes
   it took whole; DICT_PROVINCE_WARD_DIVIDED lists each legacy commune split between several 2025
   communes. A split commune gets one row per successor, each with partial=1.

The converter's keys are name keys ("thanhphohue_quanthuanhoa_phuongancuu"), joined to codes through
dataset.db (admin_units_legacy for legacy codes). 2025 communes are joined by name to the shipped
data/units/vietnam-2025.csv, not to dataset.db's codes: the two packages number a few 2025 communes
differently (Thuận Hóa 19786 vs 19789) and the shipped file is what treem loads.

    python scripts/generate_reform_mapping.py VAU_DATA_DIR [--province 46] [--out data/units/reform-2025-46.csv]

It prints the check (every 2023 commune mapped, every 2025 commune has a predecessor) and exits 1
when it fails. Only Huế (46) is shipped and checked; other provinces work with --province.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "units"


def name_key(text: str | None) -> str:
    """The package's key of a name: no diacritics, no spaces or punctuation ("Phường Thủy Bằng" → "phuongthuybang")."""
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


def read_units(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def communes_2023(provinces: set[str]) -> dict[str, str]:
    """code → name of the 2023 communes of these provinces (communes hang under districts)."""
    rows = read_units(DATA / "vietnam-2023.csv")
    districts = {r["code"] for r in rows if r["parent_code"] in provinces}
    return {r["code"]: r["name"] for r in rows if r["parent_code"] in districts}


def communes_2025(province: str) -> dict[str, str]:
    """name key → code of the 2025 communes of the province, as shipped."""
    return {
        name_key(r["name"]): r["code"]
        for r in read_units(DATA / "vietnam-2025.csv")
        if r["parent_code"] == province
    }


def build(data_dir: Path, province: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(data_dir / "dataset.db")
    (new_key,) = db.execute(
        "SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = ?", (province,)
    ).fetchone()
    old_keys = converter["DICT_PROVINCE"][new_key]
    legacy = db.execute(
        "SELECT provinceKey, districtKey, wardKey, wardCode, provinceCode, wardAlias FROM admin_units_legacy "
        f"WHERE provinceKey IN ({','.join('?' * len(old_keys))})",
        old_keys,
    ).fetchall()
    # Keys are matched exactly first: two Huế wards differ only by a diacritic (Hương Vân, Hương Văn).
    exact_code = {tuple(row[:3]): row[3] for row in legacy}
    legacy_code = {tuple(name_key(k) for k in row[:3]): row[3] for row in legacy}
    old_communes = communes_2023({row[4] for row in legacy})
    problems: list[str] = []

    # 1. 2023 → legacy
    to_legacy: dict[str, str] = {}
    legacy_codes = {row[3] for row in legacy}
    for code, name in old_communes.items():
        if code in legacy_codes:
            to_legacy[code] = code
            continue
        absorbers = [row[3] for row in legacy if name_key(name) in json.loads(row[5] or "[]")]
        if len(absorbers) == 1:
            to_legacy[code] = absorbers[0]
        else:
            problems.append(f"2023 commune {code} {name}: {len(absorbers)} legacy communes name it")

    # 2. legacy → 2025
    new_codes = communes_2025(province)
    new_names = dict(db.execute("SELECT wardKey, ward FROM admin_units WHERE provinceKey = ?", (new_key,)))

    def code_2025(ward_key: str) -> str | None:
        return new_codes.get(name_key(ward_key)) or new_codes.get(name_key(new_names.get(ward_key, "")))

    def code_legacy(full_key: str) -> str | None:
        parts = tuple(full_key.split("_"))
        return exact_code.get(parts) or legacy_code.get(tuple(name_key(part) for part in parts))

    successors: dict[str, set[str]] = defaultdict(set)
    split: set[str] = set()
    for ward_key, parts in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}).items():
        for full_key in parts:
            old, new = code_legacy(full_key), code_2025(ward_key)
            if old and new:
                successors[old].add(new)
            elif full_key.split("_")[-1]:  # a key with no ward (a district without communes) names nothing
                problems.append(f"cannot join {full_key} → {ward_key}")
    for full_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        old = code_legacy(full_key)
        news = [code_2025(t["newWardKey"]) for t in targets]
        if old is None or None in news:
            problems.append(f"cannot join divided {full_key}")
            continue
        successors[old].update(n for n in news if n)
        split.add(old)

    rows = sorted(
        (code, new, int(legacy_of in split or len(successors[legacy_of]) > 1))
        for code, legacy_of in to_legacy.items()
        for new in successors.get(legacy_of, set())
    )
    unmapped = sorted(set(old_communes) - {r[0] for r in rows})
    orphans = sorted(set(new_codes.values()) - {r[1] for r in rows})
    problems += [f"2023 commune {c} has no successor" for c in unmapped]
    problems += [f"2025 commune {c} has no predecessor" for c in orphans]
    absorbed = {c: t for c, t in to_legacy.items() if c != t}
    print(
        f"province {province}: {len(old_communes)} communes in 2023 ({len(absorbed)} absorbed by 01/01/2025: "
        f"{', '.join(f'{c}→{t}' for c, t in sorted(absorbed.items()))}), {len(new_codes)} in 2025; "
        f"{len(rows)} rows, {sum(r[2] for r in rows)} partial; "
        f"2023 mapped {len(old_communes) - len(unmapped)}/{len(old_communes)}, "
        f"2025 with a predecessor {len(new_codes) - len(orphans)}/{len(new_codes)}",
        file=sys.stderr,
    )
    return rows, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="vietnamadminunits/data")
    parser.add_argument("--province", default="46", help="2025 province code")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows, problems = build(args.data_dir, args.province)
    out = args.out or DATA / f"reform-2025-{args.province}.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["predecessor_code", "successor_code", "partial"])
        writer.writerows(rows)
    for problem in problems:
        print("CHECK FAILED:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
