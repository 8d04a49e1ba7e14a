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
    """The thing is named in the text: whole, or by most of its words of two characters or more."""
    import jieba

    from knowledge.search import STOPWORDS

    if words in text:
        return True
    # a question's own words count here (电话 of "电话沟通" is the thing, not a question of whom to call)
    own = [w for w in jieba.lcut(words) if len(w) >= 2 and w not in STOPWORDS]
    # most of its words: "网上视频会诊" by 视频 and 会诊; not "电话沟通" by 沟通 alone (the telling word is 电话)
    return sum(w in text for w in own) * 2 > len(own)
