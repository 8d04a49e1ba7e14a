"""The supervisor `make run` starts: the action server and the Rasa server as children, kept up.

- Each child's output goes to ``var/log/<part>-<port>.log``; the supervisor's own lines (what
  started, what stopped and why, what it does about it) go to its standard output.
- A child that exits is started again after a back-off (0.5 s, doubling to 30 s; back to
  0.5 s once it has stayed up a minute).  A child that stops answering its health probe — hung,
  or stopped with SIGSTOP — is killed and started again: after 10 s for the action server,
  60 s for the Rasa server (whose event loop may be busy under load, and which takes ~20 s to load).
- ``GET http://localhost:$HEALTH_PORT/health`` lists the parts: up or not, pid (and the Rasa
  server's worker pids), restarts, last exit.  HTTP 200 when every part is up, else 503.
- SIGTERM or Ctrl-C stops every child (SIGTERM to its process group, SIGKILL after 20 s).

While the action server is down or hung, the Rasa server answers each customer within
ACTION_TIMEOUT_SECONDS with a polite message (``assistant.rasa_patches``), so no one waits in
silence for the restart.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
from aiohttp import web
from sqlalchemy.engine import make_url

from assistant import layout
from assistant.settings import Settings

PROBE_EVERY = 1.0
PROBE_TIMEOUT = 2.0
MIN_BACKOFF, MAX_BACKOFF, STABLE_AFTER = 0.5, 30.0, 60.0
STOP_GRACE = 20.0


def _now() -> str:
    return time.strftime("%H:%M:%S")


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"被信号 {signal.Signals(-returncode).name} 终止"
        except ValueError:
            return f"被信号 {-returncode} 终止"
    return f"退出码 {returncode}"


def child_pids(pid: int) -> List[int]:
    """The direct children of a process (the Rasa server's Sanic workers), from /proc."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


@dataclass
class Part:
    """One supervised child process."""

    name: str
    label: str
    command: List[str]
    probe_url: str
    log_path: Path
    hang_after: float
    env: Dict[str, str] = field(default_factory=dict)
    proc: Optional[asyncio.subprocess.Process] = None
    up: bool = False
    ever_up: bool = False
    restarts: int = 0
    started_at: float = 0.0
    up_since: float = 0.0
    failing_since: Optional[float] = None
    last_exit: Optional[str] = None
    backoff: float = MIN_BACKOFF
    workers: List[int] = field(default_factory=list)

    def status(self) -> Dict[str, object]:
        pid = self.proc.pid if self.proc and self.proc.returncode is None else None
        out: Dict[str, object] = {"up": self.up, "pid": pid, "restarts": self.restarts, "last_exit": self.last_exit}
        if pid and self.name == "rasa":
            out["workers"] = child_pids(pid)
        return out


class Supervisor:
    """Starts the parts, restarts them when they fail, serves /health, stops them cleanly."""

    def __init__(self, settings: Settings, model: Path) -> None:
        self.settings = settings
        self.model = model
        self.parts = self._parts()
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()
        self.started = time.monotonic()

    def _parts(self) -> List[Part]:
        s = self.settings
        s.log_dir.mkdir(parents=True, exist_ok=True)
        endpoints, credentials = layout.write(s)
        py = sys.executable
        actions = Part(
            "actions",
            "动作服务器",
            [py, "-m", "assistant.action_server", "--port", str(s.actions_port)],
            f"http://127.0.0.1:{s.actions_port}/health",
            s.log_dir / f"actions-{s.actions_port}.log",
            10.0,
        )
        entry = ["rasa"] if s.stock else ["assistant.rasa_server"]
        rasa_cmd = [
            py,
            "-m",
            *entry,
            "run",
            "--model",
            str(self.model),
            "--port",
            str(s.rasa_port),
            "--interface",
            s.interface,
            "--enable-api",
            "--credentials",
            str(credentials),
            "--endpoints",
            str(endpoints),
        ]
        # the API token reaches assistant.rasa_server through its environment (RASA_API_TOKEN), not its
        # command line, where `ps` would show it
        rasa = Part(
            "rasa",
            "Rasa 服务器",
            rasa_cmd,
            f"http://127.0.0.1:{s.rasa_port}/webhooks/rest/",
            s.log_dir / f"rasa-{s.rasa_port}.log",
            60.0,
            env={"RASA_API_TOKEN": s.api_token},
        )
        if s.stock:
            return [actions, rasa]
        console = Part(
            "console",
            "健康管家工作台",
            [py, "-m", "console", "serve", "--port", str(s.console_port)],
            f"http://127.0.0.1:{s.console_port}/healthz",
            s.log_dir / f"console-{s.console_port}.log",
            20.0,
            env={"RASA_API_TOKEN": s.api_token, "RASA_PORT": str(s.rasa_port)},
        )
        return [actions, rasa, console]

    # -- output --------------------------------------------------------------------------
    def say(self, line: str) -> None:
        print(f"[{_now()}] {line}", flush=True)

    def layout_line(self) -> str:
        s = self.settings
        if s.stock:
            return "配置: Rasa 原样（内存会话存储、内存锁、1 个 worker），仅用于基准对照"
        store = repr(make_url(s.conversations_db_url))
        locks = f"Redis 锁（{repr(make_url(s.redis_url))}）" if s.redis_url else "进程内锁"
        return f"会话存储: {store}；{locks}；Rasa worker: {s.sanic_workers}；动作服务器 worker: {s.action_workers}"

    @staticmethod
    def _account_hint() -> str:
        from console.accounts import Accounts
        from console.config import ConsoleSettings
        from console.store import console_engine

        try:
            if Accounts(console_engine(ConsoleSettings.from_env().db_url)).count():
                return ""
        except Exception:  # noqa: BLE001 - only a hint
            return ""
        return "（还没有账号：.venv/bin/python -m console add-user 名字 --role supervisor，密码从标准输入读取）"

    def channel_urls(self) -> List[tuple]:
        """(label, URL) of the channels other than REST that this run serves."""
        channels = layout.credentials(self.settings)[0]
        wechat = channels.get("assistant.channels.wechat.WeChatChannel")
        if not wechat:
            return []
        mode = "安全模式" if wechat.get("aes_key") and wechat.get("app_id") else "明文模式"
        return [(f"微信公众号（{mode}）", f"http://localhost:{self.settings.rasa_port}/webhooks/wechat/webhook")]

    # -- children ------------------------------------------------------------------------
    async def _start(self, part: Part) -> None:
        env = {**os.environ, **self.settings.child_env(), **part.env}
        log = open(part.log_path, "ab")
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {part.name} =====\n".encode())
        log.flush()
        part.proc = await asyncio.create_subprocess_exec(
            *part.command,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        log.close()
        part.started_at = time.monotonic()
        part.up, part.failing_since, part.workers = False, None, []

    async def _keep(self, part: Part) -> None:
        while not self.stopping.is_set():
            await self._start(part)
            assert part.proc is not None
            code = await part.proc.wait()
            part.up = False
            if self.stopping.is_set():
                return
            part.last_exit = describe_exit(code)
            if part.up_since and time.monotonic() - part.up_since >= STABLE_AFTER:
                part.backoff = MIN_BACKOFF
            delay = part.backoff
            part.backoff = min(MAX_BACKOFF, part.backoff * 2)
            part.restarts += 1
            self.say(
                f"{part.label}（pid {part.proc.pid}）{part.last_exit}；{delay:.1f} 秒后重启（第 {part.restarts} 次重启）。"
                f"日志: {part.log_path}"
            )
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
                return
            except asyncio.TimeoutError:
                pass

    async def _probe(self, session: aiohttp.ClientSession) -> None:
        while not self.stopping.is_set():
            for part in self.parts:
                if part.proc is None or part.proc.returncode is not None:
                    continue
                ok = await self._answers(session, part.probe_url)
                now = time.monotonic()
                self._note_workers(part)
                if ok:
                    if not part.up:
                        part.up, part.up_since = True, now
                        took = now - part.started_at
                        self.say(f"{part.label}已{'恢复' if part.ever_up else '就绪'}（{took:.0f} 秒）。")
                        part.ever_up = True
                    part.failing_since = None
                elif part.up or part.failing_since is not None:
                    part.up = False
                    part.failing_since = part.failing_since or now
                    if now - part.failing_since >= part.hang_after:
                        self.say(
                            f"{part.label}（pid {part.proc.pid}）已 {now - part.failing_since:.0f} 秒无响应，强制重启。"
                        )
                        _signal_group(part.proc.pid, signal.SIGKILL)
                        part.failing_since = None
            if not self.ready.is_set() and all(p.up for p in self.parts):
                self.ready.set()
                channels = "".join(f"\n           {label}: {url}" for label, url in self.channel_urls())
                console = (
                    ""
                    if self.settings.stock
                    else f"\n           健康管家工作台: {self.settings.console_url}{self._account_hint()}"
                )
                self.say(
                    f"助手已就绪（{time.monotonic() - self.started:.0f} 秒）: {self.settings.rest_url}{channels}{console}\n"
                    f"           健康检查: {self.settings.health_url}\n           {self.layout_line()}\n"
                    "           另开一个终端运行 `make shell` 即可对话；Ctrl-C 停止。"
                )
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=PROBE_EVERY)
            except asyncio.TimeoutError:
                pass

    def _note_workers(self, part: Part) -> None:
        """Say when a worker of a part (the Rasa server's, restarted by assistant.rasa_server) was replaced."""
        if part.proc is None or part.name != "rasa":
            return
        now = child_pids(part.proc.pid)
        gone = [p for p in part.workers if p not in now]
        if gone and part.workers:
            new = [p for p in now if p not in part.workers]
            self.say(
                f"{part.label}的 worker（pid {', '.join(map(str, gone))}）已退出"
                f"{'，由 pid ' + ', '.join(map(str, new)) + ' 接替' if new else '，正在重启'}。日志: {part.log_path}"
            )
        part.workers = now

    @staticmethod
    async def _answers(session: aiohttp.ClientSession, url: str) -> bool:
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT)) as resp:
                return resp.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return False

    async def _stop_all(self) -> None:
        for part in self.parts:
            if part.proc and part.proc.returncode is None:
                _signal_group(part.proc.pid, signal.SIGTERM)
        for part in self.parts:
            if part.proc and part.proc.returncode is None:
                try:
                    await asyncio.wait_for(part.proc.wait(), timeout=STOP_GRACE)
                except asyncio.TimeoutError:
                    _signal_group(part.proc.pid, signal.SIGKILL)
                    await part.proc.wait()

    # -- health --------------------------------------------------------------------------
    def health(self) -> Dict[str, object]:
        parts = {p.name: p.status() for p in self.parts}
        all_up = all(p.up for p in self.parts)
        return {
            "status": "ok" if all_up else ("starting" if not self.ready.is_set() else "degraded"),
            "parts": parts,
            "rest_url": self.settings.rest_url,
            "layout": self.layout_line(),
        }

    async def _serve_health(self) -> web.AppRunner:
        async def handle(_: web.Request) -> web.Response:
            body = self.health()
            return web.json_response(body, status=200 if body["status"] == "ok" else 503)

        app = web.Application()
        app.router.add_get("/health", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.settings.health_port).start()
        return runner

    # -- the whole run -------------------------------------------------------------------
    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        for warning in self.settings.warnings:
            self.say(f"注意: {warning}")
        for note in layout.credentials(self.settings)[1]:
            self.say(f"通道: {note}")
        self.say(f"启动中 … 模型 {self.model.name}；{self.layout_line()}")
        runner = await self._serve_health()
        async with aiohttp.ClientSession() as session:
            tasks = [asyncio.create_task(self._keep(p)) for p in self.parts]
            probe = asyncio.create_task(self._probe(session))
            await self.stopping.wait()
            self.say("正在停止 …")
            await self._stop_all()
            for t in tasks + [probe]:
                t.cancel()
            await asyncio.gather(*tasks, probe, return_exceptions=True)
        await runner.cleanup()
        self.say("已停止。")
        return 0


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
