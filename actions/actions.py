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


def _mentions(tracker: Tracker, entity: str) -> List[tuple]:
    return [
        (e.get("start", 0), e.get("end", 0), e.get("value") or "")
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == entity and e.get("value")
    ]


def turn_from(tracker: Tracker, intent: Optional[str] = None) -> Turn:
    """The turn as the NLU read it (``intent`` given: as another step of the dialogue passes it on)."""
    intent = intent or (tracker.latest_message.get("intent") or {}).get("name") or "nlu_fallback"
    return Turn(
        text=tracker.latest_message.get("text") or "",
        intent=intent,
        products=[m[2] for m in sorted(_mentions(tracker, "product"))],
        services=[m[2] for m in sorted(_mentions(tracker, "service"))],
        places=join_places(_mentions(tracker, "place")),
        product=tracker.get_slot("product"),
        service=tracker.get_slot("service"),
        place=tracker.get_slot("place"),
        last_question=tracker.get_slot("last_question"),
        pending=tracker.get_slot("pending"),
        asked_before=_message_before(tracker) if tracker.get_slot("pending") else None,
        ranking=[
            (r.get("name"), float(r.get("confidence") or 0.0))
            for r in tracker.latest_message.get("intent_ranking") or []
        ],
    )


def _message_before(tracker: Tracker) -> Optional[str]:
    """The text of the customer's message before the latest one, if any."""
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) >= 2 and said[-2] else None


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
