"""The web chat: a page for customers (and for trying the assistant in a browser), with the takeover behaviour.

Public (no butler login): a visitor gets a random conversation id in a cookie.  Messages go to
the assistant through its REST channel; a butler's replies (bot events with the butler's name,
written into the tracker store through Rasa's API) reach the page by polling.  POSTs carry the
visitor's token from a second cookie in a header (double submit), so another site cannot post
in the visitor's name.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Callable

import aiohttp
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.inputs import BadRequest, check_text
from console import conversation as conv
from service_requests.parsing import mask_personal

CHAT_COOKIE, CHAT_TOKEN = "webchat_id", "webchat_token"


def add_webchat(
    app: Sanic, page: Callable[..., HTTPResponse], set_cookie: Callable[..., None], settings: Any, events_engine: Any
) -> None:
    rest_url = f"{settings.rasa_url}/webhooks/rest/webhook"

    def visitor(request: Request) -> str:
        sender = request.cookies.get(CHAT_COOKIE) or ""
        if not sender.startswith("web-") or len(sender) != 24:
            raise BadRequest("no_visitor", "open /chat first")
        return sender

    @app.get("/chat")
    async def chat_page(request: Request) -> HTTPResponse:
        resp = page(request, "chat.html")
        if not (request.cookies.get(CHAT_COOKIE) or "").startswith("web-"):
            set_cookie(resp, request, CHAT_COOKIE, "web-" + secrets.token_hex(10), 30 * 86400)
        if not request.cookies.get(CHAT_TOKEN):
            set_cookie(resp, request, CHAT_TOKEN, secrets.token_urlsafe(18), 30 * 86400, http_only=False)
        return resp

    @app.get("/chat/api/history")
    async def chat_history(request: Request) -> HTTPResponse:
        lines = conv.entries(events_engine, visitor(request))
        return response.json(
            {
                "entries": [
                    {"id": e.event_id, "kind": e.kind, "text": mask_personal(e.text), "buttons": e.buttons}
                    for e in lines
                    if e.kind != "system"
                ],
                "last": lines[-1].event_id if lines else 0,
            }
        )

    @app.get("/chat/api/updates")
    async def chat_updates(request: Request) -> HTTPResponse:
        try:
            after = int(request.args.get("after") or 0)
        except ValueError:
            after = 0
        lines = conv.entries(events_engine, visitor(request), after)
        return response.json(
            {
                "entries": [
                    {"id": e.event_id, "kind": e.kind, "text": mask_personal(e.text)}
                    for e in lines
                    if e.kind in ("butler", "system")
                ],
                "last": lines[-1].event_id if lines else after,
            }
        )

    @app.post("/chat/api/send")
    async def chat_send(request: Request) -> HTTPResponse:
        sender = visitor(request)
        token = request.cookies.get(CHAT_TOKEN) or ""
        if not token or not hmac.compare_digest(request.headers.get("x-chat-token", ""), token):
            return response.json({"error": "token missing or wrong"}, status=403)
        body = request.json if isinstance(request.json, dict) else {}
        text = check_text(body.get("text", ""))
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
                async with session.post(rest_url, json={"sender": sender, "message": text}) as resp:
                    messages = await resp.json() if resp.status == 200 else []
        except (aiohttp.ClientError, TimeoutError):
            return response.json({"error": "助手暂时无法连接，请稍后再试。"}, status=502)
        return response.json(
            {
                "messages": [
                    {
                        "text": m.get("text", ""),
                        "buttons": [b.get("title") for b in m.get("buttons") or []],
                        "payloads": [b.get("payload") for b in m.get("buttons") or []],
                    }
                    for m in messages
                    if m.get("text")
                ]
            }
        )
