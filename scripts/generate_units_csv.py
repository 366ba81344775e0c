"""Regenerate data/units/vietnam-2023.csv from the `vietnam-provinces` package data.

The shipped CSV is what `load_units` reads, so loading needs no particular package version.
Version 0.5.0 of `vietnam-provinces` holds the pre-2025 structure (63 provinces, ~10,600 communes):

    pip download --no-deps vietnam-provinces==0.5.0 && unzip vietnam_provinces-0.5.0-*.whl
    python scripts/generate_units_csv.py vietnam_provinces/data/nested-divisions.json > data/units/vietnam-2023.csv
"""

import csv
import json
import sys


def unit_code(level: str, code: int) -> str:
    width = {"province": 2, "district": 3, "commune": 5}[level]
    return str(code).zfill(width)


def main(path: str) -> None:
    provinces = json.load(open(path, encoding="utf-8"))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "type", "parent_code"])
    for province in provinces:
        pcode = unit_code("province", province["code"])
        out.writerow([pcode, province["name"], province["division_type"], ""])
        for district in province["districts"]:
            dcode = unit_code("district", district["code"])
            out.writerow([dcode, district["name"], district["division_type"], pcode])
            for ward in district["wards"]:
                out.writerow([unit_code("commune", ward["code"]), ward["name"], ward["division_type"], dcode])


if __name__ == "__main__":
    main(sys.argv[1])
