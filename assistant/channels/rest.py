"""The REST channel with its input checked: ``POST /webhooks/rest/webhook {"sender": "...", "message": "..."}``.

Rasa's own RestInput (3.6.21) answers an empty body, ``[]`` or ``null`` with HTTP 500, trusts
the client's ``input_channel`` and ``metadata`` (a REST client could pose as a WeChat user, whose
policy binding is keyed by channel), and logs the customer's text when a turn fails.  This one
answers malformed requests with HTTP 400 and a reason, keeps the channel name its own, answers
an over-long or empty message politely without running the NLU, and never logs the text.
Registered in credentials.yml as ``assistant.channels.rest.RestChannel``; same URL as Rasa's.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant import texts
from assistant.channels.inputs import BadRequest, TurnGate, parse_rest_body, refusal
from assistant.settings import Settings

logger = logging.getLogger(__name__)


class RestChannel(InputChannel):
    """Synchronous REST: the reply messages of the turn in the response body."""

    def __init__(self, max_message_chars: Optional[int] = None, max_concurrent_turns: Optional[int] = None) -> None:
        settings = Settings.from_env()
        self.max_message_chars = max_message_chars or settings.max_message_chars
        self.gate = TurnGate(max_concurrent_turns or settings.max_concurrent_turns)

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestChannel":
        return cls(**(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("assistant_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                inbound = parse_rest_body(request.body)
            except BadRequest as bad:
                return response.json(bad.as_json(), status=400)
            reply = refusal(inbound.text, self.max_message_chars)
            if reply is not None:
                return response.json([{"recipient_id": inbound.sender, "text": reply}])
            collector = CollectingOutputChannel()
            try:
                async with self.gate:
                    await on_new_message(
                        UserMessage(inbound.text, collector, inbound.sender, input_channel=self.name())
                    )
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the customer hears an apology; the log gets no text
                logger.exception("REST turn failed for a message of %d characters", len(inbound.text))
                if not collector.messages:
                    collector.messages.append({"recipient_id": inbound.sender, "text": texts.BUSY})
            return response.json(collector.messages)

        return bp
