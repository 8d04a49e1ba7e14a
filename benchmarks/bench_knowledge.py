"""Benchmark of the knowledge store: build time, place resolution and is_covered.

    .venv/bin/python benchmarks/bench_knowledge.py [--repeat 3]

Builds a fresh SQLite store in a temporary folder (timed), then resolves every
printed place name of every city list and asks ``is_covered`` for every
(service with a list, listed place) pair plus as many unlisted prefectures,
timing each call.  Prints p50 / p95 / max per call in microseconds.
Aim: well under 1 ms per call in-process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Sequence

from knowledge.api import KnowledgeBase
from knowledge.loader import build


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _time_calls(fn: Callable[[object], object], args: List[object], repeat: int) -> List[float]:
    out: List[float] = []
    for _ in range(repeat):
        for a in args:
            t = time.perf_counter()
            fn(a)
            out.append((time.perf_counter() - t) * 1e6)
    return out


def _report(label: str, samples: List[float]) -> None:
    print(
        f"{label:<34} n={len(samples):>6}  p50 {statistics.median(samples):7.1f} µs  "
        f"p95 {_percentile(samples, 0.95):7.1f} µs  max {max(samples):8.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'k.sqlite3'}"
        builds = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            build(url)
            builds.append(time.perf_counter() - t)
        print(f"build (validate + resolve + write)  best {min(builds):.2f} s  median {statistics.median(builds):.2f} s")
        t = time.perf_counter()
        kb = KnowledgeBase(url)
        print(f"load into memory                    {time.perf_counter() - t:.2f} s")

        printed = [e.printed_name for pl in kb.lists.values() for e in pl.entries]
        _report("resolve_place (printed names)", _time_calls(kb.resolve_place, printed, args.repeat))

        prefectures = [d for d in kb.places.by_code.values() if d.level == "prefecture" and d.mainland]
        pairs = []
        for s in kb.all_services():
            listed = [e.printed_name for pl in s.coverage.lists for e in pl.entries]
            if not listed:
                continue
            pairs += [(s, name) for name in listed]
            pairs += [(s, d.name) for d in prefectures[: len(listed)]]
        _report(
            "is_covered (listed + unlisted)",
            _time_calls(lambda p: kb.is_covered(p[0].product, p[0], p[1]), pairs, args.repeat),
        )
        by_name = [(s.product.id, s.name, name) for s, name in pairs[:2000]]
        _report("is_covered (by names, as the CLI)", _time_calls(lambda p: kb.is_covered(*p), by_name, args.repeat))


if __name__ == "__main__":
    main()
