"""Regenerate data/units/vietnam-2025.csv (and its companion vietnam-2025-provinces.csv) from package data.

The structure in force from 01/07/2025 (34 provinces, communes directly under them, no district level)
comes from `vietnam-provinces` 2025.10.1; which 2025 provinces *continue* a 2023 province (same code,
same territory: the 11 provinces the reform did not merge) comes from `vietnamadminunits` 1.0.4, whose
converter lists for each 2025 province the pre-reform provinces it was made of (the companion file's
`predecessors`; `continues` is 1 when that is the province itself). The shipped CSVs are
what `load_units --structure 2025` reads, so loading needs neither package:

    pip download --no-deps vietnam-provinces==2025.10.1 && unzip vietnam_provinces-2025.10.1-*.whl -d vp
    pip download --no-deps vietnamadminunits==1.0.4 && unzip vietnamadminunits-1.0.4-*.whl -d vau
    python scripts/generate_units_2025.py vp/vietnam_provinces/data/nested-divisions.json \
        vau/vietnamadminunits/data/converter_2025.json vau/vietnamadminunits/data/dataset.db data/units
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

UNITS_FILE = "vietnam-2025.csv"
PROVINCES_FILE = "vietnam-2025-provinces.csv"


def unit_code(level: str, code: int) -> str:
    return str(code).zfill({"province": 2, "commune": 5}[level])


def province_name(province: dict) -> str:
    """vietnam-provinces 2025 names a province "Cao Bằng", its 2023 data (and the GSO) "Tỉnh Cao Bằng";
    the shipped files use the full name, like the city names ("Thành phố Huế") already are."""
    name = province["name"]
    return name if province["division_type"] != "tỉnh" or name.startswith("Tỉnh ") else f"Tỉnh {name}"


def write_units(provinces: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["code", "name", "type", "parent_code"])
        for province in provinces:
            pcode = unit_code("province", province["code"])
            out.writerow([pcode, province_name(province), province["division_type"], ""])
            for ward in province["wards"]:
                out.writerow([unit_code("commune", ward["code"]), ward["name"], ward["division_type"], pcode])


def province_lineage(provinces: list[dict], converter_path: Path, dataset_path: Path) -> list[list[str]]:
    """For each 2025 province: code, name, the codes of the pre-reform provinces it was made of, and
    whether it *continues* one (made of exactly itself, same code: the reform changed neither its code
    nor its territory, so it keeps its unit row)."""
    made_of = json.loads(converter_path.read_text(encoding="utf-8"))["DICT_PROVINCE"]
    db = sqlite3.connect(dataset_path)
    new_key = {
        code: key for key, code in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    old_code = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy"))
    rows = []
    for province in provinces:
        code = unit_code("province", province["code"])
        parts = sorted(old_code[key] for key in made_of[new_key[code]])
        rows.append([code, province_name(province), " ".join(parts), "1" if parts == [code] else "0"])
    return rows


def write_lineage(rows: list[list[str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["code", "name", "predecessors", "continues"])
        out.writerows(rows)


def main(nested: str, converter: str, dataset: str, out_dir: str) -> None:
    provinces = json.loads(Path(nested).read_text(encoding="utf-8"))
    write_units(provinces, Path(out_dir) / UNITS_FILE)
    lineage = province_lineage(provinces, Path(converter), Path(dataset))
    write_lineage(lineage, Path(out_dir) / PROVINCES_FILE)
    continuing = [row for row in lineage if row[3] == "1"]
    communes = sum(len(p["wards"]) for p in provinces)
    print(f"{len(provinces)} provinces, {communes} communes; {len(continuing)} continue a 2023 province")


if __name__ == "__main__":
    main(*sys.argv[1:5])
