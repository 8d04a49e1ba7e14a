"""Surface forms the store knows, by entity type, and a longest-match finder over them.

The bot's NLU (the jieba user dictionary and the entity extractor) is generated
from this at build time, so a service alias or a city added to the sources is
understood after the next training, with no second list kept by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from knowledge.places import PlaceIndex, short_forms, strip_suffix

PRODUCT, SERVICE, PLACE = "product", "service", "place"
# Short forms of county-level cities that are everyday words more often than places.
_COMMON_WORDS = frozenset(
    {"东方", "安宁", "大安", "和平", "开平", "长安", "永康", "合山", "北流", "新民", "安达", "凭祥", "合作"}
)


def place_forms(index: PlaceIndex) -> Dict[str, str]:
    """Place mentions worth spotting in free text: full names of every division; short forms of
    provinces, prefectures and county-level cities; suffixed forms of autonomous counties
    (互助县); curated aliases (typos, old names); and a county's bare name right after its
    province or prefecture (河南兰考, 开封兰考), where it cannot be an ordinary word.

    Bare short forms of districts and ordinary counties are left out on their own (通道, 光明,
    城关 are words first); users who mean them type the suffix (光明区), which the full name catches.
    """
    forms: Dict[str, str] = {}
    for d in index.by_code.values():
        if not (len(d.name) <= 2 and d.name.endswith("区")):  # 城区, 郊区, 矿区, 东区 …
            forms[d.name] = d.name
        for f in short_forms(d.name):
            if f in _COMMON_WORDS:
                continue
            if d.level != "county" or d.name.endswith("市") or f != strip_suffix(d.name) and f.endswith(("县", "旗")):
                forms.setdefault(f, d.name)
    for alias, hits in index._names.items():
        if any(how == "alias" for how, _, _ in hits):
            forms[alias] = hits[0][1].name
    for d in index.by_code.values():
        if d.level != "county":
            continue
        bodies = [d.name, strip_suffix(d.name), *short_forms(d.name)]
        parents = [index.by_code[d.province]] + (
            [index.by_code[d.parent]] if d.parent and d.parent != d.province else []
        )
        for parent in parents:
            for head in (parent.name, *short_forms(parent.name)):
                for body in bodies:
                    if len(body) >= 2:
                        forms.setdefault(head + body, d.name)
    return forms


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int
    end: int
    text: str


class MentionFinder:
    """Longest-match, left-to-right finder of known product, service and place mentions.

    A dictionary probe per position and length (forms are at most a few dozen characters), so
    the cost grows with the message, not with the tens of thousands of forms.
    """

    def __init__(self, forms: Dict[str, Dict[str, str]]) -> None:
        # forms: entity type → {surface form: canonical}; products win over services over places.
        self.kind: Dict[str, str] = {}
        for entity in (PLACE, SERVICE, PRODUCT):
            for form in forms.get(entity, {}):
                if len(form) >= 2:
                    self.kind[form.lower()] = entity
        self._lengths = sorted({len(f) for f in self.kind}, reverse=True)

    def find(self, text: str, words: Optional[Sequence[Tuple[int, int]]] = None) -> List[Mention]:
        """The mentions in ``text``; given the tokenizer's word spans, none that cuts across words.

        "普通化疗药" holds 通化 but is cut 普通 / 化疗药: a name that begins inside one word and
        ends inside another is a coincidence of characters, and a shorter name at the same place
        is tried instead ("杭州市区", cut 杭州 / 市区 by some tokenizers, still gives 杭州). A name
        inside one word ("上海南京路", one word to jieba) is kept.
        """
        if not text or not self.kind:
            return []
        folded = text.lower()
        if len(folded) != len(text):  # a case fold that changes length would shift the offsets
            folded = text
        cuts = _inner_cuts(words) if words else None
        out, i = [], 0
        while i < len(text):
            for n in self._lengths:
                entity = self.kind.get(folded[i : i + n]) if i + n <= len(text) else None
                if entity is not None and cuts and _cuts_across(i, i + n, cuts):
                    entity = None
                if entity is not None:
                    out.append(Mention(entity, i, i + n, text[i : i + n]))
                    i += n
                    break
            else:
                i += 1
        return out


def _inner_cuts(words: Sequence[Tuple[int, int]]) -> Dict[int, Tuple[int, int]]:
    """Each character offset strictly inside a word → that word's span."""
    return {k: (a, b) for a, b in words for k in range(a + 1, b)}


def _cuts_across(start: int, end: int, inner: Dict[int, Tuple[int, int]]) -> bool:
    """The span [start, end) begins or ends inside a word that it does not lie within."""
    for edge in (start, end):
        word = inner.get(edge)
        if word is not None and not (word[0] <= start and end <= word[1]):
            return True
    return False


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
