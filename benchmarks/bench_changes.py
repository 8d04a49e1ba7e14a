"""What each of this project's serving changes is worth: the default layout with one change removed at a time.

    .venv/bin/python benchmarks/bench_changes.py [--rounds 3] [--json out.json]

This machine is a shared virtual machine whose speed drifts between runs, so single throughput
runs differ by a third.  Here every variant is started ``--rounds`` times, in interleaved order,
and the median of each figure is reported.  The steadiest figure is the Rasa server's **CPU time
per turn** (utime + stime from /proc over a fixed sequential workload: 100 turns in fresh
10-turn conversations and one 120-turn conversation), beside the median turn and the 20-conversation
throughput.  Variants: ``all`` (what `make run` serves), ``without-<change>`` (see
bench_serving.WITHOUT), and ``stock`` (Rasa as shipped, in-memory stores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List

from bench_serving import CONVERSATION, REPEATED, WITHOUT, Client, conversations

from assistant.model import ensure_model
from assistant.serve import Assistant

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: List[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / TICK


async def workload(assistant: Assistant, tag: str) -> Dict[str, float]:
    pids = assistant.pids()["rasa"]
    async with Client(assistant.url) as client:
        for text in CONVERSATION * 2:
            await client.turn(f"{tag}-warm", text)
        before = cpu_seconds(pids)
        seq: List[float] = []
        for k in range(10):
            for j in range(10):
                seq.append((await client.turn(f"{tag}-s{k}", CONVERSATION[j]))[0])
        long = [(await client.turn(f"{tag}-long", REPEATED[j % len(REPEATED)]))[0] for j in range(120)]
        cpu_ms = (cpu_seconds(pids) - before) * 1000 / (len(seq) + len(long))
        c20 = await conversations(client, f"{tag}-c20", 20, 10)
    return {
        "cpu_ms_per_turn": cpu_ms,
        "turn_p50_ms": statistics.median(seq),
        "growth_ratio": statistics.median(long[110:]) / statistics.median(long[:10]),
        "c20_turns_per_s": c20["turns_per_s"],
    }


def variant_env(name: str) -> Dict[str, str]:
    if name == "all":
        return {}
    if name == "stock":
        return {"ASSISTANT_STOCK": "1"}
    return dict(WITHOUT[name[len("without-") :]])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variants", default=",".join(["all", *(f"without-{c}" for c in WITHOUT), "stock"]))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    model = ensure_model(quiet=True)
    names = args.variants.split(",")
    runs: Dict[str, List[Dict[str, float]]] = {n: [] for n in names}
    for r in range(args.rounds):
        for name in names if r % 2 == 0 else list(reversed(names)):
            with ExitStack() as stack:
                assistant = stack.enter_context(Assistant(model=model, env=variant_env(name)))
                runs[name].append(asyncio.run(workload(assistant, f"{name}-{r}")))
            print(
                f"round {r + 1} {name:<26} " + "  ".join(f"{k} {v:.2f}" for k, v in runs[name][-1].items()), flush=True
            )
    print(
        f"\nmedians of {args.rounds} rounds          CPU ms/turn   median turn ms   turns 111-120 / 1-10   20 conv. turns/s"
    )
    table = {}
    for name in names:
        m = {k: statistics.median(x[k] for x in runs[name]) for k in runs[name][0]}
        table[name] = m
        print(
            f"{name:<30} {m['cpu_ms_per_turn']:10.1f} {m['turn_p50_ms']:15.1f} {m['growth_ratio']:20.2f} {m['c20_turns_per_s']:18.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"medians": table, "runs": runs}, indent=2), "utf-8")


if __name__ == "__main__":
    main()
