"""The inbox: every conversation of the tracker store, newest first, with what a butler needs to see at a glance.

Rasa 3.6 has no "list conversations" API; the console reads Rasa's ``events`` table (the
tracker store) and keeps a summary row per conversation in its own database.  ``refresh`` looks
at the events written since its cursor — re-reading a margin before it, because on PostgreSQL a
row with a lower id can become visible after one with a higher id — and recomputes the summary
of every conversation they belong to from that conversation's events, so reading an event twice
changes nothing.  Flags: the customer asked for a person (``human_handoff``), the assistant did
not know (NLU fallback or a "fallback" answer), a request form is open, a butler holds it
(paused).  The first two are cleared when a butler hands the conversation back.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, delete, distinct, select
from sqlalchemy.orm import Session

from console.models import ConversationRow, Cursor, Unanswered
from console.store import events_table

SLACK = 500  # event ids re-read behind the cursor
SEARCHABLE_CHARS = 20_000
FLAGS = {"human": "asked_for_person", "fallback": "fell_back", "request": "request_open", "paused": "paused"}
FLAG_CN = {"human": "要求转人工", "fallback": "助手未能回答", "request": "申请办理中", "paused": "管家接管中"}
FORM = "service_request_form"


def summarise(sender: str, rows: Sequence[Tuple[int, str, float, str]]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(the ConversationRow fields, the unanswered questions) of a conversation's events (id, type, timestamp, JSON)."""
    out: Dict[str, Any] = {
        "sender_id": sender,
        "channel": None,
        "product": None,
        "last_text": None,
        "last_from": None,
        "last_at": None,
        "first_at": None,
        "last_event_id": 0,
        "user_turns": 0,
        "asked_for_person": False,
        "fell_back": False,
        "request_open": False,
        "paused": False,
    }
    unanswered: List[Dict[str, Any]] = []
    texts: List[str] = []
    last_user: Optional[Tuple[int, str, float]] = None
    for event_id, type_name, timestamp, raw in rows:
        d = json.loads(raw)
        out["last_event_id"] = event_id
        out["first_at"] = out["first_at"] or timestamp
        if type_name == "user":
            text = d.get("text") or ""
            intent = ((d.get("parse_data") or {}).get("intent") or {}).get("name")
            out.update(
                last_text=text, last_from="user", last_at=timestamp, channel=d.get("input_channel") or out["channel"]
            )
            out["user_turns"] += 1
            texts.append(text)
            last_user = (event_id, text, timestamp)
            if intent == "human_handoff":
                out["asked_for_person"] = True
            if intent == "nlu_fallback" and not out["request_open"]:  # inside a form: an answer to it, not a question
                out["fell_back"] = True
                unanswered.append(
                    {"event_id": event_id, "sender_id": sender, "text": text, "reason": "nlu_fallback", "at": timestamp}
                )
        elif type_name == "bot":
            text = d.get("text") or ""
            butler = (d.get("metadata") or {}).get("butler")
            answer = ((d.get("data") or {}).get("custom") or {}).get("answer") or {}
            out.update(last_text=text or out["last_text"], last_from="butler" if butler else "bot", last_at=timestamp)
            texts.append(text)
            if answer.get("type") in ("fallback", "out_of_scope") and last_user and not out["request_open"]:
                out["fell_back"] = out["fell_back"] or answer["type"] == "fallback"
                unanswered.append(
                    {
                        "event_id": last_user[0],
                        "sender_id": sender,
                        "text": last_user[1],
                        "reason": answer["type"],
                        "at": last_user[2],
                    }
                )
        elif type_name == "slot" and d.get("name") == "product" and d.get("value"):
            out["product"] = d["value"]
        elif type_name == "active_loop":
            out["request_open"] = d.get("name") == FORM
        elif type_name == "pause":
            out["paused"] = True
        elif type_name == "resume":  # a butler handed it back: what was asked of a person is done
            out.update(paused=False, asked_for_person=False, fell_back=False)
    out["searchable"] = "\n".join(texts)[-SEARCHABLE_CHARS:]
    return out, list({u["event_id"]: u for u in unanswered}.values())


class Inbox:
    def __init__(self, console_engine: Any, events_engine: Any) -> None:
        self.console = console_engine
        self.events = events_engine

    def refresh(self) -> int:
        """Bring the summaries up to date with the tracker store; the number of conversations updated."""
        table = events_table(self.events)
        if table is None:
            return 0
        with Session(self.console) as s:
            cursor = s.get(Cursor, "events")
            since = cursor.event_id if cursor else 0
        with self.events.connect() as conn:
            top = conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0
            if top <= since:
                return 0
            senders = [
                r[0] for r in conn.execute(select(distinct(table.c.sender_id)).where(table.c.id > since - SLACK))
            ]
            summaries = []
            for sender in senders:
                rows = conn.execute(
                    select(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
                    .where(table.c.sender_id == sender)
                    .order_by(table.c.id)
                ).all()
                summaries.append(summarise(sender, [tuple(r) for r in rows]))
        with Session(self.console) as s, s.begin():
            for fields, unanswered in summaries:
                s.merge(ConversationRow(**fields))
                s.execute(delete(Unanswered).where(Unanswered.sender_id == fields["sender_id"]))
                s.add_all([Unanswered(**u) for u in unanswered])
            s.merge(Cursor(name="events", event_id=top))
        return len(summaries)

    def conversations(
        self,
        flag: Optional[str] = None,
        product: Optional[str] = None,
        channel: Optional[str] = None,
        query: Optional[str] = None,
        limit: int = 200,
    ) -> List[ConversationRow]:
        q = select(ConversationRow).order_by(ConversationRow.last_at.desc()).limit(limit)
        if flag in FLAGS:
            q = q.where(getattr(ConversationRow, FLAGS[flag]).is_(True))
        if product:
            q = q.where(ConversationRow.product == product)
        if channel:
            q = q.where(ConversationRow.channel == channel)
        if query:
            words = [w for w in query.split() if w][:5]
            like = [ConversationRow.searchable.contains(w, autoescape=True) for w in words]
            q = q.where(and_(*like))
        with Session(self.console) as s:
            return list(s.execute(q).scalars())

    def conversation(self, sender: str) -> Optional[ConversationRow]:
        with Session(self.console) as s:
            return s.get(ConversationRow, sender)

    def channels(self) -> List[str]:
        with Session(self.console) as s:
            return [c for (c,) in s.execute(select(distinct(ConversationRow.channel))) if c]

    def unanswered(self, limit: int = 2000) -> List[Unanswered]:
        with Session(self.console) as s:
            return list(s.execute(select(Unanswered).order_by(Unanswered.at.desc()).limit(limit)).scalars())

    def all_rows(self) -> Iterable[ConversationRow]:
        with Session(self.console) as s:
            return list(s.execute(select(ConversationRow)).scalars())
