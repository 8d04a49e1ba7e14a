"""Local stand-ins for WeChat's servers, which the project's machines cannot reach: for tests, benchmarks and trying the channel.

- ``StandInAPI``: the two documented endpoints the channel calls — ``GET cgi-bin/token`` (an
  access token for AppID + AppSecret) and ``POST cgi-bin/message/custom/send`` (a customer-service
  text) — with WeChat's error codes: 40001 for a token that is not (or no longer) valid, 45015
  for a customer whose 48-hour window is closed, 45047 when the quota of messages per user
  message is used up.  It records what it was sent.
- ``WeChatSender``: posts message callbacks the way WeChat's servers do — XML with
  ``ToUserName``, ``FromUserName`` …, signed with the token; in safe mode encrypted and signed
  with wechatpy's own crypto, in compatible mode both — and reads the passive reply back.

Neither is used by the running assistant.  Documented interface: developers.weixin.qq.com
(Message_Management/Passive_user_reply_message, message encryption, Customer_Service_Messages).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import random
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto


@dataclass
class Sent:
    openid: str
    content: str
    token: str
    at: float


class StandInAPI:
    """WeChat's token and customer-service endpoints on 127.0.0.1, in a thread of its own."""

    def __init__(self, app_id: str, secret: str, port: int, quota_per_message: int = 5) -> None:
        self.app_id, self.secret, self.port = app_id, secret, port
        self.quota = quota_per_message
        self.valid_tokens: Set[str] = set()
        self.tokens_issued = 0
        self.sent: List[Sent] = []
        self.window_closed: Set[str] = set()
        self.used: Dict[str, int] = {}
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: Optional[web.AppRunner] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    def start(self) -> "StandInAPI":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def __enter__(self) -> "StandInAPI":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if (
            q.get("grant_type") != "client_credential"
            or q.get("appid") != self.app_id
            or q.get("secret") != self.secret
        ):
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        with self._cond:
            self.tokens_issued += 1
            token = f"ACCESS_TOKEN_{self.tokens_issued}_" + "".join(random.choices(string.ascii_letters, k=16))
            self.valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def _send(self, request: web.Request) -> web.Response:
        token = request.query.get("access_token", "")
        body = json.loads(await request.read())
        openid = body.get("touser", "")
        with self._cond:
            if token not in self.valid_tokens:
                return web.json_response(
                    {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
                )
            if body.get("msgtype") != "text" or not isinstance(body.get("text"), dict):
                return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
            if openid in self.window_closed:
                return web.json_response(
                    {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
                )
            if self.used.get(openid, 0) >= self.quota:
                return web.json_response({"errcode": 45047, "errmsg": "out of response count limit"})
            self.used[openid] = self.used.get(openid, 0) + 1
            self.sent.append(Sent(openid, body["text"].get("content", ""), token, time.time()))
            self._cond.notify_all()
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    # -- for tests -----------------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every token issued so far stops working (as after 7,200 s, or a fetch elsewhere)."""
        with self._cond:
            self.valid_tokens.clear()

    def user_message(self, openid: str) -> None:
        """The customer wrote: a new quota of customer-service messages (WeChat: 5 in the next 48 hours)."""
        with self._cond:
            self.used[openid] = 0

    def wait_for(self, openid: str, count: int = 1, timeout: float = 20.0) -> List[Sent]:
        """The texts sent to ``openid``, once there are at least ``count`` of them (or at the timeout)."""
        deadline = time.time() + timeout
        with self._cond:
            while True:
                mine = [s for s in self.sent if s.openid == openid]
                if len(mine) >= count or time.time() >= deadline:
                    return mine
                self._cond.wait(timeout=max(0.01, deadline - time.time()))


_msgids = itertools.count(int(time.time() * 1000) % 10**12)


class WeChatSender:
    """Posts callbacks to the channel as WeChat's servers do, in plain, safe or compatible mode."""

    def __init__(
        self,
        url: str,
        token: str,
        aes_key: Optional[str] = None,
        app_id: Optional[str] = None,
        account: str = "gh_standin0001",
    ) -> None:
        self.url, self.token, self.account = url, token, account
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key and app_id else None

    @staticmethod
    def msgid() -> int:
        return next(_msgids)

    def xml(self, openid: str, msgtype: str, create_time: Optional[int] = None, **fields: Any) -> str:
        data = {
            "ToUserName": self.account,
            "FromUserName": openid,
            "CreateTime": create_time or int(time.time()),
            "MsgType": msgtype,
            **fields,
        }
        return xmltodict.unparse({"xml": data}, full_document=False)

    def text(self, openid: str, content: str, msgid: Optional[int] = None) -> str:
        return self.xml(openid, "text", Content=content, MsgId=msgid or self.msgid())

    def request(
        self,
        xml: str,
        mode: str = "plain",
        token: Optional[str] = None,
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> Tuple[str, bytes]:
        """(URL with the query WeChat adds, body) for a callback; ``token`` signs with another token (a forgery)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        nonce = nonce or "".join(random.choices(string.digits, k=10))
        token = token or self.token
        query = {
            "signature": _sha1(token, str(timestamp), nonce),
            "timestamp": str(timestamp),
            "nonce": nonce,
            "openid": xmltodict.parse(xml)["xml"]["FromUserName"],
        }
        body = xml
        if mode in ("safe", "compat"):
            assert self.crypto is not None, "safe mode needs the AES key and AppID"
            sealed = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, str(timestamp)))["xml"]
            encrypt = sealed["Encrypt"]
            query.update(encrypt_type="aes", msg_signature=_sha1(token, str(timestamp), nonce, encrypt))
            inner = xmltodict.parse(xml)["xml"] if mode == "compat" else {}
            body = xmltodict.unparse(
                {"xml": {**inner, "ToUserName": self.account, "Encrypt": encrypt}}, full_document=False
            )
        return f"{self.url}?{urllib.parse.urlencode(query)}", body.encode("utf-8")

    def post(
        self, xml: str, mode: str = "plain", timeout: float = 10.0, **kwargs: Any
    ) -> Tuple[int, str, Optional[Dict[str, Any]]]:
        """(HTTP status, body, the passive reply as a dict — decrypted in safe mode — or None for "success")."""
        url, body = self.request(xml, mode, **kwargs)
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "text/xml"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, text = resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace"), None
        return status, text, self.reply(text)

    def reply(self, text: str) -> Optional[Dict[str, Any]]:
        if text in ("success", ""):
            return None
        reply = xmltodict.parse(text)["xml"]
        if "Encrypt" in reply and self.crypto is not None:  # checks the reply's signature too
            plain = self.crypto.decrypt_message(text, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
            reply = xmltodict.parse(plain)["xml"]
        return reply


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()
