"""The answer step's vocabulary: an ``Answer`` (what one reply says, before it is worded), the ``Need``
a handler works from, and the manual's sentence on the detail asked (``Focus``).

Kept apart from the handlers (``compose``) so that the modules that build answers of one kind
(``printed_lists``) and the render step (``wording``) share them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from actions.policy.interpret import Question, compared_pair
from actions.policy.resolve import Resolved
from actions.policy.text import named_in
from knowledge.api import FOCUS_MIN_SCORE, FactInfo, KnowledgeBase, ProductInfo, ServiceInfo, Source
from knowledge.gaps import Gap


@dataclass(frozen=True)
class Focus:
    """The manual's sentence on the detail a question is about (empty when there is none)."""

    text: str = ""
    sources: Tuple[Source, ...] = ()
    kind: Optional[str] = None  # the passage's kind: content, qa, note, …
    more: Tuple[str, ...] = ()  # a second sentence the search scores nearly as high (knowledge.api.second_focus)

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def texts(self) -> Tuple[str, ...]:
        return (self.text, *self.more) if self.text else ()


@dataclass
class Answer:
    """What one reply says, before it is worded (see ``wording.render``)."""

    shape: str  # which message this is (wording.SHAPES words each)
    kind: str  # the answer's type in the payload (coverage, rule, clarify …)
    product: Optional[ProductInfo] = None
    service: Optional[ServiceInfo] = None
    place: Optional[str] = None
    covered: Optional[bool] = None
    topic: Optional[str] = None  # the question asked (an intent), for the label of the answer
    facts: List[FactInfo] = field(default_factory=list)  # the facts shown, in order
    focus: Focus = Focus()
    sources: List[Source] = field(default_factory=list)
    missing: Optional[str] = None  # product / service / place
    options: List[str] = field(default_factory=list)  # what the customer can choose from
    data: Dict[str, Any] = field(default_factory=dict)  # the shape's own structured parts
    slots: Dict[str, Any] = field(default_factory=dict)  # slot updates the answer makes
    extra: Dict[str, Any] = field(default_factory=dict)  # structured payload fields
    keeps_pending: bool = False  # a place suggestion stays open (an acknowledgement)
    asked: Optional[str] = None  # the question it answers (another reading's, when that one answered)
    before: Optional["Answer"] = None  # said first (the safety answer before the answer to the question)
    gap: Optional[Gap] = None  # what is asked that the sentences shown do not settle (said first)

    @property
    def weak(self) -> bool:
        """Only says the manual does not say, or asks for the user's city (a coverage question
        without a place: often "能用吗" meant as "may I use it")."""
        return self.kind in ("not_stated", "coverage_summary")


@dataclass(frozen=True)
class Need:
    """Everything a handler works from: the store, the question and what it resolved to."""

    kb: KnowledgeBase
    q: Question
    r: Resolved

    @property
    def product(self) -> Optional[ProductInfo]:
        return self.r.product

    def with_intent(self, intent: str) -> "Need":
        return replace(self, q=replace(self.q, intent=intent))


Handler = Callable[[Need], Answer]


def facts_of(svc: ServiceInfo, kind: str) -> List[FactInfo]:
    """Facts of a kind, or of a sub-kind written "time.duration"."""
    kind, _, sub = kind.partition(".")
    return [f for f in svc.facts_of(kind) if not sub or f.data.get("kind") == sub]


def hit_source(hit: Dict[str, Any]) -> Source:
    """The source of a search hit (``KnowledgeBase.search`` gives it as a dict)."""
    return Source(hit["source"]["manual"], hit["source"]["title"], hit["source"]["section"])


def focus_on(n: Need, svc: Optional[ServiceInfo], shown: Sequence[str] = ()) -> Focus:
    """The manual's sentence about the detail asked (疑似, 转院, 特需部 …), and a second one when the
    search cannot tell the two apart, unless already shown."""
    hits = n.kb.focus_passages(n.q.detail, svc) if svc is not None else []
    pair = compared_pair(n.q.detail) if hits else ()
    if pair:  # "约门诊跟约住院，哪个快": the best sentence on each thing, not one naming both or neither
        ranking = n.kb.focus_ranking(n.q.detail, svc.id, None)
        each = [
            next((h for h in ranking if named_in(this, h["text"]) and not named_in(other, h["text"])), None)
            for this, other in (pair, pair[::-1])
        ]
        if all(h is not None and h["score"] >= FOCUS_MIN_SCORE for h in each):
            hits = each
    hits = [h for h in hits if not any(h["text"] in t for t in shown)]
    if not hits:
        return Focus()
    more = [h["text"] for h in hits[1:]]
    sources = [hit_source(h) for h in hits]
    if svc is not None:  # "（补贴规则见注意事项）": what it points to, beside it
        for fact in n.kb.referenced_facts(svc, hits[0]["text"]):
            if fact.text not in more and not any(fact.text in t for t in shown):
                more.append(fact.text)
                sources.append(svc.source(fact.section))
    return Focus(hits[0]["text"], tuple(sources), hits[0]["kind"], tuple(more))
