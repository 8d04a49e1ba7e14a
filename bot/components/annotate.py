"""Propose entity annotations for NLU examples, as the bot's extractor would mark them.

    python -m bot.components.annotate "平安的陪诊在毫州能用吗"   →   [平安](product)的[陪诊](service)在[毫州](place)能用吗

A first pass for whoever writes NLU data; every proposal must still be read by a person
(remove a mark that is not really a product / service / place in context).
"""

from __future__ import annotations

import sys

from bot.components.jieba_dictionary import word_spans
from knowledge.api import KnowledgeBase
from knowledge.vocabulary import MentionFinder, store_forms


def annotate(text: str, finder: MentionFinder) -> str:
    out, pos = [], 0
    for m in finder.find(text, word_spans(text)):
        out.append(text[pos : m.start])
        out.append(f"[{m.text}]({m.entity})")
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


if __name__ == "__main__":
    finder = MentionFinder(store_forms(KnowledgeBase()))
    lines = sys.argv[1:] or [line.rstrip("\n") for line in sys.stdin]
    for line in lines:
        print(annotate(line, finder))
