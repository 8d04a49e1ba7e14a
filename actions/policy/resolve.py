"""Step 2 — resolve: which product and which service the question is about, through ``knowledge.api``.

The result is typed: a ``ServiceLookup`` either holds the service or says what is missing
(no service named, not in this product, several products offer it …) and the choices there are.
No wording here: the render step says it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from actions.policy.interpret import Question
from actions.policy.turn import Turn
from knowledge.api import KnowledgeBase, ProductInfo, ServiceInfo, ServiceMatch


@dataclass(frozen=True)
class ServiceLookup:
    """The service a question is about, or why there is none.

    ``problem``: None (found), "unnamed" (no service in the question or the context),
    "not_in_product" (the product has no such service), "did_you_mean" (no product offers the
    words; ``close`` holds the nearest names), "unknown" (nothing near) or "which_product"
    (``offering`` holds one service per product that has it).
    """

    words: Optional[str]
    service: Optional[ServiceInfo] = None
    problem: Optional[str] = None
    offering: List[ServiceInfo] = field(default_factory=list)
    close: List[ServiceMatch] = field(default_factory=list)
    product_services: List[ServiceInfo] = field(default_factory=list)


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
    """The products the message's product names mean (an insurer's name may mean several)."""
    found: List[ProductInfo] = []
    for mention in turn.products:
        for p in kb.find_products(mention):
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
        close = [m for m in kb.find_services(words, product) if m.score >= _CLOSE_ENOUGH]
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


def resolve(kb: KnowledgeBase, turn: Turn, question: Question) -> Resolved:
    """Product and service for the question, from this message's names and the conversation's slots."""
    named = mentioned_products(kb, turn)
    product_id = named[0].id if len(named) == 1 else turn.product
    product = kb.get_product(product_id) if product_id else None
    candidates = [] if product is not None else named
    return Resolved(product, candidates, named, lookup_service(kb, product, candidates, question.service_words))


_CLOSE_ENOUGH = 80
