"""The WeChat Official Account channel: ``/webhooks/wechat/webhook``, with WeChat's signature, encryption, retry and 5-second rules.

Registered in credentials.yml as ``assistant.channels.wechat.WeChatChannel``, configured from
WECHAT_TOKEN (required: without it the channel is off), WECHAT_AES_KEY and WECHAT_APP_ID (safe
mode), WECHAT_APP_SECRET (the customer-service API), WECHAT_API_BASE.  wechatpy (1.8.18) does the
signatures, the AES crypto, the XML parsing and the reply XML.

- ``GET`` (URL verification): ``echostr`` back when ``signature`` is right, else 403.
- ``POST``: authenticated before anything is read — ``signature`` always, and in safe or
  compatible mode (``encrypt_type=aes``) ``msg_signature`` plus AES decryption with the AppID
  check; a timestamp more than 5 minutes from now is refused too.  A forged request gets 403
  and nothing is processed or stored.
- Each message is keyed (``MsgId``; for events ``FromUserName`` + ``CreateTime``) and processed
  once: WeChat's retries of it get the first processing's answer (``wechat_state``).
- The answer goes back as the passive reply when it is ready within WECHAT_REPLY_DEADLINE
  (4 s; WeChat waits 5).  Otherwise WeChat gets ``success`` at the deadline and the answer is
  sent through the customer-service API as soon as it is ready (``wechat_api``).  An answer
  longer than one WeChat text goes on in customer-service messages.
- What the messages mean and how replies look: ``wechat_messages``; the menu: ``wechat_menu``.
The customer's openid is the conversation's sender id (the request store's binding is keyed by
channel and openid).  Nothing here logs a customer's text or openid.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from assistant import texts
from assistant.channels import wechat_menu
from assistant.channels.inputs import BadRequest, TurnGate, check_sender, check_text, refusal
from assistant.channels.wechat_api import CustomerService
from assistant.channels.wechat_messages import TEXT_LIMIT, Rendered, place_finder, read, render, split
from assistant.channels.wechat_state import ASYNC, ChannelState
from assistant.settings import Settings

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
CLOCK_SKEW = 300  # seconds a request's timestamp may be from now
DEFAULT_DEADLINE = 4.0  # seconds to the passive reply; WeChat gives up at 5
SUCCESS = "success"


class WeChatChannel(InputChannel):
    """WeChat's message callbacks in, passive replies and customer-service messages out."""

    def __init__(
        self,
        token: str,
        aes_key: Optional[str] = None,
        app_id: Optional[str] = None,
        app_secret: Optional[str] = None,
        api_base: Optional[str] = None,
        reply_deadline: Optional[float] = None,
        text_limit: Optional[int] = None,
    ) -> None:
        if not token:
            raise ValueError("the WeChat channel needs WECHAT_TOKEN")
        settings = Settings.from_env()
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key and app_id else None
        self.api = CustomerService(app_id, app_secret, api_base, settings.redis_url) if app_id and app_secret else None
        self.state = ChannelState(settings.redis_url)
        self.deadline = float(reply_deadline or os.environ.get("WECHAT_REPLY_DEADLINE") or DEFAULT_DEADLINE)
        self.max_message_chars = settings.max_message_chars
        self.text_limit = int(text_limit or os.environ.get("WECHAT_TEXT_LIMIT") or TEXT_LIMIT)  # smaller only in tests
        self.gate = TurnGate(settings.max_concurrent_turns)
        self.menu = wechat_menu.questions()
        self.on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._finder: Optional[Callable[[str], Optional[str]]] = None
        self.counts: Dict[str, int] = {"passive": 0, "customer_service": 0, "retries_answered": 0, "refused": 0}
        self._background: Set[asyncio.Task] = set()

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatChannel":
        return cls(**(credentials or {}))

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages pushed outside a turn (a butler's reply through Rasa's HTTP API): the customer-service API."""
        return WeChatOutput(self.api) if self.api else None

    # -- HTTP ------------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.on_new_message = on_new_message
        bp = Blueprint("assistant_wechat", __name__)

        @bp.route("/", methods=["GET"])
        async def status(_: Request) -> HTTPResponse:
            return response.json(
                {
                    "status": "ok",
                    "mode": "safe" if self.crypto else "plain",
                    "customer_service": bool(self.api),
                    "replies": self.counts,
                    "api": dict(self.api.counts) if self.api else {},
                }
            )

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self._signed(request):
                return self._forbidden()
            return response.text(request.args.get("echostr", ""))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        return bp

    def _place_of(self, label: str) -> Optional[str]:
        if self._finder is None:  # the gazetteer is loaded on the first location message, not at start
            self._finder = place_finder()
        return self._finder(label)

    def _forbidden(self) -> HTTPResponse:
        self.counts["refused"] += 1
        return response.text("forbidden", status=403)

    def _signed(self, request: Request) -> bool:
        args = request.args
        timestamp = args.get("timestamp", "")
        try:
            if abs(time.time() - int(timestamp)) > CLOCK_SKEW:
                return False
            check_signature(self.token, args.get("signature", ""), timestamp, args.get("nonce", ""))
            return True
        except (ValueError, InvalidSignatureException):
            return False

    async def _receive(self, request: Request) -> HTTPResponse:
        arrived = time.monotonic()
        if not self._signed(request):
            return self._forbidden()
        if len(request.body or b"") > MAX_BODY:
            return response.text("too large", status=413)
        args = request.args
        encrypted = args.get("encrypt_type") == "aes"
        try:
            if encrypted:
                if self.crypto is None:  # safe mode chosen in WeChat's console, but no key configured here
                    return self._forbidden()
                xml = self.crypto.decrypt_message(
                    request.body, args.get("msg_signature", ""), args.get("timestamp", ""), args.get("nonce", "")
                )
            else:
                xml = request.body.decode("utf-8")
        except Exception:  # noqa: BLE001 - a bad signature, a foreign AppID, an undecryptable body: not WeChat
            return self._forbidden()
        try:
            message = parse_message(xml)
            openid = check_sender(message.source)
        except (BadRequest, Exception):  # noqa: BLE001 - signed but not a message we can read
            return response.text("bad request", status=400)
        key = str(message.id) if message.id else f"{openid}:{message.time}:{getattr(message, 'event', message.type)}"
        if not await self.state.claim(key):  # WeChat's retry: the first processing's answer, never a second run
            self.counts["retries_answered"] += 1
            answer = await self.state.answer(key, max(0.0, self.deadline - (time.monotonic() - arrived)))
            return self._reply(message, answer if answer and answer != ASYNC else SUCCESS, encrypted, args)
        content = await self._answer(message, openid, key, arrived)
        return self._reply(message, content, encrypted, args)

    def _reply(self, message: Any, content: str, encrypted: bool, args: Any) -> HTTPResponse:
        if content == SUCCESS:
            return response.text(SUCCESS)
        self.counts["passive"] += 1
        xml = create_reply(content, message=message).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, args.get("nonce", ""), args.get("timestamp"))
        return response.text(xml, content_type="application/xml")

    # -- a message's answer ------------------------------------------------------------------------
    async def _answer(self, message: Any, openid: str, key: str, arrived: float) -> str:
        """The passive reply's content (or SUCCESS); what does not fit in it goes out through the customer-service API."""
        meaning = read(message, self.menu, await self.state.choices(openid), self._place_of)
        content: Optional[str] = meaning.reply
        if content is None and meaning.text is not None:
            text = check_text(meaning.text)
            content = refusal(text, self.max_message_chars)
            if content is None:
                task = asyncio.ensure_future(self._turn(openid, text, message.id))
                try:
                    left = max(0.0, self.deadline - (time.monotonic() - arrived))
                    rendered = await asyncio.wait_for(asyncio.shield(task), timeout=left)
                except asyncio.TimeoutError:
                    await self.state.finish(key, ASYNC)
                    self._later(self._push_when_done(openid, task))
                    return SUCCESS
                content = rendered.chunks[0] if rendered.chunks else None
                if len(rendered.chunks) > 1:
                    self._later(self._push(openid, rendered.chunks[1:]))
        await self.state.finish(key, content or SUCCESS)
        return content or SUCCESS

    async def _turn(self, openid: str, text: str, msgid: Any) -> Rendered:
        collector = CollectingOutputChannel()
        try:
            async with self.gate:
                assert self.on_new_message is not None
                await self.on_new_message(
                    UserMessage(
                        text, collector, openid, input_channel=self.name(), message_id=str(msgid) if msgid else None
                    )
                )
            rendered = render(collector.messages, self.text_limit)
        except Exception:  # noqa: BLE001 - the customer hears an apology; the log gets no text
            logger.exception("WeChat turn failed for a message of %d characters", len(text))
            rendered = Rendered([texts.BUSY])
        await self.state.offer(openid, rendered.choices)
        return rendered

    async def _push_when_done(self, openid: str, task: "asyncio.Future[Rendered]") -> None:
        rendered = await task
        await self._push(openid, rendered.chunks)

    async def _push(self, openid: str, chunks: List[str]) -> None:
        if self.api is None:
            logger.warning("an answer missed WeChat's reply window and there is no WECHAT_APP_SECRET to send it later")
            return
        for chunk in chunks:
            self.counts["customer_service"] += 1
            if not await self.api.send_text(openid, chunk):
                return

    def _later(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class WeChatOutput(OutputChannel):
    """Messages sent outside a turn (Rasa's HTTP API with output_channel=wechat), through the customer-service API."""

    def __init__(self, api: CustomerService) -> None:
        self.api = api

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for chunk in split(text):
            await self.api.send_text(recipient_id, chunk)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        for chunk in render([{"text": text, "buttons": buttons}]).chunks:
            await self.api.send_text(recipient_id, chunk)
