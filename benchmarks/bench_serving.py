"""Load benchmark of the served assistant over the REST channel (figures to read, not a test).

    .venv/bin/python benchmarks/bench_serving.py [--layouts stock,default,production] [--train] [--json out.json]

For each layout it starts the supervised assistant (``assistant.serve.Assistant``) and measures,
with an asyncio client on the same machine:

- one conversation at a time: p50 / p95 per turn (fresh 10-turn conversations, 100 turns);
- 20 concurrent conversations × 10 turns (three rounds; the median round), and 200 × 10:
  turns per second, p50 / p95, errors
  (an error: no answer within 60 s, an HTTP error, an empty reply, or the "busy" apology);
- one conversation of 120 turns (four questions repeated): median turn at turns 1–10 vs 111–120;
- peak resident memory (VmHWM) of each process: the Rasa server (and its workers), the actions.

Layouts: ``stock`` = Rasa as shipped (in-memory tracker and lock stores, Rasa's REST channel, no
changes: the ratio to beat); ``default`` = what `make run` starts (SQLite conversation store,
this project's changes, one worker); ``production`` = PostgreSQL + Redis + SANIC_WORKERS=2 on this
machine's services; ``default-<change>`` = the default layout with one change removed (see
WITHOUT), for each change's own figure.  ``--train`` first times a full training with an empty
Rasa cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List, Tuple

import aiohttp

from assistant import texts
from assistant.model import ensure_model, train_command
from assistant.serve import Assistant
from knowledge.config import ROOT

CONVERSATION = [
    "平安的住院陪护在合肥能用吗",
    "那乌海呢",
    "需要提前多久申请",
    "住院垫付要准备什么材料",
    "我买的是平安的",
    "陪诊在杭州能用吗",
    "义乌呢",
    "等待期多久",
    "客服电话多少",
    "门诊协助怎么申请",
]
REPEATED = ["平安的住院陪护在合肥能用吗", "那乌海呢", "需要提前多久申请", "客服电话多少"]
TIMEOUT = 60.0


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session: aiohttp.ClientSession

    async def __aenter__(self) -> "Client":
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=TIMEOUT)
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    async def turn(self, sender: str, text: str) -> Tuple[float, bool]:
        """(milliseconds, answered properly) for one message."""
        t = time.perf_counter()
        try:
            async with self.session.post(self.url, json={"sender": sender, "message": text}) as resp:
                body = await resp.json(content_type=None)
                ok = (
                    resp.status == 200
                    and isinstance(body, list)
                    and bool(body)
                    and not any(texts.BUSY == m.get("text") for m in body)
                )
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok = False
        return (time.perf_counter() - t) * 1000, ok


async def conversations(client: Client, tag: str, n: int, turns: int) -> Dict[str, float]:
    """n conversations at once, each `turns` turns in sequence."""
    latencies: List[float] = []
    errors = 0

    async def one(k: int) -> None:
        nonlocal errors
        for j in range(turns):
            ms, ok = await client.turn(f"{tag}-{k}", CONVERSATION[j % len(CONVERSATION)])
            latencies.append(ms)
            errors += not ok

    t = time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(n)))
    took = time.perf_counter() - t
    return {
        "turns": n * turns,
        "seconds": took,
        "turns_per_s": n * turns / took,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "errors": errors,
    }


async def measure(url: str, tag: str) -> Dict[str, object]:
    async with Client(url) as client:
        for text in CONVERSATION * 2:  # warm-up
            await client.turn(f"{tag}-warm", text)
        seq: List[float] = []
        for k in range(10):
            for j in range(10):
                ms, _ = await client.turn(f"{tag}-single-{k}", CONVERSATION[j])
                seq.append(ms)
        single = {"p50": statistics.median(seq), "p95": percentile(seq, 0.95)}
        rounds = [await conversations(client, f"{tag}-c20-{k}", 20, 10) for k in range(3)]
        c20 = sorted(rounds, key=lambda r: r["turns_per_s"])[1]  # the median of three rounds
        c20["errors"] = sum(r["errors"] for r in rounds)
        c20["turns"] = sum(r["turns"] for r in rounds)
        c200 = await conversations(client, f"{tag}-c200", 200, 10)
        long: List[float] = []
        for j in range(120):
            ms, _ = await client.turn(f"{tag}-long", REPEATED[j % len(REPEATED)])
            long.append(ms)
        early, late = statistics.median(long[:10]), statistics.median(long[110:120])
        return {
            "single": single,
            "c20": c20,
            "c200": c200,
            "growth": {"turns_1_10_ms": early, "turns_111_120_ms": late, "ratio": late / early},
        }


WITHOUT = {  # "default-<change>": the default layout with one of this project's changes removed
    **{
        patch: {"RASA_PATCHES_SKIP": patch}
        for patch in ("validator", "event_classes", "action_timeout", "graph_runner")
    },
    "kept_trackers": {"CONVERSATION_CACHE_SIZE": "0"},  # no kept tracker, so no short history either
    "gate": {"MAX_CONCURRENT_TURNS": "100000"},
}


def layout_env(name: str, stack: ExitStack) -> Dict[str, str]:
    if name.startswith("default-"):
        change = name[len("default-") :]
        if change not in WITHOUT:
            raise SystemExit(f"unknown change {change!r} ({', '.join(WITHOUT)})")
        return dict(WITHOUT[change])
    if name == "stock":
        return {"ASSISTANT_STOCK": "1"}
    if name == "default":
        return {}
    if name == "production":
        from assistant.local_services import redis_url, temporary_postgres_database

        db = stack.enter_context(temporary_postgres_database("bench_conversations"))
        return {"CONVERSATIONS_DB_URL": db, "REDIS_URL": redis_url(), "SANIC_WORKERS": "2"}
    raise SystemExit(f"unknown layout {name!r} (stock, default, production)")


def report(name: str, r: Dict[str, object]) -> None:
    s, c20, c200, g = r["single"], r["c20"], r["c200"], r["growth"]  # type: ignore[index]
    print(f"\n== {name}")
    print(f"start to ready                        {r['ready_s']:7.1f} s")
    print(f"one conversation                      p50 {s['p50']:6.1f} ms   p95 {s['p95']:6.1f} ms")
    for label, c in (("20 concurrent conversations", c20), ("200 concurrent conversations", c200)):
        print(
            f"{label:<37} {c['turns_per_s']:6.1f} turns/s   p50 {c['p50']:7.1f} ms   p95 {c['p95']:7.1f} ms   "
            f"errors {c['errors']}/{c['turns']}"
        )
    print(
        f"median turn, turns 1-10 / 111-120     {g['turns_1_10_ms']:6.1f} ms / {g['turns_111_120_ms']:6.1f} ms   "
        f"ratio {g['ratio']:.2f}"
    )
    print("peak RSS (VmHWM)                      " + "   ".join(f"{k} {v:.0f} MB" for k, v in r["rss_mb"].items()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layouts", default="stock,default,production")
    ap.add_argument("--train", action="store_true", help="first time a full training with an empty Rasa cache")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    results: Dict[str, object] = {}
    if args.train:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
            t = time.perf_counter()
            subprocess.run(
                train_command(Path(tmp)),
                cwd=ROOT,
                check=True,
                capture_output=True,
                env=env,
            )
            results["train_s"] = time.perf_counter() - t
            print(f"train full model (no cache)           {results['train_s']:7.1f} s")
    model = ensure_model(quiet=True)
    for name in args.layouts.split(","):
        with ExitStack() as stack:
            env = layout_env(name, stack)
            assistant = stack.enter_context(Assistant(model=model, env=env))
            r: Dict[str, object] = asyncio.run(measure(assistant.url, name))
            r["ready_s"] = assistant.ready_after
            r["rss_mb"] = {
                f"{part}[{pid}]": peak_rss_mb(pid) for part, pids in assistant.pids().items() for pid in pids
            }
            results[name] = r
            report(name, r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
