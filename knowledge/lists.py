"""What a printed list of a service holds: the names its items go by, and which item a customer's
words name.

The manuals print lists of very different items: disease names ("终末期肾病（或称慢性肾功能衰竭尿毒症期）"),
a category and an item ("上门护理类：伤口换药"), an item and its description ("建卡取号：陪诊员协助…").
A customer asks "尿毒症算不算", "能做雾化吗"; the item is found when one of its names contains the
customer's words (or a word the synonym lexicon gives for them), or the customer's words contain it.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from knowledge.search import expand, synonym_groups

_ALIAS = re.compile(r"[（(]或称([^）)]+)[）)]")
# "1）测量体温并记录；2）测量呼吸并记录" / "化学治疗、放射治疗、…，以及需全身麻醉的门诊手术": the parts an item enumerates
_PART_SPLIT = re.compile(r"\d+\s*[）)]|[；;、，。：:]|(?<!\d),|,(?!\d)|以及")
_CLAUSE_SPLIT = re.compile(r"\d+\s*[）)]|[；;。]")
# a clause that says what is NOT given ("陪诊员不提供院后代取报告、代配药"): its parts are no items
_NEGATED = re.compile(r"不提供|不包括|不包含|不含|不支持|不负责|除外")
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
# "修剪指/趾甲": one character or the other at one place of a name
_ONE_OR_OTHER = re.compile(r"(.)/(.)")
_SENTENCE = re.compile(r"[，,。；;）)]")
_PUNCT = re.compile(r"[\W_]+")
# a name is short; the long part of "建卡取号：陪诊员协助或代替客户…" is its description
MAX_NAME_CHARS = 16


def item_names(item: str) -> Tuple[str, ...]:
    """The names an item goes by: "上门护理类：伤口换药" → (上门护理类, 伤口换药); "建卡取号：陪诊员协助…" →
    (建卡取号,); "终末期肾病（或称慢性肾功能衰竭尿毒症期）" → (终末期肾病, 慢性肾功能衰竭尿毒症期)."""
    text = item.strip().rstrip("；;。、，,")
    aliases = [m.group(1).strip() for m in _ALIAS.finditer(text)]
    text = _ALIAS.sub("", text)
    head, colon, tail = (re.split(r"(：|:)", text, maxsplit=1) + ["", ""])[:3]
    names = [p.strip() for p in head.split(" / ") if p.strip()]
    tail = tail.strip()
    if colon and tail and len(tail) <= MAX_NAME_CHARS and not _SENTENCE.search(tail):
        names.append(tail)
    return tuple(dict.fromkeys([n[: MAX_NAME_CHARS * 2] for n in names] + aliases))


def item_parts(item: str) -> Tuple[str, ...]:
    """The things an item enumerates, when it enumerates some: "个人卫生照护：…1）面部清洁；…5）修剪指/趾甲"
    → (…, 面部清洁, …, 修剪指甲, 修剪趾甲); "化学治疗、放射治疗、肿瘤靶向疗法…" → (化学治疗, 放射治疗, …).
    A part is short (a name, not a sentence); "指/趾" gives both names."""
    text = _ALIAS.sub("", item)
    head, colon, tail = text.partition("：") if "：" in text else text.partition(":")
    body = _ASIDE.sub("", tail if colon else head)
    if not re.search(r"\d+\s*[）)]|[、；;]", body):
        return ()
    numbered = re.search(r"\d+\s*[）)]", body)
    if numbered:  # "根据客户实际情况，协助并完成实施：1）…": what comes before the numbers introduces them
        body = body[numbered.start() :]
    out = []
    parts = [
        p for clause in _CLAUSE_SPLIT.split(body) if not _NEGATED.search(clause) for p in _PART_SPLIT.split(clause)
    ]
    for part in parts:
        part = part.strip().lstrip("及和与").strip()
        if not 2 <= len(part) <= MAX_NAME_CHARS:
            continue
        out += [p.strip() for p in part.split("/") if len(p.strip()) >= 2]  # "翻身/拍背"
        m = _ONE_OR_OTHER.search(part)
        if m:  # "修剪指/趾甲"
            out += [part[: m.start()] + m.group(1) + part[m.end() :], part[: m.start()] + m.group(2) + part[m.end() :]]
    return tuple(dict.fromkeys(p for p in out if p not in item_names(item)))


def item_name(item: str) -> str:
    """The name an item is shown by: the last short name before its description ("伤口换药")."""
    names = item_names(_ALIAS.sub("", item))
    return names[-1] if names else item


def find_item(
    items: Sequence[str], words: str, groups: Optional[Iterable[Sequence[str]]] = None, min_chars: int = 2
) -> Optional[str]:
    """The item the customer's ``words`` name, or None.  Words shorter than ``min_chars`` never match."""
    found = find_item_name(items, words, groups, min_chars)
    return found[0] if found else None


def find_item_name(
    items: Sequence[str], words: str, groups: Optional[Iterable[Sequence[str]]] = None, min_chars: int = 2
) -> Optional[Tuple[str, str]]:
    """The item the customer's ``words`` name and the name they matched: one of the item's names, or
    else one of the parts it enumerates (``item_parts``: a part must hold the words, or be held by
    them with three characters or more, and no other item's part may match)."""
    words = words.strip()
    if len(words) < max(2, min_chars):
        return None
    wanted = [words] + [w for w in expand(words, synonym_groups() if groups is None else tuple(groups)) if len(w) >= 2]
    for item in items:
        for name in item_names(item):
            if any(w in name or (len(name) >= 2 and name in w) for w in wanted):
                return item, name
    # by the parts: the words must name a part of one item only ("协助" is in 协助进食 and 协助排痰: neither)
    hits = [
        (item, part)
        for item in items
        for part in item_parts(item)
        if any(w in part or (len(part) >= 3 and part in w) for w in wanted)
    ]
    return hits[0] if len({item for item, _ in hits}) == 1 else None


