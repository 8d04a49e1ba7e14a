"""The query API over the knowledge store.

Everything that answers a user — the bot's actions, the evaluation runs, the
butlers' console — goes through ``KnowledgeBase``.  It reads the whole store
once into immutable in-memory objects (a few thousand rows), so every query is
a dictionary lookup and safe to share between requests.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge.config import database_url
from knowledge.coverage import (
    CoverageSpec,
    HospitalEntry,
    Judgement,
    ListEntry,
    PrintedList,
    judge,
)
from knowledge.places import Division, PlaceIndex, Resolution
from knowledge.spelling import SoundAlike, SoundIndex

if TYPE_CHECKING:
    from knowledge.gaps import Gap
    from knowledge.lists import WaysIndex
    from knowledge.search import FocusOptions, PassageSearch


# Score (knowledge.search.FOCUS: word BM25 + character-bigram BM25 + the synonym lexicon's words
# at half weight + the question hooks + the answer-type bonus) below which a focused search is no match (see focus_passage). Calibrated on the
# calibration half of knowledge/retrieval/dev.yml only, never on the suite: the threshold that
# shows the most right sentences net of wrong ones and of sentences for questions the manual
# does not answer (benchmarks/bench_retrieval.py prints it; tests/test_retrieval.py checks it is
# still the calibrated one). A score cannot tell every unanswerable question apart: on the check
# half 5 of 10 (and 22 of the 25 of the second check set, dev_b.yml) still get a loosely related
# sentence (shown as "最相关的说明" unless knowledge/gaps.py finds what the manual does not state).
FOCUS_MIN_SCORE = 5.29
# Words of service names that name no service: left out when a name is looked for in its words.
NAME_FILLER = frozenset({"服务", "申请"})


@lru_cache(maxsize=1)
def _item_hooks() -> Dict[Tuple[str, str], Dict[str, Tuple[str, ...]]]:
    from knowledge.retrieval import load_item_hooks

    return load_item_hooks()


# A sentence's pointer to what another heading of its service states: "（补贴规则见注意事项）".
REFERENCE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:规则|标准|细则|办法)详?见([\u4e00-\u9fff]{2,8})")
# A question that names no service is answered by a service's sentence only when it scores this many
# times the threshold, and this many times the product's own best sentence if one passes. Calibrated
# on the calibration half of knowledge/retrieval/product_dev.yml (questions about a product as a
# whole, about a service described without its name, and ones no sentence answers), as the threshold
# is: the factor that shows the most right sentences net of wrong ones and of sentences for
# unanswerable questions, the lowest among equals (benchmarks/bench_retrieval.py --product-wide;
# tests/test_retrieval.py checks it). It was 2 before that set existed, and at the threshold of
# 5.29 then let "现在还能投保吗，一年保费多少钱" be answered by a gene test's "限制次数 1次".
OTHER_SERVICE_FACTOR = 5.0
# A second passage is shown beside the best when it scores at least this share of the best's score
# (and FOCUS_MIN_SCORE): the search cannot tell the two apart, and the right one is often the second
# ("单项检查贵到多少钱就得提前授权": the 8,000 元 item scores 0.85 of the materials line). Calibrated
# on the calibration half of knowledge/retrieval/dev.yml (benchmarks/bench_retrieval.py --second):
# the right sentence among those shown for 68 of its 80 answerable questions against 66, a wrong
# second sentence after a right first for 1; ratios under 0.85 add more noise than right ones.
FOCUS_SECOND_RATIO = 0.85
# Passages a focused search never gives (the apply answer lists them): hooks are not put on them.
UNFOCUSED = ("step", "channel")

# Fuzzy scores (rapidfuzz WRatio, 0–100) of a service mention against the services' names and aliases.
# From SERVICE_MATCH_CUTOFF a mention is taken to mean the service (the request desk, the answer
# policy); from SERVICE_SUGGESTION_CUTOFF, find_services's default, a service is only offered as a
# candidate ("您是指…").
SERVICE_MATCH_CUTOFF = 80
SERVICE_SUGGESTION_CUTOFF = 70


def pick_focus(
    hits: List[Dict[str, Any]], in_service: bool, min_score: float, factor: Optional[float] = None
) -> Optional[Dict[str, Any]]:
    """The focus passage among ranked hits: the best if it scores ``min_score``; without a service
    named, the product's own rules and contacts first, and a service's sentence must score
    ``factor`` (OTHER_SERVICE_FACTOR) times as much to be the answer."""
    if in_service:
        return hits[0] if hits and hits[0]["score"] >= min_score else None
    factor = OTHER_SERVICE_FACTOR if factor is None else factor
    own = [h for h in hits if h["service_id"] is None and h["score"] >= min_score]
    other = [h for h in hits if h["service_id"] is not None and h["score"] >= factor * min_score]
    if own and other and other[0]["score"] >= factor * own[0]["score"]:
        # a service's sentence far above the product's own (a service described, not named: "出院回家能派个车吗")
        return other[0]
    return (own or other or [None])[0]


def second_focus(
    hits: List[Dict[str, Any]], best: Optional[Dict[str, Any]], min_score: float, ratio: float = FOCUS_SECOND_RATIO
) -> Optional[Dict[str, Any]]:
    """The passage shown beside the best one when the search scores it nearly as high (of the same
    service as the best, or both of none), if any; never one that says what the best says (the manual
    prints some sentences twice, and a question of its Q&A again as its answer)."""
    if best is None:
        return None
    floor = max(min_score, ratio * best["score"])
    return next(
        (
            h
            for h in hits
            if h is not best
            and h["service_id"] == best["service_id"]
            and h["score"] >= floor
            and h["text"] not in best["text"]
            and best["text"] not in h["text"]
        ),
        None,
    )


class StoreNotBuilt(RuntimeError):
    """The database is missing or empty: run ``python -m knowledge build``."""


@dataclass(frozen=True)
class Source:
    manual: str  # file name
    title: str
    section: str

    def to_dict(self) -> Dict[str, str]:
        return {"manual": self.manual, "title": self.title, "section": self.section}


@dataclass(frozen=True)
class ProductInfo:
    id: str
    name: str
    insurer: str
    manual: str
    manual_title: str
    label_note: Optional[str]
    contract_disclaimer: Optional[str]
    aliases: Tuple[str, ...]
    insurer_aliases: Tuple[str, ...]


@dataclass(frozen=True)
class FactInfo:
    kind: str
    text: str
    section: str
    data: Dict[str, Any]


@dataclass(frozen=True)
class QAInfo:
    question: str
    answer: str
    section: str
    service: Optional[str]


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    key: str
    product: ProductInfo
    name: str
    aliases: Tuple[str, ...]
    section: str
    category: Optional[str]
    items_title: Optional[str]
    items: Tuple[str, ...]
    facts: Tuple[FactInfo, ...]
    steps: Tuple[str, ...]
    steps_section: Optional[str]
    qa: Tuple[QAInfo, ...]
    coverage: CoverageSpec
    request_fields: Tuple[str, ...] = ()

    def facts_of(self, kind: str) -> List[FactInfo]:
        return [f for f in self.facts if f.kind == kind]

    def source(self, section: Optional[str] = None) -> Source:
        return Source(self.product.manual, self.product.manual_title, section or self.section)


@dataclass(frozen=True)
class RuleInfo:
    topic: str
    title: str
    text: str
    section: str
    data: Dict[str, Any]


@dataclass(frozen=True)
class ContactInfo:
    kind: str
    name: str
    value: str
    hours: Optional[str]
    note: Optional[str]
    section: str


@dataclass
class ServiceMatch:
    service: ServiceInfo
    score: float
    matched: str  # the alias that matched


@dataclass
class CoverageResult:
    """``is_covered`` outcome; ``to_dict`` is the CLI's JSON contract."""

    covered: Optional[bool]
    status: str
    reason: str
    product: Optional[ProductInfo] = None
    service: Optional[ServiceInfo] = None
    place: Optional[Division] = None
    province: Optional[Division] = None
    city: Optional[Division] = None
    resolution: Optional[Resolution] = None
    judgement: Optional[Judgement] = None
    candidates: List[str] = field(default_factory=list)  # products or services to choose from

    @property
    def hospitals(self) -> Optional[int]:
        return self.judgement.hospitals if self.judgement else None

    @property
    def source(self) -> Optional[Source]:
        if self.service is None:
            return None
        section = self.judgement.section if self.judgement and self.judgement.section else self.service.coverage.section
        return self.service.source(section)

    def to_dict(self) -> Dict[str, Any]:
        j = self.judgement
        entry = j.entry if j else None
        return {
            "covered": self.covered,
            "status": self.status,
            "reason": self.reason,
            "product": self.product.name if self.product else None,
            "product_id": self.product.id if self.product else None,
            "service": self.service.name if self.service else None,
            "place": self.place.name if self.place else None,
            "level": self.place.level if self.place else None,
            "adcode": self.place.adcode if self.place else None,
            "province": self.province.name if self.province else None,
            "city": self.city.name if self.city else None,
            "matched_by": self.resolution.matched_by if self.resolution else None,
            "place_note": self.resolution.note if self.resolution else None,
            "hospitals": self.hospitals,
            "hospital_names": j.hospital_names if j else [],
            "matched_entry": {
                "printed_name": entry.printed_name,
                "printed_province": entry.printed_province,
                "correction": entry.correction,
                "note": entry.note,
            }
            if entry
            else None,
            "listed_within": j.entries_dict() if j else [],
            "scope_note": (j.plist.scope_note if j and j.plist else None)
            or (self.service.coverage.scope_note if self.service else None),
            "suggestions": [n for n, _ in self.resolution.suggestions] if self.resolution else [],
            "candidates": self.candidates,
            "source": self.source.to_dict() if self.source else None,
        }


