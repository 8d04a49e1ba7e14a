"""The console's security over real HTTP: sessions, CSRF, roles, cookies, masking, escaping, and its contract for outside checks."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import pytest

from assistant.serve import Assistant

PASSWORD = "another long phrase 2"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # keep 302s visible
        return None


class Browser:
    """A cookie jar and a session, as a plain HTTP client sees the console."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = ""

    def call(
        self,
        method: str,
        path: str,
        data: Optional[Dict[str, str]] = None,
        json_body=None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Tuple[int, str, Dict[str, str]]:
        body, hdrs = None, dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace"), dict(err.headers)

    def login(
        self, name: str, password: str = PASSWORD, forwarded_proto: Optional[str] = None
    ) -> Tuple[int, Dict[str, str]]:
        status, html, _ = self.call("GET", "/login")
        assert status == 200
        token = re.search(r'<input type="hidden" name="csrf" value="([^"]+)"', html).group(1)
        extra = {"X-Forwarded-Proto": forwarded_proto} if forwarded_proto else {}
        status, _, headers = self.call(
            "POST", "/login", {"csrf": token, "username": name, "password": password}, headers=extra
        )
        if status == 302 and not forwarded_proto:  # a Secure cookie is not sent back over plain HTTP
            _, home, _ = self.call("GET", "/")
            self.csrf = re.search(r'data-csrf="([^"]+)"', home).group(1)
        return status, headers


@pytest.fixture(scope="module")
def served(model_path, desk, console_user):
    with Assistant(model=model_path) as running:
        assert console_user(running, "周管家", "butler", PASSWORD).returncode == 0
        assert console_user(running, "吴主管", "supervisor", PASSWORD).returncode == 0
        yield running


PAGES = ["/", "/requests", "/knowledge", "/reports", "/audit", "/conversations/someone"]
APIS = ["/api/inbox", "/api/conversations/someone/events", "/api/conversations/someone/draft"]
POSTS = [
    "/api/conversations/someone/takeover",
    "/api/conversations/someone/handback",
    "/api/conversations/someone/reply",
    "/requests/SR-20260101-0001/status",
    "/logout",
]


def test_add_user_reads_the_password_from_stdin_and_refuses_a_short_one(served, console_user):
    short = console_user(served, "短密码", "butler", "short")
    assert short.returncode == 1 and "10" in short.stderr
    assert console_user(served, "郑管家", "nobody", PASSWORD).returncode == 2  # argparse: no such role


def test_every_page_and_api_needs_a_session(served):
    anonymous = Browser(served.console)
    for path in PAGES:
        status, _, headers = anonymous.call("GET", path)
        assert status == 302 and headers["Location"] == "/login", path
    for path in APIS:
        assert anonymous.call("GET", path)[0] == 401, path
    for path in POSTS:
        assert anonymous.call("POST", path, json_body={})[0] == 401, path
    assert anonymous.call("GET", "/login")[0] == 200 and anonymous.call("GET", "/chat")[0] == 200  # the public ones


def test_the_login_contract_for_outside_checks(served):
    served.say("contract-customer", "平安的住院陪护在毫州能用吗")
    b = Browser(served.console)
    status, headers = b.login("周管家")
    assert status == 302 and headers["Location"] == "/"
    status, home, _ = b.call("GET", "/")
    assert status == 200 and "contract-customer" in home and "毫州" in home  # conversations by sender id, last message


def test_a_post_without_the_csrf_token_is_refused(served):
    b = Browser(served.console)
    b.login("周管家")
    for path in POSTS:
        status, body, _ = b.call("POST", path, json_body={"text": "x"})
        assert status == 403 and "CSRF" in body, path
        status, _, _ = b.call("POST", path, json_body={"text": "x"}, headers={"X-CSRF-Token": "forged"})
        assert status == 403, path
    stranger = Browser(served.console)
    status, html, _ = stranger.call("POST", "/login", {"csrf": "made-up", "username": "周管家", "password": PASSWORD})
    assert status == 403 and "页面已过期" in html
    assert b.call("GET", "/")[0] == 200  # the session still works: nothing was done


def test_a_butler_cannot_open_supervisor_pages(served):
    b = Browser(served.console)
    b.login("周管家")
    for path in ("/reports", "/audit"):
        status, html, _ = b.call("GET", path)
        assert status == 403 and "主管" in html
    s = Browser(served.console)
    s.login("吴主管")
    assert s.call("GET", "/reports")[0] == 200 and s.call("GET", "/audit")[0] == 200


def test_the_session_cookie_is_httponly_samesite_and_secure_over_tls(served):
    plain = Browser(served.console)
    _, headers = plain.login("周管家")
    cookie = headers["Set-Cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    tls = Browser(served.console)
    _, headers = tls.login("周管家", forwarded_proto="https")
    assert "Secure" in headers["Set-Cookie"]
    status, _, headers = plain.call("GET", "/")
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_logout_ends_the_session(served):
    b = Browser(served.console)
    b.login("周管家")
    assert b.call("POST", "/logout", {"csrf": b.csrf})[0] == 302
    assert b.call("GET", "/")[0] == 302


def test_no_page_shows_a_full_phone_or_id_number_and_html_stays_text(served):
    sender = "privacy-customer"
    for text in [
        "我要申请就医陪诊",
        "PA2026000504",
        "0504",
        "杭州",
        "电话13912345670，身份证330106199705057890",
        "<img src=x onerror=alert(1)>你好",
    ]:
        served.say(sender, text)
    b = Browser(served.console)
    b.login("吴主管")
    pages = {
        path: b.call("GET", path)[1]
        for path in [
            "/",
            f"/conversations/{sender}",
            "/requests",
            "/audit",
            "/reports",
            f"/api/conversations/{sender}/events",
        ]
    }
    for path, html in pages.items():
        for secret in ("13912345670", "13800000504", "330106199705057890"):
            assert secret not in html, (secret, path)
    conversation = pages[f"/conversations/{sender}"]
    assert "139****5670" in conversation and "138****0504" in conversation and "朱**" in conversation
    assert "&lt;img src=x onerror=alert(1)&gt;" in conversation and "<img src=x" not in conversation


def test_the_console_calls_rasa_with_the_token_and_rasa_refuses_without(served):
    status = urllib.request.urlopen(served.base + "/", timeout=10).status
    assert status == 200
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{served.base}/conversations/contract-customer/tracker", timeout=10)
    assert err.value.code == 401
    b = Browser(served.console)
    b.login("周管家")
    status, body, _ = b.call(
        "POST", "/api/conversations/contract-customer/takeover", json_body={}, headers={"X-CSRF-Token": b.csrf}
    )
    assert status == 200 and json.loads(body)["holder"] == "周管家"
    assert served.tracker("contract-customer")["paused"] is True  # paused through Rasa's API, with the token
    status, _, _ = b.call(
        "POST", "/api/conversations/contract-customer/handback", json_body={}, headers={"X-CSRF-Token": b.csrf}
    )
    assert status == 200 and served.tracker("contract-customer")["paused"] is False
