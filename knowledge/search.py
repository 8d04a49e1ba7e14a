"""Free-text search over the store's passages (rules, facts, Q&A), for questions
nothing structured answers.  BM25 (rank_bm25) over jieba's search-mode tokens."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
_DROP = re.compile(r"^[\W_]+$")
STOPWORDS = frozenset(
    "的 了 吗 呢 啊 吧 是 我 你 在 有 和 与 及 或 要 能 可以 怎么 什么 如何 哪些 多少 请问 一下 这个 那个".split()
)
# Words every question about a service uses; they say what kind of question it is (which the
# intent already tells), not what detail it is about, so a focused search ignores them.
QUESTION_WORDS = frozenset(
    "用 能用 使用 再用 用来 做 去 到 会 还 还能 就 都 得 先 后 也 吧 一般 怎么办 怎么样 多久 多长 时间 长时间 多长时间 提前 "
    "申请 服务 不能 能不能 是不是 不是 有没有 没有 几个 帮 给 点 想 需要 还要 可不可以 一起 里面 出来 那天 今天 这样 哪里 "
    "哪儿 哪个 谁 几 次 多少钱 行不行 办 怎么 如何 么 嘛 "
    # the words of the question kinds themselves (材料 in "要准备什么材料" is the intent, not a detail)
    "材料 资料 准备 带 提交 费用 自费 次数 几次 条件 资格 流程 步骤 渠道 方式 电话 热线 客服 范围 城市 地方 "
    "以上 以下 以内 情况".split()
)


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
        self._by_product: Dict[str, List[int]] = {}
        self._by_service: Dict[int, List[int]] = {}
        for i, p in enumerate(self.passages):
            self._by_product.setdefault(p[0], []).append(i)
            if p[1] is not None:
                self._by_service.setdefault(p[1], []).append(i)

    def query(
        self,
        text: str,
        product_id: Optional[str] = None,
        limit: int = 5,
        service_id: Optional[int] = None,
        ignore: Iterable[str] = (),
    ) -> List[Tuple[Tuple, float]]:
        """Best passages for ``text``; ``ignore``: words not to score on (the service's own name, say).

        Only the passages in scope (one service's, one product's) are scored: IDF stays corpus-wide."""
        skip = set(ignore)
        tokens = [t for t in tokenize(text) if t not in skip]
        if not tokens:
            return []
        if service_id is not None:
            ids = self._by_service.get(service_id, [])
        elif product_id is not None:
            ids = self._by_product.get(product_id, [])
        else:
            ids = list(range(len(self.passages)))
        scores = self.bm25.get_batch_scores(tokens, ids) if ids else []
        ranked = sorted(
            ((self.passages[i], float(s)) for i, s in zip(ids, scores, strict=True) if s > 0), key=lambda x: -x[1]
        )
        return ranked[:limit]