# What the query methods accept for a product, a service and a place: the object itself, or text
# that names it (a product's id, name or alias; a service's name or alias; a place's name).
ProductRef = Union[ProductInfo, str]
ServiceRef = Union[ServiceInfo, str]
PlaceRef = Union[Division, Resolution, str]


def _norm(text: str) -> str:
    return re.sub(r"[\s·•（）()【】\[\]]", "", (text or "").lower())


def _service_key(text: str) -> str:
    t = _norm(text)
    return t[:-2] if t.endswith("服务") and len(t) > 3 else t


class KnowledgeBase:
    """Read-only view of the store; build it with ``KnowledgeBase.open()``."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or database_url()
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
            # Connecting would create an empty file that looks like a store to `make`.
            raise StoreNotBuilt(f"knowledge store at {self.url} is not built: run `python -m knowledge build`")
        engine = create_engine(self.url, future=True)
        try:
            with Session(engine) as session:
                self._load(session)
        finally:
            engine.dispose()
        self._search = None

    @classmethod
    @lru_cache(maxsize=4)
    def open(cls, url: Optional[str] = None) -> "KnowledgeBase":
        """A shared instance per URL (the store is read-only while the process runs)."""
        return cls(url)

    # -- loading ------------------------------------------------------------
    def _load(self, session: Session) -> None:
        from sqlalchemy import inspect

        if (
            not inspect(session.get_bind()).has_table("build_info")
            or session.execute(select(m.BuildInfo)).first() is None
        ):
            raise StoreNotBuilt(f"knowledge store at {self.url} is not built: run `python -m knowledge build`")
        info = session.execute(select(m.BuildInfo)).scalars().first()
        self.built_at, self.fingerprint, self.counts = info.built_at, info.fingerprint, info.counts
        places = [
            Division(p.adcode, p.name, p.level, p.parent, p.province, p.mainland)
            for p in session.execute(select(m.Place)).scalars()
        ]
        aliases = [
            {"alias": a.alias, "adcode": a.adcode, "note": a.note}
            for a in session.execute(select(m.PlaceAlias)).scalars()
        ]
        self.places = PlaceIndex(places, aliases)
        d = self.places.by_code
        manuals = {x.id: x for x in session.execute(select(m.Manual)).scalars()}
        self._products: "OrderedDict[str, ProductInfo]" = OrderedDict()
        for p in session.execute(select(m.Product).order_by(m.Product.manual_id)).scalars():
            man = manuals[p.manual_id]
            self._products[p.id] = ProductInfo(
                p.id,
                p.name,
                p.insurer,
                man.file,
                man.title,
                p.label_note,
                man.contract_disclaimer,
                tuple(a.alias for a in p.aliases),
                tuple(man.insurer_aliases),
            )
        lists: Dict[str, PrintedList] = {}
        for cl in session.execute(select(m.CoverageList)).scalars():
            entries = tuple(
                ListEntry(
                    cl.id, d[e.adcode], e.printed_name, e.printed_province, e.within, e.hospitals, e.note, e.correction
                )
                for e in cl.entries
            )
            lists[cl.id] = PrintedList.indexed(
                self.places,
                id=cl.id,
                title=cl.title,
                section=cl.section,
                county_rule=cl.county_rule,
                scope_note=cl.scope_note,
                footnote=cl.footnote,
                printed_totals=tuple(cl.printed_totals),
                entries=entries,
            )
        self.lists = lists
        self._services: List[ServiceInfo] = []
        for s in session.execute(select(m.Service).order_by(m.Service.product_id, m.Service.position)).scalars():
            c = s.coverage
            spec = CoverageSpec(
                c.type,
                c.text,
                c.section,
                c.scope_note,
                c.remote_text,
                c.printed_city_count,
                c.printed_hospital_count,
                tuple(lists[i] for i in c.lists),
                tuple(d[a] for a in c.provinces),
                tuple(d[a] for a in c.extra_provinces),
                tuple(
                    HospitalEntry(h.name, d.get(h.adcode) if h.adcode else None, h.printed_city, h.note)
                    for h in c.hospitals
                ),
            )
            self._services.append(
                ServiceInfo(
                    s.id,
                    s.key,
                    self._products[s.product_id],
                    s.name,
                    tuple(a.alias for a in s.aliases),
                    s.section,
                    s.category,
                    s.items_title,
                    tuple(s.items or ()),
                    tuple(FactInfo(f.kind, f.text, f.section, dict(f.data or {})) for f in s.facts),
                    tuple(st.text for st in s.steps),
                    s.steps[0].section if s.steps else None,
                    tuple(QAInfo(q.question, q.answer, q.section, s.name) for q in s.qas),
                    spec,
                    tuple(s.request_fields or ()),
                )
            )
        self._rules: Dict[str, List[RuleInfo]] = {}
        for r in session.execute(select(m.Rule).order_by(m.Rule.product_id, m.Rule.position)).scalars():
            self._rules.setdefault(r.product_id, []).append(
                RuleInfo(r.topic, r.title, r.text, r.section, dict(r.data or {}))
            )
        self._contacts: Dict[str, List[ContactInfo]] = {}
        for c in session.execute(select(m.Contact).order_by(m.Contact.product_id, m.Contact.position)).scalars():
            self._contacts.setdefault(c.product_id, []).append(
                ContactInfo(c.kind, c.name, c.value, c.hours, c.note, c.section)
            )
        self._product_qa: Dict[str, List[QAInfo]] = {}
        for q in session.execute(select(m.QA).where(m.QA.service_id.is_(None)).order_by(m.QA.position)).scalars():
            self._product_qa.setdefault(q.product_id, []).append(QAInfo(q.question, q.answer, q.section, None))
        self._attachments: Dict[str, List[Dict[str, Any]]] = {}
        for a in session.execute(select(m.Attachment)).scalars():
            self._attachments.setdefault(a.product_id, []).append(
                {"key": a.key, "title": a.title, "section": a.section, "items": list(a.items), "note": a.note}
            )
        self._passages = [
            (p.product_id, p.service_id, p.kind, p.title, p.text, p.section)
            for p in session.execute(select(m.Passage)).scalars()
        ]
        self._index_names()

    def _index_names(self) -> None:
        self._product_alias: Dict[str, List[ProductInfo]] = {}
        for p in self._products.values():
            for a in (p.name, *p.aliases):
                self._product_alias.setdefault(_norm(a), [])
                if p not in self._product_alias[_norm(a)]:
                    self._product_alias[_norm(a)].append(p)
        self._service_alias: Dict[str, List[Tuple[ServiceInfo, str]]] = {}
        for s in self._services:
            for a in (s.name, *s.aliases):
                self._service_alias.setdefault(_service_key(a), []).append((s, a))
        self._service_choices = sorted(self._service_alias)
        self._service_sounds: Optional[SoundIndex] = None
        self._common_words: Optional[Set[str]] = None
        self._words_of_names: Optional[Dict[int, List[Tuple[str, ...]]]] = None
        self._words_of_own_name: Dict[int, List[Tuple[str, ...]]] = {}
        self._place_sounds: Optional[SoundIndex] = None
        self._services_by_id = {s.id: s for s in self._services}

    # -- products -----------------------------------------------------------
    def products(self) -> List[ProductInfo]:
        return list(self._products.values())

    def get_product(self, product_id: str) -> ProductInfo:
        return self._products[product_id]

    def service_by_id(self, service_id: int) -> Optional[ServiceInfo]:
        """The service a search hit belongs to."""
        return self._services_by_id.get(service_id)

    def find_products(self, mention: str) -> List[ProductInfo]:
        """Products a mention may mean: an alias names one; an insurer's name (众安) may name several."""
        key = _norm(mention)
        if not key:
            return []
        if key in self._product_alias:
            return list(self._product_alias[key])
        by_insurer = [p for p in self._products.values() if key in {_norm(a) for a in p.insurer_aliases}]
        if by_insurer:
            return by_insurer
        found = process.extract(key, list(self._product_alias), scorer=fuzz.WRatio, limit=3, score_cutoff=85)
        out: List[ProductInfo] = []
        for alias, _, _ in found:
            out += [p for p in self._product_alias[alias] if p not in out]
        return out

    def is_common_product_word(self, mention: str) -> bool:
        """Whether a product's name is also an ordinary word of another product's manual.

        "增值服务" names 众安医疗险增值服务, and the PLUS and 2023 manuals head their own services with
        it: beside another product's name ("众安PLUS都有哪些增值服务") it is that word, not a product.
        """
        key = _norm(mention)
        if key not in self._product_alias:
            return False
        if self._common_words is None:
            texts: Dict[str, str] = {}
            for p in self._passages:
                texts[p[0]] = texts.get(p[0], "") + _norm(f"{p[3]}{p[4]}{p[5] or ''}")
            self._common_words = {
                alias
                for alias, products in self._product_alias.items()
                if any(alias in text for pid, text in texts.items() if pid not in {q.id for q in products})
            }
        return key in self._common_words

    def product(self, mention: str) -> Optional[ProductInfo]:
        """The one product a mention names, or None when it names none or several."""
        found = self.find_products(mention)
        return found[0] if len(found) == 1 else None

    def _as_product(self, product: Optional[ProductRef]) -> Optional[ProductInfo]:
        if isinstance(product, ProductInfo):
            return product
        if product in self._products:
            return self._products[product]
        return self.product(product) if product else None

    # -- services -----------------------------------------------------------
    def services_of(self, product: Optional[ProductRef]) -> List[ServiceInfo]:
        p = self._as_product(product)
        return [s for s in self._services if p is not None and s.product.id == p.id]

    def all_services(self) -> List[ServiceInfo]:
        return list(self._services)

    def find_services(
        self,
        mention: str,
        product: Optional[ProductRef] = None,
        limit: int = 5,
        cutoff: float = SERVICE_SUGGESTION_CUTOFF,
    ) -> List[ServiceMatch]:
        """Services a mention may mean: exact aliases first (score 100), then fuzzy candidates with scores."""
        p = self._as_product(product) if product else None
        key = _service_key(mention)
        if not key:
            return []
        keep = (lambda s: s.product.id == p.id) if p else (lambda s: True)
        exact: List[ServiceMatch] = []
        for s, a in self._service_alias.get(key, []):
            if keep(s) and all(x.service.id != s.id for x in exact):
                exact.append(ServiceMatch(s, 100.0, a))
        if exact:
            return exact
        out: List[ServiceMatch] = []
        for alias, score, _ in process.extract(
            key, self._service_choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=cutoff
        ):
            for s, a in self._service_alias[alias]:
                if keep(s) and all(o.service.id != s.id for o in out):
                    out.append(ServiceMatch(s, round(score, 1), a))
        return out[:limit]

    def misspelt_services(
        self, text: str, product: Optional[ProductRef] = None
    ) -> List[Tuple[SoundAlike, List[ServiceMatch]]]:
        """Stretches of a message that sound like a service's name but are written otherwise (住院陪户 for
        住院陪护), each with the services (the product's, if given) it may mean: for a "您是指…吗" question,
        never for a silent correction (knowledge.spelling)."""
        if self._service_sounds is None:
            self._service_sounds = SoundIndex(sorted({a for s in self._services for a in (s.name, *s.aliases)}))
        p = self._as_product(product) if product else None
        out = []
        for alike in self._service_sounds.find(text):
            matches = [m for m in self.find_services(alike.name, p) if m.score == 100.0]
            if matches:
                out.append((alike, matches))
        return out

    def misspelt_places(self, text: str) -> List[SoundAlike]:
        """Stretches of a message that sound like a province's, a city's or a county-level city's name but
        are written otherwise (杭洲 for 杭州), outside the names the store already recognises there: for a
        "您是指…吗" question, never for a silent correction (knowledge.spelling)."""
        if self._place_sounds is None:
            from knowledge.places import short_forms
            from knowledge.vocabulary import MentionFinder, store_forms

            forms = {
                f
                for d in self.places.by_code.values()
                if d.level != "county" or d.name.endswith("市")
                for f in (d.name, *short_forms(d.name))
            }
            self._place_sounds = SoundIndex(sorted(forms))
            self._mentions = MentionFinder(store_forms(self))
        taken = [(m.start, m.end) for m in self._mentions.find(text)]
        return self._place_sounds.find(text, taken, whole_words=True)

    def service(self, product: Optional[ProductRef], mention: str) -> Optional[ServiceInfo]:
        """The product's service a mention names by an exact alias (no guessing)."""
        found = [x for x in self.find_services(mention, product) if x.score == 100.0]
        return found[0].service if found else None

    def item_asked(
        self, svc: ServiceInfo, question: str, min_share: Optional[float] = None
    ) -> Optional[Tuple[str, float]]:
        """The item of the service's printed list a question asks for in other words ("在家自己测大便那种":
        1 项噗噗管便隐血自检测), by the ways customers ask for each (knowledge/retrieval/item_hooks.yml),
        with the share of a way the question says; None when none is said enough."""
        from knowledge import lists

        if lists.ITEM_WAYS_MIN_SCORE is None and (lists.ITEM_ASK_MIN_SHARE if min_share is None else min_share) is None:
            return None  # both matchers off (as shipped): the hooks are not even read
        if lists.ITEM_WAYS_MIN_SCORE is not None:
            scores = self._ways_index().scores(question, svc.product.id, svc.name)
            ranked = sorted(((v, k) for k, v in scores.items() if k in svc.items), reverse=True)
            if (
                not ranked
                or ranked[0][0] < lists.ITEM_WAYS_MIN_SCORE
                or (len(ranked) > 1 and ranked[1][0] == ranked[0][0])
            ):
                return None
            return ranked[0][1], ranked[0][0]
        asks = {i: a for i, a in self._item_asks().get((svc.product.id, svc.name), {}).items() if i in svc.items}
        return lists.item_asked(question, asks, min_share, weights=self._item_pair_weights())

    @lru_cache(maxsize=1)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def _item_pair_weights(self) -> Dict[str, float]:
        """The pairs' weights over the ways as they are matched (names left out)."""
        from knowledge.lists import pair_weights

        return pair_weights(a for items in self._item_asks().values() for ways in items.values() for a in ways)

    @lru_cache(maxsize=1)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def _ways_index(self) -> "WaysIndex":
        from knowledge.lists import WaysIndex

        return WaysIndex({(p, s, i): ways for (p, s), items in self._item_asks().items() for i, ways in items.items()})

    @lru_cache(maxsize=1)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def _item_asks(self) -> Dict[Tuple[str, str], Dict[str, Tuple[str, ...]]]:
        """The item hooks with the store's names left out, as a question's detail leaves them out
        ("护工能给喂饭吗": 护工 is a service's name)."""
        from knowledge.vocabulary import MentionFinder, store_forms

        finder = MentionFinder(store_forms(self))

        def masked(text: str) -> str:
            for found in sorted(finder.find(text), key=lambda x: -len(x.text)):
                text = text.replace(found.text, " ")
            return text

        return {
            key: {item: tuple(masked(a) for a in asks) for item, asks in items.items()}
            for key, items in _item_hooks().items()
        }

    @staticmethod
    def referenced_facts(svc: ServiceInfo, text: str) -> List[FactInfo]:
        """The facts a sentence refers to under another heading of the same service: "…由平安指定的
        第三方服务商进行费用补贴（补贴规则见注意事项）" → the facts on 补贴 under "6.5 注意事项" (the
        amounts), which an answer showing the sentence shows beside it."""
        match = REFERENCE.search(text)
        if match is None:
            return []
        topic, heading = match.groups()
        return [
            f for f in svc.facts if heading in (f.section or "").split(" / ")[-1] and topic in f.text and f.text != text
        ]

    def services_named_apart(self, text: str, product: Optional[ProductRef] = None) -> List[ServiceInfo]:
        """Services whose name the text says in its words, apart or in another order ("接我出院，
        能给点交通补贴吗": 出院交通安排, alias 出院交通): every word of a name or alias of two or
        more words (jieba's own dictionary; words of one character and 服务 / 申请 left out) is in
        the text. Of several, those with the most words said; the scope is the product's when given."""
        scope = self.services_of(product) if product else self._services
        best: List[ServiceInfo] = []
        most = 1
        for svc in scope:
            said = max((len(ws) for ws in self._name_words(svc) if all(w in text for w in ws)), default=0)
            if said > most:
                best, most = [svc], said
            elif said == most and said > 1:
                best.append(svc)
        return best

    def services_named_by_a_word(self, text: str, products: Sequence[ProductRef]) -> List[ServiceInfo]:
        """One service of each product, named by one word of the text that is a word of exactly one
        service's own name in each ("平安的和众安PLUS的会诊分别要提前多久": 会诊 → 肿瘤多学科会诊, 重疾多学科会诊MDT
        服务); [] when no word does. For two products or more, where no name is said whole; aliases are
        not used ("看病" of one's is "就诊" of another's)."""
        scopes = [self.services_of(p) for p in products]
        if len(scopes) < 2:
            return []

        def words(svc: ServiceInfo) -> Tuple[str, ...]:
            return self._name_words(svc, own_name=True)[0]

        for word in dict.fromkeys(w for scope in scopes for svc in scope for w in words(svc) if w in text):
            found = [[svc for svc in scope if word in words(svc)] for scope in scopes]
            if all(len(f) == 1 for f in found):
                return [f[0] for f in found]
        return []

    def _name_words(self, svc: ServiceInfo, own_name: bool = False) -> List[Tuple[str, ...]]:
        """The words of each of a service's names of two words or more (``own_name``: of its own
        name only, whatever its length), as jieba's default dictionary cuts them."""
        if self._words_of_names is None:
            import jieba

            cut = jieba.Tokenizer()  # the default dictionary: the user dictionary keeps names whole
            words = {
                s.id: [
                    tuple(w for w in cut.lcut(a) if len(w) >= 2 and w not in NAME_FILLER) for a in (s.name, *s.aliases)
                ]
                for s in self._services
            }
            self._words_of_names = {
                i: [ws for ws in dict.fromkeys(names) if len(ws) >= 2] for i, names in words.items()
            }
            self._words_of_own_name = {i: names[:1] for i, names in words.items()}
        return (self._words_of_own_name if own_name else self._words_of_names)[svc.id]

    def products_offering(self, mention: str) -> List[ServiceInfo]:
        """One service per product that offers what the mention names (exact aliases)."""
        return [m_.service for m_ in self.find_services(mention) if m_.score == 100.0]

    def compare(self, mention: str) -> List[Dict[str, Any]]:
        """The same service side by side across products: limit, coverage, advance notice, channels."""
        rows = []
        for s in self.products_offering(mention):
            rows.append(
                {
                    "product": s.product.name,
                    "product_id": s.product.id,
                    "service": s.name,
                    "usage_limit": [f.text for f in s.facts_of("usage_limit")],
                    "coverage": s.coverage.text,
                    "coverage_type": s.coverage.type,
                    "advance_notice": [f.text for f in s.facts_of("advance_notice")],
                    "channels": [f.text for f in s.facts_of("channel")],
                    "source": s.source().to_dict(),
                }
            )
        return rows

    def how_to_apply(self, service: ServiceInfo) -> Dict[str, Any]:
        """Channels and ordered steps as printed; where the manual prints none, say so and give the hotlines."""
        channels = service.facts_of("channel")
        stated = bool(channels or service.steps)
        return {
            "stated": stated,
            "channels": [{"kind": f.data.get("kind"), "text": f.text, "section": f.section} for f in channels],
            "steps": list(service.steps),
            "section": service.steps_section or (channels[0].section if channels else service.section),
            "hotlines": [] if stated else [c for c in self.contacts(service.product, "hotline")],
        }

    # -- rules, contacts, Q&A ----------------------------------------------------
    def rules(self, product: Optional[ProductRef], topic: Optional[str] = None) -> List[RuleInfo]:
        p = self._as_product(product)
        return [r for r in self._rules.get(p.id if p else "", []) if topic is None or r.topic == topic]

    def contacts(self, product: Optional[ProductRef], kind: Optional[str] = None) -> List[ContactInfo]:
        p = self._as_product(product)
        return [c for c in self._contacts.get(p.id if p else "", []) if kind is None or c.kind == kind]

    def qa(self, product: Optional[ProductRef], service: Optional[ServiceInfo] = None) -> List[QAInfo]:
        p = self._as_product(product)
        if service is not None:
            return list(service.qa)
        return list(self._product_qa.get(p.id if p else "", [])) + [q for s in self.services_of(p) for q in s.qa]

    def attachments(self, product: Optional[ProductRef]) -> List[Dict[str, Any]]:
        p = self._as_product(product)
        return list(self._attachments.get(p.id if p else "", []))

    # -- places and coverage ----------------------------------------------------
    def resolve_place(self, mention: str) -> Resolution:
        return self.places.resolve(mention)

    def is_covered(
        self,
        product: Optional[ProductRef],
        service: Optional[ServiceRef],
        place: Optional[PlaceRef],
        in_person: bool = False,
    ) -> CoverageResult:
        """Can ``service`` of ``product`` be used in ``place``?  yes / no / unknown, with why and the source.

        ``in_person`` asks about the place-bound form only (线下面诊 where the service is also given online).
        """
        if isinstance(product, ProductInfo):
            products = [product]
        else:
            products = [self._products[product]] if product in self._products else self.find_products(product or "")
        if len(products) != 1:
            if isinstance(service, ServiceInfo):
                products = [service.product]
            else:
                offering = [
                    s.product for s in self.products_offering(service or "") if s.product in products or not products
                ]
                if len(offering) == 1:
                    products = offering
                else:
                    return CoverageResult(
                        None,
                        "unknown_product" if not products and not offering else "ambiguous_product",
                        "请说明是哪个产品",
                        candidates=[p.name for p in (offering or products)],
                    )
        p = products[0]
        svc = service if isinstance(service, ServiceInfo) else self.service(p, service or "")
        if svc is None:
            candidates = [x.service.name for x in self.find_services(service or "", p)]
            return CoverageResult(
                None, "no_such_service", f"{p.name}的服务手册中没有“{service}”这项服务", p, candidates=candidates
            )
        res = place if isinstance(place, Resolution) else self.places.resolve(place if isinstance(place, str) else "")
        if isinstance(place, Division):
            res = Resolution(mention=place.name, division=place, matched_by="exact")
        if not res.found:
            return CoverageResult(None, "unknown_place", f"没有找到地名“{res.mention}”", p, svc, resolution=res)
        d = res.division
        j = judge(svc.coverage, d, self.places, in_person)
        return CoverageResult(
            j.covered, j.status, j.reason, p, svc, d, self.places.province_of(d), self.places.city_of(d), res, j
        )

    def coverage_by_province(
        self, product: Optional[ProductRef], service: ServiceRef
    ) -> "OrderedDict[str, List[ListEntry]]":
        """The service's listed places grouped by their real province, in gazetteer order."""
        p = self._as_product(product)
        svc = service if isinstance(service, ServiceInfo) else self.service(p, service)
        out: "OrderedDict[str, List[ListEntry]]" = OrderedDict()
        if svc is None:
            return out
        entries = [e for pl in svc.coverage.lists for e in pl.entries]
        for e in sorted(entries, key=lambda e: e.division.province + e.division.adcode):
            names = out.setdefault(self.places.province_of(e.division).name, [])
            if all(x.division.adcode != e.division.adcode for x in names):
                names.append(e)
        return out

    # -- search ---------------------------------------------------------------
    def focus_passage(
        self,
        question: str,
        service: Optional[ServiceInfo] = None,
        product: Optional[ProductRef] = None,
        min_score: float = FOCUS_MIN_SCORE,
    ) -> Optional[Dict[str, Any]]:
        p = self._as_product(product) if product else None
        return self._focus_passage(question, service.id if service else None, p.id if p else None, min_score)

    @lru_cache(maxsize=1024)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded; one turn asks the same thing more than once
    def _focus_passage(
        self, question: str, service_id: Optional[int], product_id: Optional[str], min_score: float
    ) -> Optional[Dict[str, Any]]:
        """The one passage of ``service`` (or, without one, of the product) that speaks to the
        detail a question is about, if any.

        "平安二诊，医生只写了疑似，能申请吗" is a question about 疑似: the structured facts answer
        the kind of question (who may apply), the manual's sentence about 疑似 answers this one.
        The caller leaves out the product and service names; generic question words are not
        scored on, procedure steps are left to the apply answer, and a weak match is no match.
        """
        return pick_focus(self.focus_ranking(question, service_id, product_id), service_id is not None, min_score)

    def focus_passages(
        self, question: str, service: ServiceInfo, min_score: float = FOCUS_MIN_SCORE
    ) -> List[Dict[str, Any]]:
        """The focus passage of ``service`` for a detail question and, when the search scores another
        nearly as high (``second_focus``), that one too: the best first; [] when none passes."""
        return list(self._focus_passages(question, service.id, min_score))

    @lru_cache(maxsize=1024)  # noqa: B019 - as _focus_passage
    def _focus_passages(self, question: str, service_id: int, min_score: float) -> Tuple[Dict[str, Any], ...]:
        hits = self.focus_ranking(question, service_id, None)
        best = pick_focus(hits, True, min_score)
        return tuple(h for h in (best, second_focus(hits, best, min_score)) if h is not None)

    @lru_cache(maxsize=4096)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def passage_share(self, word: str) -> float:
        """The share of the manuals' passages whose text holds ``word``: how common a word is in them
        (期间 in 4%, 指甲 in none) — a common word names no one thing of a list."""
        return sum(word in x[4] for x in self._passages) / max(1, len(self._passages))

    def gap(
        self,
        question: str,
        service: Optional[ServiceInfo] = None,
        product: Optional[ProductRef] = None,
        rare_below: Optional[int] = None,
    ) -> Optional[Gap]:
        """What the detail question asks that the manual's part on ``service`` (or, without one, on
        the product) does not state, if anything (knowledge/gaps.py): a kind of value it prints
        nowhere, else the things it names that the text never mentions when no sentence is on the
        detail either, or, when one is, the words rarer than ``rare_below`` (RARE_WORD_FREQUENCY)
        the product's manual never mentions. ``question`` without the product and service names."""
        from knowledge.gaps import RARE_WORD_FREQUENCY, Gap, unmentioned_words, unprinted_value

        rare_below = RARE_WORD_FREQUENCY if rare_below is None else rare_below

        p = self._as_product(product) if product else (service.product if service else None)
        if p is None:
            return None
        sid = service.id if service else None
        texts = [x[4] for x in self._passages if x[0] == p.id and (sid is None or x[1] == sid)]
        label = unprinted_value(question, texts)
        if label:
            return Gap("value", (label,))
        if self.focus_passage(question, service, p) is not None:
            # a sentence matched, but the question names a specific thing the manual never mentions
            foreign = unmentioned_words(question, self._mention_texts().get((p.id, None), ""), rare_below)
            return Gap("words", foreign) if foreign else None
        mentions = self._mention_texts()
        words = unmentioned_words(question, mentions.get((p.id, sid), ""))
        if not words or service is None:
            return Gap("words", words) if words else None
        # "手册中没有提到“机场”" is untrue when another service's part does: said of this service,
        # with the services that mention them ("平安出院交通…机场" vs 海外就诊服务's 接机)
        nowhere = unmentioned_words(question, mentions.get((p.id, None), ""))
        if set(words) <= set(nowhere):
            return Gap("words", words)
        named = [w for w in words if w not in nowhere]
        said = {  # how many of the words each other service's part mentions
            other: len(named) - len(unmentioned_words(" ".join(named), text))
            for (pid, other), text in mentions.items()
            if pid == p.id and other not in (None, sid)
        }
        most = max(said.values(), default=0)
        others = tuple(self._services_by_id[o].name for o, k in said.items() if k == most and most > 0)
        return Gap("words", words, service=service.name, elsewhere=others)

    @lru_cache(maxsize=1)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def _mention_texts(self) -> Dict[Tuple[str, Optional[int]], str]:
        """By (product, service): the service's sentences and the questions hooked to them, lower-cased;
        by (product, None): the whole product's."""
        hooks = self.hook_texts()
        parts: Dict[Tuple[str, Optional[int]], List[str]] = {}
        for i, x in enumerate(self._passages):
            text = f"{x[3]} {x[4]} {hooks.get(i, '')}".lower()
            parts.setdefault((x[0], None), []).append(text)
            if x[1] is not None:
                parts.setdefault((x[0], x[1]), []).append(text)
        return {key: " ".join(texts) for key, texts in parts.items()}

    def focus_ranking(
        self,
        question: str,
        service_id: Optional[int],
        product_id: Optional[str],
        options: Optional["FocusOptions"] = None,
    ) -> List[Dict[str, Any]]:
        """The passages a focused search ranks for a detail question, best first, before any
        threshold (benchmarks/bench_retrieval.py measures them); ``options`` default to
        ``knowledge.search.FOCUS``. Question words are not scored on; channels and procedure
        steps are left to the apply answer."""
        from knowledge.search import QUESTION_WORDS

        if product_id is None and service_id is not None:
            product_id = self._services_by_id[service_id].product.id
        found = self.prepare_search().focus(
            question, product_id=product_id, service_id=service_id, ignore=QUESTION_WORDS, options=options
        )
        return [h for h in self._hits(found) if h["kind"] not in UNFOCUSED]

    def _hits(self, found: Iterable[Tuple[Tuple, float]]) -> List[Dict[str, Any]]:
        """Search results as dicts with their sources."""
        out = []
        for (pid, sid, kind, title, text, section), score in found:
            prod = self._products[pid]
            out.append(
                {
                    "product": prod.name,
                    "product_id": pid,
                    "service_id": sid,
                    "kind": kind,
                    "title": title,
                    "text": text,
                    "score": round(score, 3),
                    "source": Source(prod.manual, prod.manual_title, section).to_dict(),
                }
            )
        return out

    def prepare_search(self) -> "PassageSearch":
        """Build the passage index (and load jieba) now: a server calls this at start so that the
        first user does not wait two seconds for it."""
        from knowledge.search import PassageSearch

        if self._search is None:
            self._search = PassageSearch(self._passages, self.hook_asks())
        return self._search

    def hook_texts(self) -> Dict[int, str]:
        """The question hooks of each passage (hook_asks) as one text."""
        return {i: " ".join(asks) for i, asks in self.hook_asks().items()}

    @lru_cache(maxsize=1)  # noqa: B019 - one KnowledgeBase per process; the store is immutable once loaded
    def hook_asks(self) -> Dict[int, Tuple[str, ...]]:
        """The question hooks (knowledge/retrieval/hooks/) by the index of the passages each is for:
        every passage of its product (and service) a focused search can give whose text holds its
        sentence (a Q&A's answer and the fact taken from it are one sentence twice)."""
        from knowledge.retrieval import load_hooks

        out: Dict[int, Tuple[str, ...]] = {}
        for h in load_hooks():
            svc = self.service(h.product, h.service) if h.service else None
            for i, p in enumerate(self._passages):
                if (
                    p[0] == h.product
                    and p[1] == (svc.id if svc else None)
                    and p[2] not in UNFOCUSED
                    and h.sentence in p[4]
                ):
                    out[i] = out.get(i, ()) + tuple(h.asks)
        return out

    def search(
        self,
        query: str,
        product: Optional[ProductRef] = None,
        limit: int = 5,
        service: Optional[ServiceInfo] = None,
        ignore: Iterable[str] = (),
    ) -> List[Dict[str, Any]]:
        """Best passages for a free-text question (BM25 over jieba tokens), with their sources.

        ``service`` keeps to one service's passages; ``ignore`` lists words not to score on.
        """
        p = self._as_product(product) if product else (service.product if service else None)
        hits = self.prepare_search().query(
            query,
            product_id=p.id if p else None,
            limit=limit,
            service_id=service.id if service else None,
            ignore=ignore,
        )
        return self._hits(hits)
