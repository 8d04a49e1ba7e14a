"""Start the action server and the Rasa server (REST channel) and say when they are ready.

    python -m assistant.serve            # make run: http://localhost:5005/webhooks/rest/webhook

Both servers are child processes; Ctrl-C (or SIGTERM) stops both.  ``Assistant`` is also the
context manager the tests, benchmarks and evaluation runs use to get a running assistant.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

from knowledge.config import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> Optional[bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class Assistant:
    """A running assistant: action server + Rasa server with the REST channel."""

    def __init__(self, model: Optional[Path] = None, port: int = 5005, action_port: int = 5055,
                 log_dir: Optional[Path] = None) -> None:
        self.model = model
        self.port = port
        self.action_port = action_port
        self.log_dir = log_dir or ROOT / "build" / "logs"
        self.procs: List[subprocess.Popen] = []
        self.started_at = 0.0
        self.ready_after = 0.0

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/webhooks/rest/webhook"

    def start(self, timeout: float = 300.0) -> "Assistant":
        from assistant.model import ensure_model

        self.model = self.model or ensure_model()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        endpoints = self.log_dir / f"endpoints-{self.port}.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://localhost:{self.action_port}/webhook"\n', "utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.started_at = time.perf_counter()
        self.procs.append(self._spawn([sys.executable, "-m", "rasa_sdk", "--actions", "actions.actions",
                                       "--port", str(self.action_port)], "actions", env))
        # localhost only: the HTTP API (--enable-api: trackers, for intent checks in evaluation runs) has no auth
        self.procs.append(self._spawn([sys.executable, "-m", "rasa", "run", "--model", str(self.model), "--port", str(self.port),
                                       "--interface", "127.0.0.1", "--enable-api", "--credentials", "credentials.yml",
                                       "--endpoints", str(endpoints)], "rasa", env))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(p.poll() is not None for p in self.procs):
                self.stop()
                raise RuntimeError(f"the assistant stopped while starting; see {self.log_dir}")
            if _get(f"http://localhost:{self.action_port}/health") and self._rest_ready():
                self.ready_after = time.perf_counter() - self.started_at
                return self
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"the assistant was not ready after {timeout:.0f}s; see {self.log_dir}")

    def _spawn(self, cmd: List[str], name: str, env: Dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}-{self.port}.log", "w")
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _rest_ready(self) -> bool:
        body = _get(f"http://localhost:{self.port}/webhooks/rest/")
        return body is not None and b"ok" in body

    def say(self, sender: str, message: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
        return send(self.url, sender, message, timeout)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        self.procs.clear()

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
    assistant = Assistant()
    try:
        assistant.start()
    except (RuntimeError, TimeoutError) as exc:
        print(f"启动失败: {exc}", file=sys.stderr)
        return 1
    print(f"助手已就绪（{assistant.ready_after:.0f}s）: {assistant.url}\n"
          f"另开一个终端运行 `make shell` 即可对话；Ctrl-C 停止。", flush=True)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"] and all(p.poll() is None for p in assistant.procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        assistant.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
