"""The WeChat channel under load: POST-to-passive-reply time with 20 concurrent WeChat users (figures, not a test).

    .venv/bin/python benchmarks/bench_wechat.py [--users 20] [--turns 10] [--modes plain,safe]

Starts the assistant as `make run` does with the WeChat channel on, and a local stand-in for
WeChat's customer-service API (assistant.channels.wechat_standin: WeChat's servers cannot be
reached from here).  Each user sends ``--turns`` signed (safe mode: encrypted) text callbacks, one
after another, all users at once.  Reported per mode: p50 / p95 / max from POST to the passive
reply, turns per second, how many turns fell back to the customer-service API ("success", then
the answer sent through the API) and how many callbacks failed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Dict, List

import aiohttp
from bench_serving import CONVERSATION, percentile

from assistant.channels.wechat_standin import StandInAPI, WeChatSender
from assistant.model import ensure_model
from assistant.serve import Assistant, free_port

TOKEN, APP_ID, SECRET = "bench-token", "wxbench0000000001", "bench-secret"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


async def run(sender: WeChatSender, mode: str, users: int, turns: int) -> Dict[str, float]:
    latencies: List[float] = []
    counts = {"passive": 0, "success": 0, "failed": 0}

    async def user(k: int, session: aiohttp.ClientSession) -> None:
        openid = f"oBench{mode[:2]}{k:04d}abcdefghijklmn"[:28]
        for j in range(turns):
            url, body = sender.request(sender.text(openid, CONVERSATION[j % len(CONVERSATION)]), mode)
            t = time.perf_counter()
            try:
                async with session.post(url, data=body, headers={"Content-Type": "text/xml"}) as resp:
                    text = await resp.text()
                    ok = resp.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok, text = False, ""
            latencies.append((time.perf_counter() - t) * 1000)
            counts["failed" if not ok else "success" if text == "success" else "passive"] += 1

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        await asyncio.gather(*(user(k, session) for k in range(users)))
    took = time.perf_counter() - started
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies),
        "turns_per_s": len(latencies) / took,
        **counts,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--turns", type=int, default=10)
    ap.add_argument("--modes", default="plain,safe")
    args = ap.parse_args()
    with StandInAPI(APP_ID, SECRET, free_port(), quota_per_message=10**6) as api:
        env = {
            "WECHAT_TOKEN": TOKEN,
            "WECHAT_AES_KEY": AES_KEY,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": SECRET,
            "WECHAT_API_BASE": api.base,
        }
        with Assistant(model=ensure_model(quiet=True), env=env) as assistant:
            sender = WeChatSender(f"{assistant.base}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)
            asyncio.run(run(sender, "plain", 2, 5))  # warm-up
            for mode in args.modes.split(","):
                r = asyncio.run(run(sender, mode, args.users, args.turns))
                time.sleep(1)
                print(
                    f"{mode:<6} {args.users} users x {args.turns} turns: POST to passive reply p50 {r['p50']:.1f} ms, "
                    f"p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms; {r['turns_per_s']:.1f} turns/s; "
                    f"passive {r['passive']}, fell back to the customer-service API {r['success']} "
                    f"(messages the stand-in received: {len(api.sent)}), failed {r['failed']}"
                )


if __name__ == "__main__":
    main()
