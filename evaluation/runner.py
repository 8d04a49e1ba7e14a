"""Send every case through the assistant's REST channel and check the replies."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from evaluation.suite import Case, Expect, Suite


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@dataclass
class TurnResult:
    user: str
    reply: str
    answer: Optional[Dict[str, Any]]
    latency_ms: Optional[float]
    failures: List[str] = field(default_factory=list)
    intent: Optional[str] = None
    expected_intent: Optional[str] = None
    # Expected intent / entities not met: NLU diagnostics, reported beside the answer checks (the
    # user sees the answer, not the intent), so they do not fail the case on their own.
    nlu_failures: List[str] = field(default_factory=list)


@dataclass
class CaseResult:
    suite: str
    id: str
    tags: Dict[str, Any]
    turns: List[TurnResult]

    @property
    def passed(self) -> bool:
        return all(not t.failures for t in self.turns)

    @property
    def passed_strict(self) -> bool:
        """Passed, and the NLU gave every expected intent and entity too."""
        return self.passed and all(not t.nlu_failures for t in self.turns)

    def to_dict(self) -> Dict[str, Any]:
        return {**asdict(self), "passed": self.passed, "passed_strict": self.passed_strict}


def check(expect: Optional[Expect], reply: str, answer: Optional[Dict[str, Any]]) -> List[str]:
    """Every unmet expectation, as a short line for the report."""
    if expect is None:
        return [] if reply or answer else ["no reply"]
    failures: List[str] = []
    text = _squash(reply)
    if not reply and answer is None:
        failures.append("no reply")
    for fact in expect.facts:
        options = fact if isinstance(fact, list) else [fact]
        if not any(_squash(o) in text for o in options):
            failures.append(f"missing fact: {' | '.join(options)}")
    for banned in expect.not_:
        if _squash(banned) in text:
            failures.append(f"unexpected text: {banned}")
    if expect.covered_given:
        got = answer.get("covered") if answer else "no payload"
        if got != expect.covered:
            failures.append(f"covered: expected {json.dumps(expect.covered)}, got {json.dumps(got)}")
    if expect.type is not None:
        got_type = answer.get("type") if answer else None
        if got_type != expect.type:
            failures.append(f"type: expected {expect.type}, got {got_type}")
    return failures


class RestClient:
    """The assistant's REST channel (and, when available, its tracker API for intents, which needs the API token)."""

    def __init__(self, url: str, timeout: float = 30.0, token: Optional[str] = None) -> None:
        self.url = url
        self.base = url.split("/webhooks/")[0]
        self.timeout = timeout
        self.token = token

    def send(self, sender: str, message: str) -> List[Dict[str, Any]]:
        data = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        req = urllib.request.Request(self.url, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            body = json.loads(resp.read().decode("utf-8") or "[]")
        if not isinstance(body, list):
            raise ValueError(f"unexpected response: {str(body)[:200]}")
        return body

    def latest_intent(self, sender: str) -> Optional[Dict[str, Any]]:
        try:
            query = f"?{urllib.parse.urlencode({'token': self.token})}" if self.token else ""
            url = f"{self.base}/conversations/{urllib.parse.quote(sender)}/tracker{query}"
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                tracker = json.loads(resp.read().decode("utf-8"))
            latest = tracker.get("latest_message") or {}
            if latest.get("intent"):
                return latest
            # Rasa's core fallback reverts the message it answered ("rewind"), which empties latest_message;
            # the NLU's reading is still in the message's own event
            said = [e for e in tracker.get("events") or [] if e.get("event") == "user"]
            return said[-1].get("parse_data") if said else latest
        except (urllib.error.URLError, ValueError, OSError):
            return None


def run_case(client: RestClient, suite: Suite, case: Case, run_id: str) -> CaseResult:
    sender = f"eval-{run_id}-{case.id}"
    turns: List[TurnResult] = []
    for spec in case.turns:
        started = time.perf_counter()
        try:
            messages = client.send(sender, spec.user)
            latency = (time.perf_counter() - started) * 1000
        except (urllib.error.URLError, urllib.error.HTTPError, ValueError, OSError, TimeoutError) as exc:
            turns.append(TurnResult(spec.user, "", None, None, [f"server error: {exc}"]))
            continue
        reply = "\n".join(m["text"] for m in messages if isinstance(m, dict) and m.get("text"))
        answer = next(
            (
                m["custom"]["answer"]
                for m in messages
                if isinstance(m, dict) and isinstance(m.get("custom"), dict) and "answer" in m["custom"]
            ),
            None,
        )
        failures = check(spec.expect, reply, answer)
        result = TurnResult(spec.user, reply, answer, latency, failures)
        if spec.expect and (spec.expect.intent or spec.expect.entities):
            latest = client.latest_intent(sender)
            if latest is None:
                result.nlu_failures.append("intent: tracker API not available")
            else:
                result.intent = (latest.get("intent") or {}).get("name")
                result.expected_intent = spec.expect.intent
                if spec.expect.intent and result.intent != spec.expect.intent:
                    result.nlu_failures.append(f"intent: expected {spec.expect.intent}, got {result.intent}")
                found = {(e.get("entity"), e.get("value")) for e in latest.get("entities", [])}
                for entity, value in spec.expect.entities.items():
                    if (entity, value) not in found:
                        result.nlu_failures.append(f"entity: expected {entity}={value}")
        turns.append(result)
    return CaseResult(suite.suite, case.id, dict(case.tags), turns)


def run(
    suites: List[Suite], url: str, workers: int = 4, progress: bool = True, token: Optional[str] = None
) -> List[CaseResult]:
    """All cases of all suites, a few conversations at a time, with a progress bar on long runs."""
    client = RestClient(url, token=token)
    run_id = uuid.uuid4().hex[:6]
    jobs = [(s, c) for s in suites for c in s.cases]
    bar = None
    if progress and len(jobs) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="case", desc="evaluating")
    results: List[Optional[CaseResult]] = [None] * len(jobs)

    def work(i: int) -> None:
        s, c = jobs[i]
        results[i] = run_case(client, s, c, run_id)
        if bar is not None:
            bar.update(1)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work, range(len(jobs))))
    if bar is not None:
        bar.close()
    return [r for r in results if r is not None]
