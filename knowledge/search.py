"""Free-text search over the store's passages (rules, facts, Q&A), for questions
nothing structured answers.  BM25 (rank_bm25) over jieba's search-mode tokens."""
from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
_DROP = re.compile(r"^[\W_]+$")
STOPWORDS = frozenset("的 了 吗 呢 啊 吧 是 我 你 在 有 和 与 及 或 要 能 可以 怎么 什么 如何 哪些 多少 请问 一下 这个 那个".split())


def tokenize(text: str) -> List[str]:
    """jieba's search-mode words (long words also as their sub-words), without stopwords and punctuation."""
    out: List[str] = []
    for w in jieba.cut_for_search(text.lower()):
        w = w.strip()
        if not w or _DROP.match(w) or w in STOPWORDS:
            continue
        out.append(w)
    return out


class PassageSearch:
    """BM25 index over (product_id, service_id, kind, title, text, section) tuples."""

    def __init__(self, passages: Sequence[Tuple]) -> None:
        self.passages = list(passages)
        self.bm25 = BM25Okapi([tokenize(f"{p[3]} {p[4]}") or ["∅"] for p in self.passages])

    def query(self, text: str, product_id: Optional[str] = None, limit: int = 5) -> List[Tuple[Tuple, float]]:
        tokens = tokenize(text)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        ranked = sorted(
            ((p, float(s)) for p, s in zip(self.passages, scores) if s > 0 and (product_id is None or p[0] == product_id)),
            key=lambda x: -x[1],
        )
        return ranked[:limit]
