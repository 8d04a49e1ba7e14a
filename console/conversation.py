"""One conversation as a butler reads it: every message from the tracker store's events, with each answer's type, sources and verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from console.store import events_table


@dataclass
class Entry:
    """A line of the conversation: the customer, the assistant, a butler, or what happened (paused, resumed)."""

    event_id: int
    kind: str  # user | bot | butler | system
    text: str
    at: datetime
    intent: Optional[str] = None
    confidence: Optional[float] = None
    answer: Dict[str, Any] = field(default_factory=dict)  # type, sources, covered, place … (the payload)
    buttons: List[str] = field(default_factory=list)
    who: Optional[str] = None

    def as_json(self) -> Dict[str, Any]:
        return {
            "id": self.event_id,
            "kind": self.kind,
            "text": self.text,
            "at": self.at.strftime("%m-%d %H:%M:%S"),
            "intent": self.intent,
            "answer": self.answer,
            "buttons": self.buttons,
            "who": self.who,
        }


def entries(events_engine: Any, sender: str, after: int = 0) -> List[Entry]:
    """The conversation's lines after event ``after``, oldest first."""
    table = events_table(events_engine)
    if table is None:
        return []
    with events_engine.connect() as conn:
        rows = conn.execute(
            select(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
            .where(table.c.sender_id == sender, table.c.id > after)
            .order_by(table.c.id)
        ).all()
    out: List[Entry] = []
    for event_id, type_name, timestamp, raw in rows:
        d = json.loads(raw)
        at = datetime.fromtimestamp(timestamp or 0)
        if type_name == "user":
            intent = (d.get("parse_data") or {}).get("intent") or {}
            out.append(Entry(event_id, "user", d.get("text") or "", at, intent.get("name"), intent.get("confidence")))
        elif type_name == "bot":
            data = d.get("data") or {}
            butler = (d.get("metadata") or {}).get("butler")
            answer = ((data.get("custom") or {}).get("answer")) or {}
            if not d.get("text") and out and out[-1].kind == "bot" and answer:  # the payload of the answer above it
                out[-1].answer = answer
                continue
            if not d.get("text") and not answer:
                continue
            out.append(
                Entry(
                    event_id,
                    "butler" if butler else "bot",
                    d.get("text") or "",
                    at,
                    answer=answer,
                    buttons=[b.get("title") or "" for b in data.get("buttons") or []],
                    who=butler,
                )
            )
        elif type_name in ("pause", "resume"):
            who = (d.get("metadata") or {}).get("butler")
            text = f"健康管家 {who} 接管了对话，助手暂停回复" if type_name == "pause" else f"健康管家 {who} 交还给助手"
            out.append(Entry(event_id, "system", text, at, who=who))
    return out
