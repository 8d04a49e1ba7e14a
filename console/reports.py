"""The supervisors' report: conversations per day, the share handed to a person, what the assistant could not answer, requests."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Tuple

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from console.inbox import Inbox
from console.models import AuditEntry
from service_requests.desk import STATUS_CN, ServiceDesk
from service_requests.parsing import mask_personal


def _norm(text: str) -> str:
    return re.sub(r"[\s，。！？、,.!?~～]+", "", text.lower())


def report(inbox: Inbox, console_engine: Any, desk: ServiceDesk, days: int = 14) -> Dict[str, Any]:
    today = date.today()
    first = today - timedelta(days=days - 1)
    rows = inbox.all_rows()
    with Session(console_engine) as s:
        taken = {
            c
            for (c,) in s.execute(select(distinct(AuditEntry.conversation)).where(AuditEntry.action == "takeover"))
            if c
        }
    per_day: Dict[date, List[int]] = {first + timedelta(days=i): [0, 0] for i in range(days)}
    for r in rows:
        if r.first_at:
            d = datetime.fromtimestamp(r.first_at).date()
            if d in per_day:
                per_day[d][0] += 1
                per_day[d][1] += r.sender_id in taken
    groups: Dict[str, List[Any]] = {}
    for u in inbox.unanswered():
        key = _norm(u.text)
        if key:
            groups.setdefault(key, [mask_personal(u.text), 0, Counter()])
            groups[key][1] += 1
            groups[key][2][u.reason] += 1
    unanswered = sorted(
        ({"text": t, "count": n, "reasons": dict(c)} for t, n, c in groups.values()), key=lambda g: -g["count"]
    )
    requests = desk.all_requests(limit=5000)
    by_service: Dict[str, Counter] = defaultdict(Counter)
    promise: Dict[str, Counter] = defaultdict(Counter)
    for r in requests:
        by_service[r.service][r.status] += 1
        if r.due_at:
            first_move = next((datetime.fromisoformat(h["at"]) for h in r.history if h["from"] == "submitted"), None)
            kept = "met" if first_move and first_move <= r.due_at else "late" if first_move or r.overdue else "pending"
            promise[r.service][kept] += 1
    total = sum(v[0] for v in per_day.values())
    return {
        "days": [{"day": d.strftime("%m-%d"), "conversations": v[0], "handed": v[1]} for d, v in per_day.items()],
        "total": total,
        "handed": sum(v[1] for v in per_day.values()),
        "unanswered": unanswered[:30],
        "requests": [
            {"service": svc, "counts": dict(c), "total": sum(c.values())}
            for svc, c in sorted(by_service.items(), key=lambda kv: -sum(kv[1].values()))
        ],
        "statuses": STATUS_CN,
        "promise": [
            {"service": svc, **{k: c.get(k, 0) for k in ("met", "late", "pending")}}
            for svc, c in sorted(promise.items())
        ],
    }


def bars(values: List[Tuple[str, float]], width: int = 560, bar: int = 18) -> Dict[str, Any]:
    """Geometry of a horizontal bar chart (drawn as SVG in the page, so the reader's browser renders the Chinese labels)."""
    top = max([v for _, v in values] + [1])
    label_w = 150
    return {
        "width": width,
        "height": max(bar + 6, len(values) * (bar + 6)),
        "label_w": label_w,
        "rows": [
            {"label": label, "value": v, "y": i * (bar + 6), "w": (width - label_w - 50) * v / top, "h": bar}
            for i, (label, v) in enumerate(values)
        ],
    }
