"""A plain retrieval baseline: BM25 over the raw manual text, served on the assistant's REST shape.

It answers every message with the best-matching passage of the five manuals and no structured
payload, so the evaluation report can say how far the assistant is ahead of a search box.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import List, Tuple

from rank_bm25 import BM25Okapi

from knowledge.config import MANUALS_DIR
from knowledge.search import tokenize

WINDOW = 240  # characters per passage: about one paragraph of a manual


def passages(manuals_dir: Path = MANUALS_DIR) -> List[Tuple[str, str]]:
    """(manual file, passage) pairs: the manuals' text cut into paragraph-sized windows."""
    out: List[Tuple[str, str]] = []
    for path in sorted(manuals_dir.glob("*.txt")):
        lines = [re.sub(r"\s+", " ", x).strip() for x in path.read_text("utf-8").splitlines()]
        chunk = ""
        for line in filter(None, lines):
            chunk = f"{chunk} {line}".strip()
            if len(chunk) >= WINDOW:
                out.append((path.name, chunk))
                chunk = ""
        if chunk:
            out.append((path.name, chunk))
    return out


class Baseline:
    def __init__(self, manuals_dir: Path = MANUALS_DIR) -> None:
        self.passages = passages(manuals_dir)
        self.bm25 = BM25Okapi([tokenize(p) or ["∅"] for _, p in self.passages])

    def answer(self, message: str) -> str:
        tokens = tokenize(message)
        if not tokens:
            return ""
        scores = self.bm25.get_scores(tokens)
        best = max(range(len(scores)), key=scores.__getitem__)
        return self.passages[best][1] if scores[best] > 0 else ""


def serve(port: int, baseline: Baseline) -> ThreadingHTTPServer:
    """Start the baseline's REST endpoint in a background thread; the caller shuts it down."""

    class Handler(BaseHTTPRequestHandler):
        def _json(self, code: int, body: object) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            self._json(200, {"status": "ok"})

        def do_POST(self) -> None:  # noqa: N802
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                text = baseline.answer(str(body.get("message", "")))
                self._json(200, [{"recipient_id": body.get("sender"), "text": text}] if text else [])
            except (ValueError, AttributeError):
                self._json(400, {"error": "bad request"})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
