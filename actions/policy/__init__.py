"""The answer policy: one message → one reply, in four steps with one job each.

    (english.py)              an English message read into the names and question kind the NLU missed
    interpret (interpret.py)  the NLU's reading + context → one ``Question`` (ordered, named rules)
    resolve   (resolve.py)    the question's product and service through ``knowledge.api``
    compose   (compose.py)    a structured ``Answer``: facts, focus sentence, sources, what is missing
    render    (wording.py)    the Chinese text per style (customer chat, the butlers' console)

``answer(kb, turn)`` runs them; the Rasa action, the channels and the console's drafts call it.
Thresholds are in calibration.py; what a message carries in is ``Turn`` (turn.py).
"""

from __future__ import annotations

from dataclasses import replace

from actions.policy.answer import Answer
from actions.policy.calibration import CALIBRATION, Calibration
from actions.policy.compose import compose
from actions.policy.english import read as read_english_turn
from actions.policy.interpret import Question, interpret
from actions.policy.reply import Reply
from actions.policy.resolve import Resolved, mentioned_products, resolve
from actions.policy.turn import QUESTION_INTENTS, Turn, join_places
from actions.policy.wording import render
from knowledge.api import KnowledgeBase

__all__ = [
    "Answer",
    "Answerer",
    "QUESTION_INTENTS",
    "Question",
    "Reply",
    "Resolved",
    "Turn",
    "answer",
    "join_places",
    "understand",
]


def understand(kb: KnowledgeBase, turn: Turn, cal: Calibration = CALIBRATION) -> Answer:
    """The structured answer to the message (interpret → resolve → compose), before any wording."""
    turn, english = read_english_turn(kb, turn)
    if turn.intent == "ask_coverage" and not turn.places:  # "平安住院陪护在杭洲能用吗" still names a place
        turn = replace(turn, heard_places=[alike.typed for alike in kb.misspelt_places(turn.text)])
    question = interpret(turn, len(mentioned_products(kb, turn)), cal)
    resolved = resolve(kb, turn, question)
    result = compose(kb, question, resolved)
    slots = dict(question.slots)
    if len(resolved.named) == 1:
        slots["product"] = resolved.named[0].id
    elif resolved.candidates and resolved.service is not None and resolved.service.product in resolved.candidates:
        # "众安那个尊享家财服务…": of 众安's products only one has the service; the follow-ups are about it
        slots["product"] = resolved.service.product.id
    if resolved.lookup.apart and resolved.service is not None:
        slots["service"] = resolved.service.name
    for key, value in slots.items():
        result.slots.setdefault(key, value)
    if english is not None:
        result.extra["english"] = [list(pair) for pair in english.understood]
    if result.keeps_pending:
        return result
    if result.asked in QUESTION_INTENTS:
        result.slots.setdefault("last_question", result.asked)
    result.slots.setdefault("pending", None)
    result.slots.setdefault("compared", None)
    return result


def answer(kb: KnowledgeBase, turn: Turn, style: str = "chat") -> Reply:
    """The reply to one message, worded for ``style`` (``chat`` for every channel, ``butler`` for drafts)."""
    return render(understand(kb, turn), style)


class Answerer:
    """The policy bound to one knowledge base (what the Rasa action and the console hold)."""

    def __init__(self, kb: KnowledgeBase, style: str = "chat") -> None:
        self.kb = kb
        self.style = style

    def answer(self, turn: Turn) -> Reply:
        return answer(self.kb, turn, self.style)
