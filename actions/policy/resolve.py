"""Step 2 — resolve: which product and which service the question is about, through ``knowledge.api``.

The result is typed: a ``ServiceLookup`` either holds the service or says what is missing
(no service named, not in this product, several products offer it …) and the choices there are.
No wording here: the render step says it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import List, Optional, Tuple

from actions.policy.interpret import Question
from actions.policy.turn import Turn
from knowledge.api import SERVICE_MATCH_CUTOFF, KnowledgeBase, ProductInfo, ServiceInfo, ServiceMatch


@dataclass(frozen=True)
class ServiceLookup:
    """The service a question is about, or why there is none.

    ``problem``: None (found), "unnamed" (no service in the question or the context),
    "not_in_product" (the product has no such service), "did_you_mean" (no product offers the
    words; ``close`` holds the nearest names), "unknown" (nothing near), "which_product"
    (``offering`` holds one service per product that has it), "per_product" (no name said whole,
    but a word of one service's name in each of the products named: ``offering`` holds them, one
    per product) or "not_offered" (a service asked
    for in other words, with a word no manual uses; ``offering`` holds the services whose names
    share one of its other words) or "misspelt" (``words`` sounds like a service's name written
    otherwise; ``close`` holds the services it may mean, to confirm before use).
    """

    words: Optional[str]
    service: Optional[ServiceInfo] = None
    problem: Optional[str] = None
    offering: List[ServiceInfo] = field(default_factory=list)
    close: List[ServiceMatch] = field(default_factory=list)
    product_services: List[ServiceInfo] = field(default_factory=list)
    apart: bool = False  # named by its words apart ("接我出院…交通"), not as written: kept for the follow-ups


@dataclass(frozen=True)
class Resolved:
    """The product of the conversation (or the candidates an insurer's name leaves) and the service."""

    product: Optional[ProductInfo]
    candidates: List[ProductInfo]  # the products a mention names when it names several (众安); else empty
    named: List[ProductInfo]  # every product the message's names mean
    lookup: ServiceLookup

    @property
    def service(self) -> Optional[ServiceInfo]:
        return self.lookup.service


def mentioned_products(kb: KnowledgeBase, turn: Turn) -> List[ProductInfo]:
    """The products the message's product names mean (an insurer's name may mean several).

    A name that says less than another one beside it gives way to it: an insurer's name that
    covers the other's product ("众安的增值服务": 众安医疗险增值服务, not every 众安 product), and a
    product name that other manuals use as an ordinary word ("众安PLUS都有哪些增值服务": PLUS).
    Names of different products that none of these relate (安盛 and 平安) all count.
    """
    readings = [(m, kb.find_products(m)) for m in turn.products]
    readings = [(m, ps) for m, ps in readings if ps]
    readings = [(m, ps) for m, ps in readings if not any(set(o) < set(ps) for _, o in readings)]
    if any(not kb.is_common_product_word(m) for m, _ in readings):
        readings = [(m, ps) for m, ps in readings if not kb.is_common_product_word(m)]
    found: List[ProductInfo] = []
    for _, products in readings:
        for p in products:
            if p not in found:
                found.append(p)
    return found


def lookup_service(
    kb: KnowledgeBase, product: Optional[ProductInfo], candidates: List[ProductInfo], words: Optional[str]
) -> ServiceLookup:
    """The service the words name: exactly in the product, else the product's closest, else the
    one product among those offering it (narrowed to the insurer's candidates)."""
    if not words:
        return ServiceLookup(words, problem="unnamed")
    if product is not None:
        svc = kb.service(product, words)
        if svc is not None:
            return ServiceLookup(words, svc)
        close = kb.find_services(words, product, cutoff=SERVICE_MATCH_CUTOFF)
        if close:
            return ServiceLookup(words, close[0].service)
        return ServiceLookup(
            words,
            problem="not_in_product",
            offering=kb.products_offering(words),
            product_services=kb.services_of(product),
        )
    offering = kb.products_offering(words)
    if candidates:  # 众安: narrow the insurer's products to those with the service
        offering = [s for s in offering if s.product in candidates] or offering
    if len(offering) == 1:
        return ServiceLookup(words, offering[0])
    if not offering:
        close = kb.find_services(words)
        return ServiceLookup(words, problem="did_you_mean" if close else "unknown", close=close)
    return ServiceLookup(words, problem="which_product", offering=offering)


@lru_cache(maxsize=4)
def manuals_text(kb: KnowledgeBase) -> str:
    """Every passage and service name of the store, as one text to look words up in."""
    passages = (f"{p[3]}\n{p[4]}" for p in kb.prepare_search().passages)
    names = (f"{s.name}\n" + "\n".join(s.aliases) for s in kb.all_services())
    return "\n".join([*passages, *names])


def described_service(kb: KnowledgeBase, product: Optional[ProductInfo], words: Tuple[str, ...]) -> ServiceLookup:
    """A service asked for in other words: not offered when one of its words is in no manual;
    the closest are the services (of the product, if known) whose names hold one of the others."""
    phrase = "".join(words)
    text = manuals_text(kb)
    if not words or all(w in text for w in words):
        return ServiceLookup(None, problem="unnamed")
    known = [w for w in words if len(w) >= 2 and w in text]

    def holds(s: ServiceInfo, w: str) -> bool:
        return any(w in a for a in (s.name, *s.aliases))

    # a word many services' names hold (医疗) says nothing of closeness; a rare one (上门) does
    rare = [w for w in known if sum(holds(s, w) for s in kb.all_services()) <= MAX_CLOSE]
    scope = kb.services_of(product) if product is not None else kb.all_services()
    close = [s for s in scope if any(holds(s, w) for w in rare)]
    return ServiceLookup(phrase, problem="not_offered", offering=close)


def resolve(kb: KnowledgeBase, turn: Turn, question: Question) -> Resolved:
    """Product and service for the question, from this message's names and the conversation's slots."""
    named = mentioned_products(kb, turn)
    product_id = named[0].id if len(named) == 1 else turn.product
    product = kb.get_product(product_id) if product_id else None
    candidates = [] if product is not None else named
    lookup = lookup_service(kb, product, candidates, question.service_words)
    if lookup.problem == "unnamed" and question.described_service:
        lookup = described_service(kb, product, question.described_service)
    if lookup.problem == "unnamed":
        lookup = (
            misspelt_service(kb, product, candidates, question.text)
            or service_said_apart(kb, product, candidates, question.detail)
            or service_of_each(kb, named, question.detail)
            or lookup
        )
    elif lookup.problem is None and question.service_words:
        # "海外就珍": a name's first characters (海外) are a name of their own, and with the slip after them
        # the stretch is a longer name misspelt; asked about, like any misspelt name, not used silently
        typo = misspelt_service(kb, product, candidates, question.text)
        words = question.service_words
        if typo is not None and typo.words and words in typo.words and words != typo.words:
            lookup = typo
    return Resolved(product, candidates, named, lookup)


def misspelt_service(
    kb: KnowledgeBase, product: Optional[ProductInfo], candidates: List[ProductInfo], text: str
) -> Optional[ServiceLookup]:
    """ "平安住院陪户在杭州能用吗": a stretch that sounds like a service's name, to be confirmed before
    it is used (problem "misspelt"; ``close`` holds what it may mean, ``words`` what was typed)."""
    for alike, matches in kb.misspelt_services(text, product):
        if candidates:
            matches = [m for m in matches if m.service.product in candidates] or matches
        return ServiceLookup(alike.typed, problem="misspelt", close=matches, offering=[m.service for m in matches])
    return None


def service_of_each(kb: KnowledgeBase, named: List[ProductInfo], detail: str) -> Optional[ServiceLookup]:
    """ "会诊时间定了…平安的和众安PLUS的分别得提前多久": two products named and a word that is part of one
    service's name in each (会诊) — those services, one per product, to be set side by side."""
    found = kb.services_named_by_a_word(detail, named) if len(named) >= 2 else []
    return ServiceLookup(None, problem="per_product", offering=found) if found else None


def service_said_apart(
    kb: KnowledgeBase, product: Optional[ProductInfo], candidates: List[ProductInfo], detail: str
) -> Optional[ServiceLookup]:
    """ "家里人自己开车接我出院，平安能给点交通补贴吗": no name as written, but every word of one
    (出院交通) — the one service of the product (or of the insurer's products) so named."""
    found = kb.services_named_apart(detail, product)
    if candidates:
        found = [s for s in found if s.product in candidates]
    if len(found) != 1:
        return None
    return ServiceLookup(found[0].name, found[0], apart=True)


# More services than this sharing a word are not "close": the word is too common to say so.
MAX_CLOSE = 3
