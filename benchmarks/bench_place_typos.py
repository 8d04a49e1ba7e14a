"""Place-name suggestions on the calibration set: characters alone vs characters and sound.

    .venv/bin/python benchmarks/bench_place_typos.py

Reads benchmarks/data/place_typos_dev.tsv (kept apart from the suite and the tests) and prints,
for the index's suggestions (knowledge.places.PlaceIndex.suggest) and for the characters-only
ranking it replaced, how often the intended division is first / among the three offered, and how
many non-place words got a suggestion at all.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, List, Tuple

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.places import LEVEL_RANK, PlaceIndex, default_index  # noqa: E402

DEV = ROOT / "benchmarks" / "data" / "place_typos_dev.tsv"


def characters_only(index: PlaceIndex, text: str, limit: int = 3) -> List[str]:
    """The ranking before knowledge.spelling (rapidfuzz WRatio over the names, cutoff 60)."""
    found = process.extract(text, index.names(), scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=60)
    ranked = sorted(found, key=lambda f: (-f[1], LEVEL_RANK[index._names[f[0]][0][1].level]))
    out: List[str] = []
    for name, _, _ in ranked:
        full = index._names[name][0][1].name
        if full not in out:
            out.append(full)
    return out[:limit]


def measure(index: PlaceIndex, rows: List[Tuple[str, str]], suggest: Callable[[str], List[str]]) -> str:
    first = three = resolved = wrong_resolved = noise = 0
    typos = [r for r in rows if r[1] != "-"]
    started = time.perf_counter()
    for typo, intended in rows:
        r = index.resolve(typo)
        if r.found:
            if intended == "-":
                noise += 1
            elif r.division.name == intended:
                resolved += 1
            else:
                wrong_resolved += 1
            continue
        offered = suggest(typo)
        if intended == "-":
            noise += bool(offered)
        elif offered[:1] == [intended]:
            first += 1
            three += 1
        elif intended in offered:
            three += 1
    ms = (time.perf_counter() - started) * 1000 / len(rows)
    asked = len(typos) - resolved - wrong_resolved
    return (
        f"{len(typos)} typos: {resolved} resolve directly, {wrong_resolved} resolve to another place; of the {asked} "
        f"left, intended first {first} ({first / asked:.0%}), in the three offered {three} ({three / asked:.0%}); "
        f"non-places given a suggestion or a place: {noise}/{len(rows) - len(typos)}; {ms:.1f} ms per mention"
    )


def main() -> None:
    rows = [
        tuple(line.split("\t"))
        for line in DEV.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    index = default_index()
    index.suggest("预热")  # the sounds are computed on first use
    print("characters only:     ", measure(index, rows, lambda t: characters_only(index, t)))
    print("characters and sound:", measure(index, rows, lambda t: [n for n, _ in index.suggest(t)]))


if __name__ == "__main__":
    main()
