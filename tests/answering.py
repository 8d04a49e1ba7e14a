"""The answer policy asked one message, as the tests of its answers ask it (real store, no model)."""

from __future__ import annotations

from actions.policy import Answerer, Reply, Turn


def ask(bot: Answerer, text: str, intent: str, **context) -> Reply:
    """The reply to ``text`` read as ``intent``; ``context`` holds the Turn's names and slots."""
    return bot.answer(Turn(text=text, intent=intent, **context))