# An item is asked by a customer's words when this share of the character pairs of one of the ways
# customers ask for it (knowledge/retrieval/item_hooks.yml) is in the question, each pair weighed by
# its inverse frequency over all the ways, and at least ITEM_ASK_MIN_PAIRS pairs are. Measured on
# benchmarks/data/list_items_dev.yml (benchmarks/bench_list_items.py --served: at 0.3, 6 -> 17 of the
# calibration half's 72 items given, check half 10 -> 15 of 64, one more false) but NOT ADOPTED (None:
# off): pairs of characters cannot tell 翻译病史 from 费用直付服务 in "中文病历国外医生看不懂" (0.74), and
# the suite and the conversations' development set gained nothing. The data and the benchmark stay
# for the next matcher (the focused search's BM25 over the ways, as for the sentences' hooks).
ITEM_ASK_MIN_SHARE: Optional[float] = None
ITEM_ASK_MIN_PAIRS = 2


def content_pairs(text: str) -> Set[str]:
    """The character pairs of a text's runs of content words (question words and stopwords, as
    jieba cuts them, taken out; the runs between kept apart)."""
    import jieba

    from knowledge.search import QUESTION_WORDS, STOPWORDS, char_bigrams

    drop = QUESTION_WORDS | STOPWORDS
    kept = "".join(
        w if w.strip() and w not in drop and not _PUNCT.fullmatch(w) else " " for w in jieba.lcut(text.lower())
    )
    return {pair for pair in char_bigrams(kept) if len(pair) == 2}


def item_asked(
    question: str,
    asks: Dict[str, Sequence[str]],
    min_share: Optional[float] = None,
    min_pairs: Optional[int] = None,
    weights: Optional[Dict[str, float]] = None,
) -> Optional[Tuple[str, float]]:
    """The item whose ways of being asked the question says most of (``asks``: by item), with that
    share, when it is at least ``min_share`` (and ``min_pairs`` pairs; the module's values by default,
    None when the share is off) and no other item's is as high. With ``weights`` (by pair), a share weighs each pair
    so (a pair many ways share, 帮忙 or 安排, says less of one item than 吸痰)."""
    least_share = ITEM_ASK_MIN_SHARE if min_share is None else min_share
    least_pairs = ITEM_ASK_MIN_PAIRS if min_pairs is None else min_pairs
    if least_share is None:  # off
        return None
    said = content_pairs(question)
    weight = (lambda p: weights.get(p, 1.0)) if weights else (lambda p: 1.0)
    best: List[Tuple[float, str]] = []
    for item, ways in asks.items():
        share = 0.0
        for way in ways:
            pairs = content_pairs(way)
            common = pairs & said
            if pairs and len(common) >= least_pairs:
                share = max(share, sum(map(weight, common)) / sum(map(weight, pairs)))
        best.append((share, item))
    best.sort(reverse=True)
    if not best or best[0][0] < least_share or best[0][0] == 0 or (len(best) > 1 and best[1][0] == best[0][0]):
        return None
    return best[0][1], best[0][0]


def pair_weights(ways: Iterable[str]) -> Dict[str, float]:
    """Each character pair's inverse document frequency over the ways of asking (log N / df)."""
    import math

    docs = [content_pairs(w) for w in ways]
    df: Dict[str, int] = {}
    for d in docs:
        for p in d:
            df[p] = df.get(p, 0) + 1
    return {p: math.log((len(docs) + 1) / (n + 0.5)) for p, n in df.items()}


class WaysIndex:
    """The ways customers ask for the items of every printed list, each a document of a BM25 index
    over words and over character pairs (as the focused search scores its sentences' hooks): an
    item's score for a question is its best way's."""

    def __init__(self, ways: Dict[Tuple[str, str, str], Sequence[str]]) -> None:
        """``ways``: by (product, service, item)."""
        from rank_bm25 import BM25Okapi

        from knowledge.search import char_bigrams, tokenize

        self._docs = [(key, way) for key, all_ways in ways.items() for way in all_ways] or [(("", "", ""), "")]
        self._words = BM25Okapi([tokenize(w) or ["∅"] for _, w in self._docs])
        self._chars = BM25Okapi([char_bigrams(w) or ["∅"] for _, w in self._docs])

    def scores(self, question: str, product: str, service: str) -> Dict[str, float]:
        """By item of the service's list: its best way's score for the question."""
        from knowledge.search import char_bigrams, tokenize

        words, chars = self._words.get_scores(tokenize(question)), self._chars.get_scores(char_bigrams(question))
        out: Dict[str, float] = {}
        for i, ((p, s, item), _) in enumerate(self._docs):
            if p == product and s == service:
                out[item] = max(out.get(item, 0.0), float(words[i] + chars[i]))
        return out


# The score a way must reach, with WaysIndex (None: the share of pairs, item_asked, is used instead);
# measured by benchmarks/bench_list_items.py, no better than the pairs, not adopted.
ITEM_WAYS_MIN_SCORE: Optional[float] = None
