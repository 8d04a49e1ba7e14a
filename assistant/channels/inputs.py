"""Checks every user-facing channel applies before a message reaches Rasa.

A message is a sender id and a text.  The sender id keys the conversation, the request store's
binding and the URLs of Rasa's HTTP API, so it is held to a plain alphabet; the text is cleaned
of what no database or JSON encoder accepts (NUL, lone surrogates) and held to a length a
customer's question has.  Nothing here logs the text.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any, Optional

from assistant import texts

# WeChat openids are 28 characters of [A-Za-z0-9_-]; REST clients use ids like "shell-1a2b3c4d".
SENDER_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadRequest(ValueError):
    """The request cannot be a message: said to the client (HTTP 400), nothing is processed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_json(self) -> dict:
        return {"error": self.code, "message": self.message}


@dataclass(frozen=True)
class Inbound:
    sender: str
    text: str


def check_sender(sender: Any) -> str:
    if not isinstance(sender, str):
        raise BadRequest("invalid_sender", "'sender' must be a string")
    if not SENDER_ID.fullmatch(sender):
        raise BadRequest("invalid_sender", "'sender' must be 1-128 characters of A-Z a-z 0-9 _ . : @ -")
    return sender


def clean_text(text: str) -> str:
    """The text with control characters dropped and lone surrogates replaced (U+FFFD), outer spaces trimmed."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    return _CONTROL.sub("", text).strip()


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise BadRequest("invalid_message", "'message' must be a string")
    return clean_text(text)


def parse_rest_body(raw: Optional[bytes]) -> Inbound:
    """``{"sender": "...", "message": "..."}`` → Inbound, or BadRequest naming what is wrong."""
    if not raw:
        raise BadRequest("invalid_json", 'the body must be a JSON object: {"sender": ..., "message": ...}')
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        raise BadRequest("invalid_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("invalid_json", 'the body must be a JSON object: {"sender": ..., "message": ...}')
    if "sender" not in body:
        raise BadRequest("invalid_sender", "'sender' is missing")
    if "message" not in body:
        raise BadRequest("invalid_message", "'message' is missing")
    return Inbound(check_sender(body["sender"]), check_text(body["message"]))


def refusal(text: str, limit: int) -> Optional[str]:
    """The polite reply for a message that is not read at all (empty, or longer than ``limit``), else None."""
    if not text:
        return texts.EMPTY
    if len(text) > limit:
        return texts.too_long(len(text), limit)
    return None


class TurnGate:
    """At most ``limit`` turns in progress at once in this process; the rest wait their turn, in order.

    The Rasa server's event loop runs one turn's NLU at a time; letting 200 turns in at once
    only makes each of them wait longer between its steps — long enough, under that load, for
    the action-server timeout to fire on calls the action server answered in milliseconds.
    Queued here instead, a turn's own steps run promptly and the wait is spent before it starts.
    """

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(max(1, limit))

    async def __aenter__(self) -> None:
        await self._slots.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()
