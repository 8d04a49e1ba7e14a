"""What a detail question asks that a service's part of the manual does not state.

"平安陪护派来的护工能要求是女的吗" and "去外地做多学科会诊，路费和住宿有人报吗" ask about things the
manual never mentions; the closest sentence it has is not an answer, and the customer should hear
first that the manual does not say. No search score tells these questions apart from answerable
ones (benchmarks/bench_retrieval.py: 4 of 10 unanswerable questions still get a sentence), but two
plain facts about the text do, measured on the retrieval development set (knowledge/retrieval/dev.yml,
benchmarks/bench_gaps.py):

* a kind of value the question asks for (an amount, a time of day: lexicon/answer_types.yml) that
  no sentence of the service prints ("一次最多垫几万" where no sentence holds a sum in 元);
* a thing the question names (a noun, a time, a place, a foreign word, as jieba tags them) that
  neither the service's sentences nor the ways customers ask for them (retrieval/hooks/) mention,
  nor a word of the synonym lexicon for it, when the focused search found no sentence either;
  or, when it found one, a specific thing (a rare word) that the product's whole manual never
  mentions ("快递费", "专家费", "PD-1").

Both are statements about the manual's text that hold by construction; the policy words them as
"手册没有写明具体的金额" / "手册中没有提到“路费”" and then shows what the manual does say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from knowledge.search import QUESTION_WORDS, STOPWORDS, asked_types, synonym_groups

# jieba's part-of-speech tags of the words that name things: nouns (n, nz proper, vn verbal, ns
# place, nr person), times (t), places (s) and foreign words (eng). Verbs and adverbs are left out:
# customers' verbs rarely are the manual's (寄走, 审完, 递上去), and measured with them the rule
# fired on 75 of the 158 answerable development questions, against 4 with these tags.
NAMING_TAGS = frozenset({"n", "nz", "vn", "ns", "nr", "t", "s", "eng"})
# At most this many things are named in a reply ("没有提到“路费”“住宿”").
MAX_WORDS = 3
# A thing the question names that the product's whole manual never mentions is reported even when
# the focused search found a sentence, if it is a rarer word than this in jieba's dictionary (its
# frequency count): "快递费" (3), "专家费", "手环" name something specific the manual would have to
# state, "路上" (2706) or "床上" are how people talk. Chosen on the calibration halves of
# knowledge/retrieval/dev.yml and gaps_dev.yml together (benchmarks/bench_gaps.py --rare, and
# tests/test_policy_gaps.py checks it is still the calibrated one; 93 answerable,
# 34 unanswerable questions): of off, 50, 200, 1000, 5000 and no limit, the one with the most
# unanswerable questions told so net of the answerable ones told so too (off 17 / 4, 50: 21 / 6,
# 200: 22 / 7, 1000: 23 / 8, 5000: 26 / 9, no limit: 26 / 10), whether a false alarm costs as much
# as a miss or half (the sentence is still shown, after a line that is true of the manual: "手册中没有
# 提到“周三”"). On the check halves 4 -> 12 of 29 unanswerable told so, 2 -> 9 of 89 answerable too;
# on the second check set (dev_b.yml) 6 -> 12 of 25 and 3 -> 17 of 162.
RARE_WORD_FREQUENCY = 5000


@dataclass(frozen=True)
class Gap:
    """Something asked that the manual's sentences shown do not settle."""

    # "either_or" (neither thing named), "value" (no value of the kind printed), "words", "topic" (the
    # service states no fact of the kind asked and the sentence shown none either)
    kind: str
    things: Tuple[str, ...]  # the two things, the value's label, the words not mentioned, or the question
    # words of a service's part that the product's manual mentions elsewhere: the service they are
    # not mentioned for, and the product's services whose sentences do mention them
    service: Optional[str] = None
    elsewhere: Tuple[str, ...] = ()


def unprinted_value(question: str, texts: Iterable[str]) -> Optional[str]:
    """The label of the kind of value the question asks for, when no text prints one of any kind asked."""
    wanted = asked_types(question)
    if not wanted:
        return None
    texts = list(texts)
    if any(t.value.search(text) for t in wanted for text in texts):
        return None
    return wanted[0].label


def unmentioned_words(question: str, text: str, rarer_than: Optional[int] = None) -> Tuple[str, ...]:
    """The things the question names that ``text`` (lower-cased) never mentions, by any of the
    synonym lexicon's words for them either; with ``rarer_than``, only words that rare in jieba's
    dictionary."""
    import jieba
    import jieba.posseg as pseg

    out = []
    for word, tag in pseg.lcut(question):
        w = word.strip().lower()
        if len(w) < 2 or tag not in NAMING_TAGS or w in QUESTION_WORDS or w in STOPWORDS or w in out:
            continue
        if rarer_than is not None and jieba.dt.FREQ.get(w, 0) >= rarer_than:
            continue
        if w in text or any(_mentioned_as(w, group, question, text) for group in synonym_groups()):
            continue
        out.append(w)
    return tuple(out)


def _mentioned_as(word: str, group: Tuple[str, ...], question: str, text: str) -> bool:
    """The text has a word of a synonym group the question's word belongs to, or is part of as the
    question writes it ("生孩子", cut 生 / 孩子, is in the group of 分娩)."""
    ours = any(word == g or (word in g and g in question) for g in group)
    return ours and any(x.lower() in text for x in group)
