"""Step 0 — an English message read into the ``Turn`` the NLU would have given for it in Chinese.

The NLU is trained on Chinese; an English question reaches the policy with a meaningless intent
and no names.  ``knowledge.english`` reads it (a glossary kept as data, place names in pinyin);
this gives the policy the question kind and the names, so the usual steps answer it, in Chinese,
and the render step adds one English line saying what was understood.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Tuple

from actions.policy.turn import Turn
from knowledge.api import KnowledgeBase
from knowledge.english import EnglishReading, read_english

# When the English names a service and a place but asks nothing the glossary knows: where it can be used.
NAMES_ASK = (
    ("service", "place", "ask_coverage"),
    ("service", None, "ask_service_info"),
    ("product", None, "ask_services"),
)


def read(kb: KnowledgeBase, turn: Turn) -> Tuple[Turn, Optional[EnglishReading]]:
    """The turn as the policy should see it, and the English reading (None for a Chinese message)."""
    reading = read_english(turn.text, kb.places)
    if reading is None:
        return turn, None
    names = {
        "product": bool(reading.product_words),
        "service": bool(reading.service_words),
        "place": bool(reading.places),
        None: True,
    }
    intent = reading.intent or next(
        (ask for first, second, ask in NAMES_ASK if names[first] and names[second]), "english_help"
    )
    return (
        replace(
            turn,
            intent=intent,
            products=list(reading.product_words),
            services=list(reading.service_words),
            places=list(reading.places),
            ranking=[],
        ),
        reading,
    )
