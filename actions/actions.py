"""Custom actions (served by rasa-sdk): read the turn from the tracker, ask ``actions.answers``, utter the reply.

The reply's text goes out with its structured payload ({"answer": {...}}) in the same response,
for the butlers' console and the evaluation runs.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import Answerer, Turn, join_places
from knowledge.api import KnowledgeBase, StoreNotBuilt

# The slots the answer policy reads from the tracker.
TURN_SLOTS = ("product", "service", "place", "last_question", "pending", "compared")


def _mentions(message: Dict[str, Any], entity: str) -> List[tuple]:
    return [
        (e.get("start", 0), e.get("end", 0), e.get("value") or "")
        for e in message.get("entities") or []
        if e.get("entity") == entity and e.get("value")
    ]


def turn_of(message: Dict[str, Any], slots: Dict[str, Any], said: List[str], intent: Optional[str] = None) -> Turn:
    """The turn of a message as the NLU read it (Rasa's parse data), with the conversation's slots and
    the customer's messages so far (``intent`` given: as another step of the dialogue passes it on).
    The action server and benchmarks/bench_policy_dev.py both build their turns here."""
    intent = intent or (message.get("intent") or {}).get("name") or "nlu_fallback"
    before = said[-2] if len(said) >= 2 and said[-2] else None
    return Turn(
        text=message.get("text") or "",
        intent=intent,
        products=[m[2] for m in sorted(_mentions(message, "product"))],
        services=[m[2] for m in sorted(_mentions(message, "service"))],
        places=join_places(_mentions(message, "place")),
        **{k: slots.get(k) for k in TURN_SLOTS if k != "compared"},
        compared=tuple(slots.get("compared") or ()),
        asked_before=before if slots.get("pending") else None,
        ranking=[(r.get("name"), float(r.get("confidence") or 0.0)) for r in message.get("intent_ranking") or []],
    )


def turn_from(tracker: Tracker, intent: Optional[str] = None) -> Turn:
    """The turn of the tracker's latest message (see ``turn_of``)."""
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    slots = {k: tracker.get_slot(k) for k in TURN_SLOTS}
    return turn_of(tracker.latest_message, slots, said, intent)


try:  # load the store and its search index when the action server starts, not on the first question
    KnowledgeBase.open().prepare_search()
except StoreNotBuilt:
    pass


class ActionAnswer(Action):
    """Answers every question about the services from the knowledge store."""

    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        try:
            kb = KnowledgeBase.open()
        except StoreNotBuilt:
            dispatcher.utter_message(text="抱歉，知识库暂时不可用，请稍后再试或拨打保单上的客服热线。")
            return []
        reply = Answerer(kb).answer(turn_from(tracker))
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None, json_message=reply.payload())
        return [SlotSet(k, v) for k, v in reply.slots.items() if tracker.get_slot(k) != v]
