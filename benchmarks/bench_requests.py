"""Benchmark of the request desk on SQLite: the calls one form turn makes, and submitting.

    .venv/bin/python benchmarks/bench_requests.py [--requests 500]

Loads the demo policies into a temporary SQLite store, then times binding, choosing a service
(eligibility incl. the usage count), checking a place and a date, and submitting ``--requests``
requests (each counts the day's references and writes the request and its first status change).
Aim: every call well under 10 ms, so a form turn stays within the assistant's 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, List

from knowledge.api import KnowledgeBase
from service_requests.desk import ServiceDesk


def _time(fn: Callable[[int], object], n: int) -> List[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1e3)
    return out


def _report(label: str, ms: List[float]) -> None:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"{label:<28} n={len(ms):>5}  p50 {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  max {max(ms):6.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        desk = ServiceDesk(KnowledgeBase.open(), f"sqlite:///{Path(tmp) / 'requests.sqlite3'}")
        desk.load_demo_policies()
        policy = desk.policy("ZAP2025000101")
        service = desk.service_of(policy, "direct_billing")  # unlimited uses: every submission is accepted
        values = {
            "place": "上海市",
            "hospital": "复旦大学附属华山医院",
            "date_time": "2030-01-07 09:00",
            "phone": "13800000101",
        }
        _report("bind", _time(lambda i: desk.bind("bench", f"s{i}", "ZAP2025000101", "1234"), 200))
        _report("choose_service", _time(lambda i: desk.choose_service(policy, "直付医疗服务"), 200))
        _report("check place", _time(lambda i: desk.check_field(policy, service, "place", "上海", {}), 200))
        _report(
            "check date_time", _time(lambda i: desk.check_field(policy, service, "date_time", "下周二上午9点", {}), 200)
        )
        _report(
            "submit", _time(lambda i: desk.submit("bench", "s0", policy, service, values, f"draft-{i}"), args.requests)
        )
        _report(
            "submit again (idempotent)",
            _time(lambda i: desk.submit("bench", "s0", policy, service, values, f"draft-{i}"), 200),
        )
        _report(f"requests_of ({args.requests} stored)", _time(lambda i: desk.requests_of("bench", "s0"), 20))
        desk.engine.dispose()


if __name__ == "__main__":
    main()
