"""Surface forms the store knows, by entity type, and a longest-match finder over them.

The bot's NLU (the jieba user dictionary and the entity extractor) is generated
from this at build time, so a service alias or a city added to the sources is
understood after the next training, with no second list kept by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from knowledge.places import DERIVED, SHORT, PlaceIndex, short_forms, strip_suffix

PRODUCT, SERVICE, PLACE = "product", "service", "place"
# Short forms of county-level cities that are everyday words more often than places.
_COMMON_WORDS = frozenset({"东方", "安宁", "大安", "和平", "开平", "长安", "永康", "合山", "北流", "新民", "安达", "凭祥", "合作"})


def place_forms(index: PlaceIndex) -> Dict[str, str]:
    """Place mentions worth spotting in free text: full names of every division; short forms of
    provinces, prefectures and county-level cities; curated aliases (typos, old names).

    Short forms of districts and ordinary counties are left out (通道, 光明, 城关 are words
    first); users who mean them type the suffix (光明区), which the full name catches.
    """
    forms: Dict[str, str] = {}
    for d in index.by_code.values():
        if not (len(d.name) <= 2 and d.name.endswith("区")):  # 城区, 郊区, 矿区, 东区 …
            forms[d.name] = d.name
        if d.level != "county" or d.name.endswith("市"):
            for f in short_forms(d.name):
                if f not in _COMMON_WORDS:
                    forms.setdefault(f, d.name)
    for alias, hits in index._names.items():
        if any(how == "alias" for how, _, _ in hits):
            forms[alias] = hits[0][1].name
    return forms


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int
    end: int
    text: str


class MentionFinder:
    """Longest-match, left-to-right finder of known product, service and place mentions."""

    def __init__(self, forms: Dict[str, Dict[str, str]]) -> None:
        # forms: entity type → {surface form: canonical}; products win over services over places.
        self.kind: Dict[str, str] = {}
        for entity in (PLACE, SERVICE, PRODUCT):
            for form in forms.get(entity, {}):
                if len(form) >= 2:
                    self.kind[form.lower()] = entity
        ordered = sorted(self.kind, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in ordered), re.IGNORECASE) if ordered else None

    def find(self, text: str) -> List[Mention]:
        if not text or self._pattern is None:
            return []
        out = []
        for m in self._pattern.finditer(text):
            out.append(Mention(self.kind[m.group(0).lower()], m.start(), m.end(), m.group(0)))
        return out


def store_forms(kb) -> Dict[str, Dict[str, str]]:
    """{entity: {surface form: canonical name}} from a KnowledgeBase."""
    products: Dict[str, str] = {}
    for p in kb.products():
        for a in (p.name, *p.aliases, *p.insurer_aliases):
            products.setdefault(a, p.name)
    services: Dict[str, str] = {}
    for s in kb.all_services():
        for a in (s.name, *s.aliases):
            services.setdefault(a, s.name)
            if a.endswith("服务") and len(a) > 4:
                services.setdefault(a[:-2], s.name)
    return {PRODUCT: products, SERVICE: services, PLACE: place_forms(kb.places)}
