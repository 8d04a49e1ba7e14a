"""The manual's sentences made quotable: trimmed of list markers, each said once (no wording here)."""

from __future__ import annotations

import re
from typing import List, Sequence


def clean(text: str) -> str:
    """The manual's sentence, trimmed of list markers and trailing punctuation for quoting."""
    text = re.sub(r"^\s*(?:\d+[)）.、]|[（(]\d+[)）]|[-•·]|注[:：])\s*", "", text.strip())
    return text.rstrip("；;，,。 ") + "。"


def distinct(lines: Sequence[str]) -> List[str]:
    """The lines in order, without repeats and without those another line contains (minus its 。)."""
    out: List[str] = []
    for i, line in enumerate(lines):
        core = line.rstrip("。")
        if line in out or any(j != i and core in other and len(other) > len(line) for j, other in enumerate(lines)):
            continue
        out.append(line)
    return out


def named_in(words: str, text: str) -> bool:
    """The thing is named in the text: whole, or by one of its words of two characters or more."""
    import jieba

    from knowledge.search import QUESTION_WORDS, STOPWORDS

    if words in text:
        return True
    return any(len(w) >= 2 and w not in QUESTION_WORDS and w not in STOPWORDS and w in text for w in jieba.lcut(words))
