"""Benchmark of the running assistant over the REST channel (not a test: figures to read).

    .venv/bin/python benchmarks/bench_assistant.py [--train] [--turns 200] [--conversations 20]

Measures: time to train the full model (--train: a fresh training into a temporary folder),
time from start to ready, per-turn latency p50 / p95 over sequential conversations, turns per
second with N concurrent conversations, and the peak resident memory (VmHWM) of the Rasa server
and the action server.  Aim: p95 under 100 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import List

from assistant.model import ensure_model
from assistant.serve import Assistant, free_port
from knowledge.config import ROOT

CONVERSATION = [
    "平安的住院陪护在合肥能用吗", "那乌海呢", "需要提前多久申请", "住院垫付要准备什么材料", "我买的是平安的",
    "陪诊在杭州能用吗", "义乌呢", "等待期多久", "客服电话多少", "门诊协助怎么申请",
]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", action="store_true", help="also time a full training from scratch")
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    if args.train:
        with tempfile.TemporaryDirectory() as tmp:
            # Rasa reuses trained components from its cache (.rasa/cache): give it an empty one
            env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "bot/domain.yml",
                            "--data", "bot/data", "--out", tmp], cwd=ROOT, check=True, capture_output=True, env=env)
            print(f"train full model (no cache)         {time.perf_counter() - t:6.1f} s")
    model = ensure_model(quiet=True)
    assistant = Assistant(model=model, port=free_port(), action_port=free_port())
    with assistant:
        print(f"start to ready                      {assistant.ready_after:6.1f} s")
        for text in CONVERSATION:  # warm-up
            assistant.say("warm", text)
        latencies = []
        for i in range(args.turns):
            t = time.perf_counter()
            assistant.say(f"seq-{i // len(CONVERSATION)}", CONVERSATION[i % len(CONVERSATION)])
            latencies.append((time.perf_counter() - t) * 1000)
        print(f"per-turn latency (n={len(latencies)})         p50 {statistics.median(latencies):6.1f} ms   "
              f"p95 {percentile(latencies, 0.95):6.1f} ms   max {max(latencies):6.1f} ms")
        errors: List[str] = []
        per_conv = max(1, args.turns // args.conversations)

        def converse(k: int) -> None:
            for j in range(per_conv):
                try:
                    assistant.say(f"conc-{k}", CONVERSATION[j % len(CONVERSATION)])
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(str(exc))

        threads = [threading.Thread(target=converse, args=(k,)) for k in range(args.conversations)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        took = time.perf_counter() - t
        total = args.conversations * per_conv
        print(f"{args.conversations} concurrent conversations        {total / took:6.1f} turns/s ({total} turns in {took:.1f} s, {len(errors)} errors)")
        rasa_pid, actions_pid = assistant.procs[1].pid, assistant.procs[0].pid
        print(f"peak memory (VmHWM)                 rasa {peak_rss_mb(rasa_pid):6.0f} MB   actions {peak_rss_mb(actions_pid):6.0f} MB")


if __name__ == "__main__":
    main()
