"""Rasa's HTTP API as the console uses it, always with the token: pause / resume a conversation, a butler's message, the tracker."""

from __future__ import annotations

import urllib.parse
from typing import Any, Dict, List, Optional

import aiohttp


class RasaUnavailable(RuntimeError):
    """Rasa's HTTP API did not do what was asked (down, or it refused)."""


class RasaAPI:
    def __init__(self, base: str, token: str, timeout: float = 10.0) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    def _url(self, path: str, **query: str) -> str:
        return f"{self.base}{path}?{urllib.parse.urlencode({**query, 'token': self.token})}"

    async def append(self, sender: str, events: List[Dict[str, Any]], deliver: bool = False) -> Dict[str, Any]:
        """Append events to a conversation; with ``deliver``, bot messages also go out on the customer's channel
        (WeChat: the customer-service API; the web chat reads them from the tracker store)."""
        query = {"output_channel": "latest", "execute_side_effects": "true"} if deliver else {}
        url = self._url(
            f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker/events", include_events="NONE", **query
        )
        return await self._call("POST", url, json=events)

    async def tracker(self, sender: str) -> Dict[str, Any]:
        return await self._call(
            "GET", self._url(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", include_events="NONE")
        )

    async def _call(self, method: str, url: str, json: Optional[Any] = None) -> Dict[str, Any]:
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                async with session.request(method, url, json=json) as resp:
                    if resp.status != 200:
                        raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                    return await resp.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaUnavailable(f"Rasa is not reachable: {type(exc).__name__}") from exc
