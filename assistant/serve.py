"""Start the supervised assistant (``make run``), or get one for a test, a benchmark or an evaluation run.

    python -m assistant.serve [--model models/….tar.gz]     # make run: http://localhost:5005/webhooks/rest/webhook

The supervisor (``assistant.supervisor``) runs the action server and the Rasa server and keeps
them up; every setting comes from the environment (``assistant.settings``, README → Serving).
``Assistant`` starts that same supervisor as a child process on free ports, with its own
stores if asked, and waits until its health endpoint says every part is up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from knowledge.config import ROOT

if TYPE_CHECKING:
    from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, timeout: float = 2.0) -> Optional[Dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:  # 503 while a part is down still carries the body
        try:
            return json.loads(err.read())
        except ValueError:
            return None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError):
        return None


class Assistant:
    """A supervised assistant on free ports (action server + Rasa server), as `make run` starts it.

    ``env`` overrides the serving variables (CONVERSATIONS_DB_URL, REDIS_URL, SANIC_WORKERS,
    ASSISTANT_STOCK …); logs and run files go to a folder of its own.
    """

    def __init__(
        self,
        model: Optional[Path] = None,
        env: Optional[Dict[str, str]] = None,
        work_dir: Optional[Path] = None,
        port: Optional[int] = None,
    ) -> None:
        self.model = model
        self.port = port or free_port()
        self.action_port = free_port()
        self.health_port = free_port()
        self.console_port = free_port()
        self._own_dir = work_dir is None  # a folder made here is removed on stop
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="assistant-"))
        self.api_token = secrets.token_urlsafe(16)
        self.env = {**(env or {})}
        self.proc: Optional[subprocess.Popen] = None
        self.ready_after = 0.0

    @property
    def _ports(self) -> "Settings":
        """The serving settings of this instance's ports, whose URLs the properties below are."""
        from assistant.settings import Settings

        return Settings(
            rasa_port=self.port,
            actions_port=self.action_port,
            health_port=self.health_port,
            console_port=self.console_port,
        )

    @property
    def url(self) -> str:
        return self._ports.rest_url

    @property
    def base(self) -> str:
        return self.url.split("/webhooks/")[0]

    @property
    def console(self) -> str:
        return self._ports.console_url.rstrip("/")

    @property
    def log_dir(self) -> Path:
        return self.work_dir / "log"

    def api(self, path: str, **query: str) -> str:
        """A URL of Rasa's HTTP API with the token."""
        return f"{self.base}{path}?{urllib.parse.urlencode({**query, 'token': self.api_token})}"

    def start(self, timeout: float = 300.0) -> "Assistant":
        from assistant.model import ensure_model

        self.model = self.model or ensure_model(quiet=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_PORT": str(self.port),
            "ACTIONS_PORT": str(self.action_port),
            "HEALTH_PORT": str(self.health_port),
            "RASA_API_TOKEN": self.api_token,
            "CONSOLE_PORT": str(self.console_port),
            "CONSOLE_DB_URL": f"sqlite:///{self.work_dir / 'console.sqlite3'}",
            "LOG_DIR": str(self.log_dir),
            "RUN_DIR": str(self.work_dir / "run"),
            "CONVERSATIONS_DB_URL": f"sqlite:///{self.work_dir / 'conversations.sqlite3'}",
            **self.env,
        }
        started = time.perf_counter()
        out = open(self.log_dir / "supervisor.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.serve", "--model", str(self.model)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self._own_dir = False  # keep the logs of a failed start
                raise RuntimeError(f"the assistant stopped while starting; see {self.log_dir}\n{self._tail()}")
            health = self.health()
            if health and health.get("status") == "ok":
                self.ready_after = time.perf_counter() - started
                return self
            time.sleep(0.5)
        self._own_dir = False  # keep the logs of a failed start
        tail = self._tail()
        self.stop()
        raise TimeoutError(f"the assistant was not ready after {timeout:.0f}s; see {self.log_dir}\n{tail}")

    def _tail(self, lines: int = 12) -> str:
        """The supervisor's last lines and the health it reports, for the message of a failed start."""
        try:
            out = self.supervisor_output().splitlines()[-lines:]
        except OSError:
            out = []
        return "\n".join(out + [f"health: {self.health()}"])

    def health(self) -> Optional[Dict[str, Any]]:
        return _get_json(self._ports.health_url)

    def wait_until_up(self, timeout: float = 120.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            health = self.health()
            if health and health.get("status") == "ok":
                return
            time.sleep(0.25)
        raise TimeoutError(f"the assistant did not come back within {timeout:.0f}s; see {self.log_dir}")

    def pid(self, part: str) -> int:
        health = self.health() or {}
        pid = ((health.get("parts") or {}).get(part) or {}).get("pid")
        if not pid:
            raise RuntimeError(f"{part} is not running: {health}")
        return int(pid)

    def pids(self) -> Dict[str, List[int]]:
        """part → its processes (the Rasa server with its Sanic workers), for memory figures."""
        parts = (self.health() or {}).get("parts") or {}
        return {name: [p["pid"], *p.get("workers", [])] for name, p in parts.items() if p.get("pid")}

    def supervisor_output(self) -> str:
        return (self.log_dir / "supervisor.log").read_text("utf-8", "replace")

    def say(self, sender: str, message: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
        return send(self.url, sender, message, timeout)

    def tracker(self, sender: str) -> Dict[str, Any]:
        with urllib.request.urlopen(self.api(f"/conversations/{sender}/tracker"), timeout=30) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> "Assistant":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def send(url: str, sender: str, message: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
    """One user message over the REST channel, exactly as a client sends it."""
    data = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def main() -> int:
    from assistant.settings import Settings
    from assistant.supervisor import Supervisor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="the model to serve (default: the one for the current inputs)")
    args = parser.parse_args()
    if args.model is None:
        from assistant.model import ensure_model

        args.model = ensure_model(quiet=True)
    settings = Settings.from_env()
    if not settings.stock:
        settings.ensure_token()
    return asyncio.run(Supervisor(settings, args.model).run())


if __name__ == "__main__":
    sys.exit(main())
