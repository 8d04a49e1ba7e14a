"""WeChat's customer-service message API (客服消息 ``message/custom/send``), for answers that miss the 5-second window.

Built on wechatpy's client (1.8.18).  What is added:

- The access token is shared by every worker and server through Redis when ``REDIS_URL`` is
  set (wechatpy's RedisStorage; in-process otherwise), and counted as expired five minutes
  before WeChat says, so no call goes out with a token about to lapse; token fetches have a timeout.  WeChat invalidates the
  previous token on every fetch, so one shared token matters.
- An expired or invalid token (40001 / 40014 / 42001) is fetched again and the call retried
  **once** (wechatpy's own retry recurses for as long as WeChat keeps answering 40001).
- 45015 (the customer's 48-hour window is closed) and 45047 (the message quota is used up) are
  counted and logged without the customer's openid or the text; other errors likewise.
- wechatpy speaks synchronous ``requests``: every call runs in a thread, off the event loop.
- The API base URL is configurable (``WECHAT_API_BASE``): the tests and benchmarks point it at a
  local stand-in of WeChat's documented endpoints (``assistant.channels.wechat_standin``),
  since WeChat's servers cannot be reached from the project's machines.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any, Dict, Optional, Tuple

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com/cgi-bin/"
TOKEN_ERRORS = {40001, 40014, 42001}
WINDOW_CLOSED, QUOTA_USED = 45015, 45047
EARLY_EXPIRY = 300


class _TokenStorage:
    """wechatpy's session storage interface, entries expiring EARLY_EXPIRY seconds before the time WeChat gives.

    Redis (wechatpy's RedisStorage, shared by every process) or a dict in this process
    (wechatpy's MemoryStorage ignores expiry altogether).
    """

    def __init__(self, redis_url: Optional[str]) -> None:
        self.redis: Any = None
        if redis_url:
            import redis
            from wechatpy.session.redisstorage import RedisStorage

            self.redis = RedisStorage(redis.StrictRedis.from_url(redis_url, socket_timeout=5), prefix="wechat:token")
        self.local: Dict[str, Tuple[float, Any]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if self.redis is not None:
            return self.redis.get(key, default)
        until, value = self.local.get(key, (0.0, default))
        return value if until > time.time() else default

    def set(self, key: str, value: Any, ttl: Optional[int] = None) -> None:
        ttl = max(60, int(ttl) - EARLY_EXPIRY) if ttl else 7200 - EARLY_EXPIRY
        if self.redis is not None:
            self.redis.set(key, value, ttl)
        else:
            self.local[key] = (time.time() + ttl, value)

    def delete(self, key: str) -> None:
        if self.redis is not None:
            self.redis.delete(key)
        self.local.pop(key, None)


class _TimeoutSession(requests.Session):
    """wechatpy fetches tokens without a timeout; every request of this session has one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().request(*args, **kwargs)


class _Client(WeChatClient):
    """WeChatClient whose token is valid exactly as long as the storage keeps it (shared across processes),
    fetched from the configured API base (wechatpy's fetch_access_token has api.weixin.qq.com written in)."""

    def fetch_access_token(self) -> Any:
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )

    def _fetch_access_token(self, url: str, params: Any) -> Any:
        result = super()._fetch_access_token(url, params)
        # wechatpy also keeps an expiry per client object, which goes stale when another process refreshes the
        # shared token; set far off, it leaves the decision to the storage
        self.expires_at = 2**62
        return result


class CustomerService:
    """Send texts to a customer; ``counts`` holds what happened (sent, window_closed, quota_used, failed, token_refreshed)."""

    def __init__(
        self,
        app_id: str,
        secret: str,
        api_base: Optional[str] = None,
        redis_url: Optional[str] = None,
        timeout: float = 5.0,
    ) -> None:
        self.client = _Client(app_id, secret, session=_TokenStorage(redis_url), timeout=timeout, auto_retry=False)
        self.client._http = _TimeoutSession(timeout)
        self.client.API_BASE_URL = (api_base or DEFAULT_API_BASE).rstrip("/") + "/"
        self.client.expires_at = 2**62  # see _Client
        self.counts: Counter = Counter()

    async def send_text(self, openid: str, content: str) -> bool:
        """True when WeChat accepted the message."""
        return await asyncio.get_running_loop().run_in_executor(None, self._send, openid, content)

    def _send(self, openid: str, content: str) -> bool:
        for attempt in (1, 2):
            try:
                self.client.message.send_text(openid, content)
                self.counts["sent"] += 1
                return True
            except WeChatClientException as exc:
                code = int(exc.errcode)
                if code in TOKEN_ERRORS and attempt == 1:
                    self.counts["token_refreshed"] += 1
                    self.client.fetch_access_token()
                    continue
                kind = {WINDOW_CLOSED: "window_closed", QUOTA_USED: "quota_used"}.get(code, "failed")
                self.counts[kind] += 1
                logger.warning("customer-service message not sent: WeChat error %s (%s)", code, kind)
                return False
            except Exception as exc:  # noqa: BLE001 - network errors: counted, the channel goes on
                self.counts["failed"] += 1
                logger.warning("customer-service message not sent: %s", type(exc).__name__)
                return False
        return False
