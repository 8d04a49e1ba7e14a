"""The console's web application (Sanic, Jinja2 templates, a little plain JavaScript): http://localhost:5080/.

Why this stack: Sanic 21.12 is already here, pinned by Rasa, and async like the rest of the
serving code; Jinja2 escapes every value it renders (a customer's HTML shows as text);
server-rendered pages with a small script per page that polls JSON need no build step and no
package from a CDN at run time, and a strict Content-Security-Policy forbids inline scripts.

Security: every page and API needs a session (the login page, the health check, the static
files and the public web chat excepted); every POST carries the session's CSRF token (form field
``csrf`` or header ``X-CSRF-Token``; the login form a double-submit token); supervisor pages
refuse butlers; cookies are HttpOnly, SameSite=Lax and Secure over TLS (``X-Forwarded-Proto``).
Personal numbers typed by customers are masked wherever they are shown.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.inputs import SENDER_ID, BadRequest, check_text
from console import conversation as conv
from console.accounts import Accounts, User
from console.config import ConsoleSettings
from console.drafts import draft
from console.handoff import Handoff, HandoffRefused
from console.inbox import FLAG_CN, FLAGS, Inbox
from console.rasa_api import RasaAPI, RasaUnavailable
from console.reports import bars, report
from console.store import console_engine, events_engine
from knowledge.api import KnowledgeBase
from service_requests.desk import NEXT_STATUSES, STATUS_CN, ServiceDesk
from service_requests.parsing import mask_personal, mask_phone

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE, LOGIN_CSRF_COOKIE = "console_session", "console_login"
PUBLIC = ("/login", "/healthz", "/static/", "/chat", "/favicon.ico")
SUPERVISOR_ONLY = ("/reports", "/audit")
CHANNEL_CN = {"rest": "网页 / REST", "wechat": "微信公众号"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _when(ts: Optional[float]) -> str:
    return datetime.fromtimestamp(ts).strftime("%m-%d %H:%M") if ts else ""


def create_app(settings: Optional[ConsoleSettings] = None) -> Sanic:
    settings = settings or ConsoleSettings.from_env()
    app = Sanic("console")
    app.config.FORWARDED_SECRET = None
    cengine = console_engine(settings.db_url)
    eengine = events_engine(settings.conversations_db_url)
    accounts = Accounts(cengine, settings.max_failures, settings.lockout_minutes, settings.session_hours)
    rasa = RasaAPI(settings.rasa_url, settings.rasa_token)
    handoff = Handoff(cengine, rasa, accounts)
    inbox = Inbox(cengine, eengine)
    kb = KnowledgeBase.open()
    desk = ServiceDesk(kb)
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    templates.globals.update(
        flag_cn=FLAG_CN,
        channel_cn=CHANNEL_CN,
        status_cn=STATUS_CN,
        mask=mask_personal,
        mask_phone=mask_phone,
        when=_when,
    )
    app.static("/static", str(HERE / "static"))

    def product_name(pid: Optional[str]) -> str:
        try:
            return kb.get_product(pid).name if pid else ""
        except KeyError:
            return pid or ""

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
        html = templates.get_template(name).render(
            user=getattr(request.ctx, "user", None), path=request.path, **context
        )
        return response.html(html, status=status)

    def https(request: Request) -> bool:
        return request.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"

    def set_cookie(
        resp: HTTPResponse, request: Request, name: str, value: str, max_age: int, http_only: bool = True
    ) -> None:
        resp.cookies[name] = value
        c = resp.cookies[name]
        c["path"], c["samesite"], c["max-age"] = "/", "Lax", max_age
        if http_only:
            c["httponly"] = True
        if https(request):
            c["secure"] = True

    def sender_or_404(sender: str) -> str:
        if not SENDER_ID.fullmatch(sender or ""):
            raise BadRequest("invalid_sender", "no such conversation")
        return sender

    # -- the session, CSRF and roles, before every handler ---------------------------------------
    @app.middleware("request")
    async def guard(request: Request) -> Optional[HTTPResponse]:
        request.ctx.user = None
        if request.path.startswith(PUBLIC):
            return None
        user = accounts.user_for(request.cookies.get(SESSION_COOKIE))
        if user is None:
            if request.path.startswith("/api/") or request.method != "GET":
                return response.json({"error": "login required"}, status=401)
            return response.redirect("/login")
        request.ctx.user = user
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("x-csrf-token") or (request.form.get("csrf") if request.form else None) or ""
            if not hmac.compare_digest(sent, user.csrf):
                return response.json({"error": "CSRF token missing or wrong"}, status=403)
        if request.path.startswith(SUPERVISOR_ONLY) and not user.is_supervisor:
            return page(request, "error.html", 403, message="这个页面只对主管开放。")
        return None

    @app.middleware("response")
    async def headers(request: Request, resp: HTTPResponse) -> None:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "no-store"

    @app.exception(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> HTTPResponse:
        return response.json(exc.as_json(), status=404 if exc.code == "invalid_sender" else 400)

    @app.get("/favicon.ico")
    async def favicon(_: Request) -> HTTPResponse:
        return response.empty()

    @app.get("/healthz")
    async def healthz(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    # -- login ------------------------------------------------------------------------------------
    @app.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        # one token per browser: a second GET (another tab, the browser's own /favicon.ico redirected here) keeps it
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
        resp = page(request, "login.html", csrf=token, message=request.args.get("m"))
        set_cookie(resp, request, LOGIN_CSRF_COOKIE, token, 3600)
        return resp

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form or {}
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(form.get("csrf", ""), cookie):
            return page(request, "login.html", 403, csrf=cookie, message="页面已过期，请重新登录。")
        user, token, why = await asyncio.to_thread(
            accounts.login, form.get("username", ""), form.get("password", ""), request.remote_addr or request.ip or "?"
        )
        if user is None:
            message = (
                f"登录失败次数过多，账号已临时锁定，请 {settings.lockout_minutes:.0f} 分钟后再试。"
                if why == "locked"
                else "用户名或密码不正确。"
            )
            return page(request, "login.html", 401, csrf=cookie, message=message)
        resp = response.redirect("/")
        set_cookie(resp, request, SESSION_COOKIE, token, int(settings.session_hours * 3600))
        del resp.cookies[LOGIN_CSRF_COOKIE]
        return resp

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        accounts.logout(request.cookies.get(SESSION_COOKIE), request.ctx.user)
        resp = response.redirect("/login")
        del resp.cookies[SESSION_COOKIE]
        return resp

    # -- the inbox --------------------------------------------------------------------------------
    def inbox_rows(args: Any) -> List[Dict[str, Any]]:
        inbox.refresh()
        rows = inbox.conversations(
            args.get("flag"), args.get("product") or None, args.get("channel") or None, args.get("q")
        )
        out = []
        for r in rows:
            holder = handoff.holder(r.sender_id)
            out.append(
                {
                    "sender": r.sender_id,
                    "channel": CHANNEL_CN.get(r.channel, r.channel or ""),
                    "product": product_name(r.product),
                    "last": mask_personal((r.last_text or "")[:80]),
                    "from": r.last_from,
                    "at": _when(r.last_at),
                    "turns": r.user_turns,
                    "flags": [FLAG_CN[f] for f, col in FLAGS.items() if getattr(r, col)],
                    "holder": holder.name if holder else None,
                }
            )
        return out

    @app.get("/")
    async def home(request: Request) -> HTTPResponse:
        rows = await asyncio.to_thread(inbox_rows, request.args)
        return page(
            request,
            "inbox.html",
            rows=rows,
            args=request.args,
            products=kb.products(),
            channels=inbox.channels(),
            flags=FLAG_CN,
        )

    @app.get("/api/inbox")
    async def api_inbox(request: Request) -> HTTPResponse:
        return response.json({"rows": await asyncio.to_thread(inbox_rows, request.args)})

    # -- one conversation -------------------------------------------------------------------------
    @app.get("/conversations/<sender>")
    async def conversation_page(request: Request, sender: str) -> HTTPResponse:
        sender = sender_or_404(sender)
        await asyncio.to_thread(inbox.refresh)
        row = inbox.conversation(sender)
        if row is None:
            return page(request, "error.html", 404, message="没有这个对话。")
        lines = await asyncio.to_thread(conv.entries, eengine, sender)
        policy = desk.bound_policy(row.channel or "rest", sender)
        requests = desk.requests_of(row.channel or "rest", sender) if policy else []
        return page(
            request,
            "conversation.html",
            row=row,
            lines=lines,
            policy=policy,
            requests=requests,
            product=product_name(row.product),
            holder=handoff.holder(sender),
            last_id=lines[-1].event_id if lines else 0,
            trail=accounts.trail(sender, 20),
        )

    @app.get("/api/conversations/<sender>/events")
    async def conversation_events(request: Request, sender: str) -> HTTPResponse:
        sender = sender_or_404(sender)
        try:
            after = int(request.args.get("after") or 0)
        except ValueError:
            after = 0
        lines = await asyncio.to_thread(conv.entries, eengine, sender, after)
        holder = handoff.holder(sender)
        return response.json(
            {
                "entries": [dict(e.as_json(), text=mask_personal(e.text)) for e in lines],
                "holder": holder.name if holder else None,
            }
        )

    @app.get("/api/conversations/<sender>/draft")
    async def conversation_draft(request: Request, sender: str) -> HTTPResponse:
        sender = sender_or_404(sender)
        try:
            tracker = await rasa.tracker(sender)
        except RasaUnavailable as exc:
            return response.json({"error": str(exc)}, status=502)
        made = await asyncio.to_thread(draft, tracker)
        return response.json({"draft": made})

    async def act(request: Request, sender: str, what: str) -> HTTPResponse:
        sender = sender_or_404(sender)
        user: User = request.ctx.user
        try:
            if what == "takeover":
                await handoff.take(user, sender)
            elif what == "handback":
                await handoff.give_back(user, sender)
            else:
                body = request.json if isinstance(request.json, dict) else {}
                await handoff.reply(user, sender, check_text(body.get("text", "")), bool(body.get("drafted")))
        except HandoffRefused as exc:
            return response.json({"error": str(exc)}, status=409)
        except RasaUnavailable as exc:
            return response.json({"error": f"助手暂时无法执行：{exc}"}, status=502)
        holder = handoff.holder(sender)
        return response.json({"ok": True, "holder": holder.name if holder else None})

    @app.post("/api/conversations/<sender>/takeover")
    async def takeover(request: Request, sender: str) -> HTTPResponse:
        return await act(request, sender, "takeover")

    @app.post("/api/conversations/<sender>/handback")
    async def handback(request: Request, sender: str) -> HTTPResponse:
        return await act(request, sender, "handback")

    @app.post("/api/conversations/<sender>/reply")
    async def reply(request: Request, sender: str) -> HTTPResponse:
        return await act(request, sender, "reply")

    # -- the request queue ------------------------------------------------------------------------
    @app.get("/requests")
    async def queue(request: Request) -> HTTPResponse:
        status = request.args.get("status") or None
        items = await asyncio.to_thread(
            desk.all_requests, status if status in STATUS_CN else None, request.args.get("product") or None
        )
        return page(
            request,
            "requests.html",
            items=items,
            args=request.args,
            products=kb.products(),
            product_name=product_name,
            next_statuses=NEXT_STATUSES,
            message=request.args.get("m"),
            error=request.args.get("e"),
        )

    @app.post("/requests/<reference>/status")
    async def change_status(request: Request, reference: str) -> HTTPResponse:
        user: User = request.ctx.user
        form = request.form or {}
        to, note = form.get("status", ""), (form.get("note") or "").strip() or None
        try:
            view = await asyncio.to_thread(desk.set_status, reference, to, f"butler:{user.name}", note)
        except ValueError as exc:
            return response.redirect(f"/requests?e={_q(str(exc))}")
        accounts.audit(user.name, "request_status", request_ref=reference, to=to, note=note)
        return response.redirect(f"/requests?m={_q(f'{view.reference} 已改为“{view.status_cn}”')}")

    # -- the knowledge panel ----------------------------------------------------------------------
    @app.get("/knowledge")
    async def knowledge(request: Request) -> HTTPResponse:
        a = request.args
        pid, service_name, place = a.get("product") or "", a.get("service") or "", (a.get("place") or "").strip()
        product = kb.get_product(pid) if pid in {p.id for p in kb.products()} else None
        service = kb.service(product, service_name) if product and service_name else None
        coverage = kb.is_covered(product, service, place).to_dict() if service and place else None
        compare = kb.compare(a.get("compare")) if a.get("compare") else None
        return page(
            request,
            "knowledge.html",
            products=kb.products(),
            product=product,
            services=kb.services_of(product) if product else [],
            service=service,
            place=place,
            coverage=coverage,
            apply=kb.how_to_apply(service) if service else None,
            compare=compare,
            compare_name=a.get("compare") or "",
            all_names=sorted({s.name for s in kb.all_services()}),
        )

    # -- supervisors ------------------------------------------------------------------------------
    @app.get("/reports")
    async def reports(request: Request) -> HTTPResponse:
        await asyncio.to_thread(inbox.refresh)
        data = await asyncio.to_thread(report, inbox, cengine, desk)
        charts = {
            "days": bars([(d["day"], d["conversations"]) for d in data["days"]]),
            "handed": bars([(d["day"], d["handed"]) for d in data["days"]]),
            "unanswered": bars([(u["text"][:14], u["count"]) for u in data["unanswered"][:12]]),
            "requests": bars([(r["service"][:12], r["total"]) for r in data["requests"][:12]]),
        }
        return page(request, "reports.html", data=data, charts=charts)

    @app.get("/audit")
    async def audit(request: Request) -> HTTPResponse:
        return page(request, "audit.html", trail=accounts.trail(limit=300))

    # -- the web chat (public) ------------------------------------------------------------------
    from console.webchat import add_webchat

    add_webchat(app, page, set_cookie, settings, eengine)
    return app


def _q(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text)
