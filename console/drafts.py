"""The answer draft for a customer's latest question: the assistant's own answer policy (actions.answers), with its sources.

The draft is what the assistant would answer now, from the conversation's slots and the NLU's
reading of the latest message (both from Rasa's tracker), made by the same ``Answerer`` that
answers in every channel — the console keeps no second copy of a rule.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from service_requests.parsing import mask_personal


def draft(tracker: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """{question, text, type, sources} for the tracker's latest user message, or None when there is none."""
    from rasa_sdk import Tracker

    from actions.actions import turn_from
    from actions.answers import Answerer
    from knowledge.api import KnowledgeBase

    latest = tracker.get("latest_message") or {}
    if not latest.get("text"):
        return None
    reply = Answerer(KnowledgeBase.open(), style="butler").answer(
        turn_from(Tracker.from_dict({**tracker, "events": tracker.get("events") or []}))
    )
    payload = reply.payload()["answer"]
    return {
        "question": mask_personal(latest["text"]),
        "text": reply.text,
        "type": reply.answer_type,
        "sources": payload["sources"],
        "covered": payload.get("covered"),
    }
