"""Conversation locks on this machine's Redis (assistant.lock_store): one turn at a time, in arrival order, across processes.

Redis runs on every machine of the project; when it is not reachable these tests fail, saying so.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid

import pytest
import redis

from assistant.local_services import redis_url
from assistant.lock_store import InMemoryTicketLockStore, RedisTicketLockStore
from knowledge.config import ROOT

CONTENDER = r"""
import asyncio, random, sys
import redis
from assistant.lock_store import RedisTicketLockStore
url, conv, prefix, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store, red = RedisTicketLockStore(url=url, key_prefix=prefix), redis.StrictRedis.from_url(url)
async def one(i):
    await asyncio.sleep(random.random() * 0.05)
    async with store.lock(conv):
        red.rpush(prefix + ":log", f"in {i}")
        count = int(red.get(prefix + ":count") or 0)
        await asyncio.sleep(random.random() * 0.01)   # a turn's work, other tasks run meanwhile
        red.set(prefix + ":count", count + 1)
        red.rpush(prefix + ":log", f"out {i}")
async def main():
    await asyncio.gather(*(one(i) for i in range(n)))
asyncio.run(main())
"""


@pytest.fixture()
def redis_lock_url() -> str:
    return redis_url()


def test_two_processes_never_hold_one_conversation_at_once(redis_lock_url):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    procs = [
        subprocess.Popen([sys.executable, "-c", CONTENDER, redis_lock_url, "conv", prefix, "25"], cwd=ROOT)
        for _ in range(2)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    red = redis.StrictRedis.from_url(redis_lock_url)
    log = [x.decode() for x in red.lrange(prefix + ":log", 0, -1)]
    assert int(red.get(prefix + ":count")) == 50  # no lost update: the sections never overlapped
    assert [x.split()[0] for x in log] == ["in", "out"] * 50
    assert red.get(f"{prefix}:lock:conv") is None  # the lock is gone once no one waits
    red.delete(prefix + ":log", prefix + ":count")


@pytest.mark.parametrize("kind", ["redis", "memory"])
def test_waiting_turns_are_served_in_arrival_order_without_a_second_of_polling(kind, request):
    store = (
        RedisTicketLockStore(url=request.getfixturevalue("redis_lock_url"), key_prefix=f"t{uuid.uuid4().hex[:8]}")
        if kind == "redis"
        else InMemoryTicketLockStore()
    )
    served = []

    async def turn(i: int) -> None:
        await asyncio.sleep(0.01 * i)  # arrive one after another
        async with store.lock("conv"):
            served.append(i)
            await asyncio.sleep(0.05)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(*(turn(i) for i in range(8)))
        return loop.time() - started

    took = asyncio.run(main())
    assert served == list(range(8))
    assert took < 8 * 0.05 + 0.5  # Rasa's stores poll once a second: that alone would be 7 s here
