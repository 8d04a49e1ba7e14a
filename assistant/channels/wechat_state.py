"""What the WeChat channel remembers between requests: the answer to each message (for WeChat's retries) and the choices offered.

WeChat sends a message again when it has no answer within 5 s, three times in all — to any
worker, on any server.  The first request that *claims* a message's key processes it; a retry
waits for that answer and gets the same one; nothing runs twice.  The numbered choices last
offered to a customer (buttons) are kept so that a bare "2" can be read as the second one.

With ``REDIS_URL`` both live in Redis (every worker and server sees them); otherwise in this
process.  Entries expire: a message's after ``MEMO_SECONDS`` (WeChat's retries end within 15 s),
choices after ``CHOICES_SECONDS``.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Dict, List, Optional, Tuple

MEMO_SECONDS = 120
CHOICES_SECONDS = 1800
PENDING = "\x00pending"  # the message is being processed
ASYNC = "\x00async"  # answered "success": the answer went through the customer-service API
_POLL = 0.05


class ChannelState:
    """Claim / finish / await a message's answer, and keep a customer's choices (Redis or in-process)."""

    def __init__(self, redis_url: Optional[str] = None, prefix: str = "wechat:") -> None:
        self.prefix = prefix
        self._redis = None
        if redis_url:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(redis_url, socket_timeout=5)
        self._local: Dict[str, Tuple[float, str]] = {}

    async def _set(self, key: str, value: str, ttl: int, only_new: bool = False) -> bool:
        key = self.prefix + key
        if self._redis is not None:
            return bool(await self._redis.set(key, value, ex=ttl, nx=only_new))
        now = time.monotonic()
        if only_new and key in self._local and self._local[key][0] > now:
            return False
        self._local[key] = (now + ttl, value)
        if len(self._local) > 50_000:  # drop what has expired
            self._local = {k: v for k, v in self._local.items() if v[0] > now}
        return True

    async def _get(self, key: str) -> Optional[str]:
        key = self.prefix + key
        if self._redis is not None:
            raw = await self._redis.get(key)
            return raw.decode("utf-8") if raw is not None else None
        entry = self._local.get(key)
        return entry[1] if entry and entry[0] > time.monotonic() else None

    # -- one message's answer ---------------------------------------------------------------
    async def claim(self, key: str) -> bool:
        """True for the first request of a message: it processes it; a retry gets False."""
        return await self._set(f"msg:{key}", PENDING, MEMO_SECONDS, only_new=True)

    async def finish(self, key: str, answer: str) -> None:
        """The passive reply body sent for the message (or ASYNC)."""
        await self._set(f"msg:{key}", answer, MEMO_SECONDS)

    async def answer(self, key: str, timeout: float) -> Optional[str]:
        """The first processing's answer, waiting up to ``timeout`` seconds for it; None if still pending."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self._get(f"msg:{key}")
            if value is not None and value != PENDING:
                return value
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(_POLL)

    # -- the choices last offered ------------------------------------------------------------
    async def offer(self, openid: str, choices: List[str]) -> None:
        if choices:
            await self._set(f"choices:{openid}", json.dumps(choices, ensure_ascii=False), CHOICES_SECONDS)
        elif await self._get(f"choices:{openid}") is not None:
            await self._set(f"choices:{openid}", "[]", 1)

    async def choices(self, openid: str) -> List[str]:
        raw = await self._get(f"choices:{openid}")
        return json.loads(raw) if raw else []
