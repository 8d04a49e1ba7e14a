"""The answer policy's entry points, kept where the Rasa action, the console and the request desk import them.

The policy itself is the package ``actions.policy`` (interpret → resolve → compose → render).
"""

from __future__ import annotations

from actions.policy import QUESTION_INTENTS, Answerer, Reply, Turn, answer, join_places

__all__ = ["QUESTION_INTENTS", "Answerer", "Reply", "Turn", "answer", "join_places"]
