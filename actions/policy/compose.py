"""Step 3 — answer: the question, resolved, → a structured ``Answer`` from the store's facts.

An answer holds what is to be said, not how: the facts and the manual's sentences chosen, the
sentence that speaks to the detail asked (``focus``), the sources, what is missing and the
options to choose from.  ``shape`` names the message the render step words it as.  The handler
for each question is in ``HANDLERS``, built once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.policy.answer import Answer, Focus, Handler, Need, facts_of, focus_on, hit_source
from actions.policy.interpret import ANOTHER_THING_MARKERS, ASKED_OF_EACH, COMPARING_WORDS, Question, either_or
from actions.policy.lists import LIST_WORDS, SAFETY, compared_detail
from actions.policy.printed_lists import asked_words, list_question
from actions.policy.resolve import Resolved, ServiceLookup, lookup_service
from actions.policy.text import clean, distinct, named_in
from actions.policy.turn import QUESTION_INTENTS, SERVICE_SUGGESTION, compared_row, compared_rows
from knowledge.api import FactInfo, KnowledgeBase, ProductInfo, ServiceInfo, Source
from knowledge.coverage import REMOTE_ONLY
from knowledge.english import is_english
from knowledge.gaps import Gap
from knowledge.search import expected_values, fact_words

# Questions about one service and the fact kinds that answer them ("time.duration": time facts
# of that sub-kind — how long one use lasts belongs with how often), and the answer's type.
SERVICE_FACTS: Dict[str, Tuple[Tuple[str, ...], str]] = {
    "ask_usage_limit": (("usage_limit", "time.duration"), "rule"),
    "ask_time": (("time",), "rule"),
    "ask_advance_notice": (("advance_notice",), "rule"),
    "ask_eligibility": (("eligibility", "prerequisite", "waiting_period"), "rule"),
    "ask_materials": (("material",), "materials"),
    "ask_cost": (("cost",), "rule"),
    "ask_cancel": (("cancellation",), "rule"),
    "ask_service_info": (("content",), "service_info"),
}
# Product-wide rules: the rule topic, and the word a service's own sentences on the topic use.
PRODUCT_RULES: Dict[str, Tuple[str, str]] = {
    "ask_waiting_period": ("waiting_period", "等待期"),
    "ask_cooling_off": ("cooling_off", "犹豫期"),
    "ask_sharing": ("sharing", "共享"),
}
# A product rule no manual sentence states, asked about one service, is answered by the service's
# facts of a related kind: whether someone else may use it ("我女儿可以用我的名额吗") is who may use it.
RELATED_QUESTIONS = {"ask_sharing": "ask_eligibility"}
# Questions a service's description answers when the manual states nothing of their own kind for it:
# who or what a service is for is what it covers ("会员在接受以下任何一项治疗…之前都必须获得事先授权"),
# said after "手册没有写明适用人群和使用条件" rather than a bare "not stated".
DESCRIBED_BY_CONTENT = frozenset({"ask_eligibility"})
# Facts of a service that can differ within one manual and are shown side by side when they do.
CONFLICT_KEYS = {"ask_advance_notice": "hours"}
# How many rules of a product a rule answer shows.
MAX_RULES = 3
# How many steps of a procedure an answer shows.
MAX_STEPS = 8


# How many services a question for the service names as examples.
EXAMPLES = 3


# -- when the service or the product is missing ---------------------------------------------
def example_services(n: Need, compared: bool = False) -> List[str]:
    """Services to name in "请问您想了解哪项服务？例如：…": the product's own (尊享e生2023版 has no 住院陪护),
    or, with no product, one of each product's; for a comparison, services more than one product offers."""
    if n.product is not None and not compared:
        return [s.name for s in n.kb.services_of(n.product)][:EXAMPLES]
    out: List[str] = []
    seen = set()  # one of each product's, so that the examples show the range
    for svc in n.kb.all_services():
        if svc.product.id in seen or svc.name in out:
            continue
        if compared and len({s.product.id for s in n.kb.products_offering(svc.name)}) < 2:
            continue
        out.append(svc.name)
        seen.add(svc.product.id)
        if len(out) == EXAMPLES:
            break
    return out


def service_missing(n: Need, lookup: ServiceLookup) -> Answer:
    """The answer that says which service is missing, or asks which one (or which product)."""
    if lookup.problem == "unnamed":
        return product_passage(n) or Answer(
            "ask_service", "clarify", n.product, missing="service", data={"examples": example_services(n)}
        )
    if lookup.problem == "not_offered":
        return not_offered(n, lookup)
    if lookup.problem == "misspelt":
        return confirm_service(n, lookup)
    if lookup.problem == "not_in_product":
        return Answer(
            "not_in_product",
            "services",
            n.product,
            missing="service",
            data={
                "words": lookup.words,
                "offering": [s.product.name for s in lookup.offering],
                "services": [s.name for s in lookup.product_services],
            },
        )
    if lookup.problem == "did_you_mean":
        names = [(m.service.product.name, m.service.name) for m in lookup.close[:3]]
        return Answer(
            "did_you_mean_service", "clarify", missing="service", data={"words": lookup.words, "names": names}
        )
    if lookup.problem == "unknown":
        return Answer("unknown_service", "fallback", data={"words": lookup.words})
    options = [s.product.name for s in lookup.offering]
    return Answer(
        "which_product",
        "clarify",
        missing="product",
        options=options,
        data={"words": lookup.words},
        extra={"options": options},
    )


def confirm_service(n: Need, lookup: ServiceLookup) -> Answer:
    """ "您是指“住院陪护”吗": a misspelt service name is asked about, never used silently."""
    name = lookup.close[0].matched
    return Answer(
        "confirm_service",
        "clarify",
        n.product,
        missing="service",
        options=[name],
        data={"words": lookup.words, "name": name},
        slots={"pending": SERVICE_SUGGESTION + name},
        extra={"suggestions": [name]},
    )


def not_offered(n: Need, lookup: ServiceLookup) -> Answer:
    """A service no manual has (of the product, if known): said so, with the closest that exist."""
    return Answer(
        "not_offered",
        "not_offered",
        n.product,
        sources=[s.source() for s in lookup.offering],
        data={"words": lookup.words, "close": lookup.offering},
        extra={"missing": "service"},
    )


def product_passage(n: Need) -> Optional[Answer]:
    """ "平安医疗险说的医院是指哪些医院", "私人健康管家什么时间能找到人": product-wide rules and
    contacts answer questions that name no service."""
    if n.product is None:
        return None
    hit = n.kb.focus_passage(n.q.detail, product=n.product)
    if hit is None:
        return None
    contact = [c for c in n.kb.contacts(n.product) if hit["kind"] == "contact" and c.name == hit["title"]]
    svc = n.kb.service_by_id(hit["service_id"]) if hit["service_id"] is not None else None
    return Answer(
        "product_passage",
        "contact" if contact else "rule",
        n.product,
        svc,
        sources=[hit_source(hit)],
        data={"title": svc.name if svc else hit["title"], "contacts": contact, "text": hit["text"]},
        slots={"service": svc.name} if svc is not None else {},
        extra={"focus": True},
    )


def product_needed(n: Need, topic: str) -> Tuple[Optional[ProductInfo], Optional[Answer]]:
    """The product of the conversation, the only candidate, or the answer asking which."""
    if n.product is not None:
        return n.product, None
    options = n.r.candidates or n.kb.products()
    if len(options) == 1:
        return options[0], None
    names = [p.name for p in options]
    return None, Answer(
        "which_product_for_topic",
        "clarify",
        topic=topic,
        missing="product",
        options=names,
        extra={"options": names},
    )


def not_stated(n: Need, svc: ServiceInfo, topic: str) -> Answer:
    return Answer(
        "not_stated",
        "not_stated",
        svc.product,
        svc,
        topic=topic,
        sources=[svc.source()],
        data={"hotlines": n.kb.contacts(svc.product, "hotline")[:1]},
    )


def focus_answer(svc: ServiceInfo, focus: Focus) -> Answer:
    """The focused sentence as the whole answer, typed by what it is (content, Q&A, rule)."""
    kind = {"content": "service_info", "items": "service_info", "qa": "faq"}.get(focus.kind or "", "rule")
    return Answer(
        "focus_answer", kind, svc.product, svc, focus=focus, sources=list(focus.sources), extra={"focus": True}
    )


# -- the handlers ------------------------------------------------------------------------------
def acknowledge(n: Need) -> Answer:
    """ "好的" / "不是" / "没事了，我自己再研究研究": nothing to look up."""
    return Answer("ack", "chitchat", data={"affirm": n.q.intent in ("affirm", "closing")}, keeps_pending=True)


def unknown_place(
    product: Optional[ProductInfo], svc: Optional[ServiceInfo], words: str, suggestions: List[str]
) -> Answer:
    """ "没有找到地名…，您是指…吗": the place asked about is not one the gazetteer knows as written."""
    return Answer(
        "unknown_place",
        "clarify",
        product,
        svc,
        missing="place",
        options=suggestions[:1],
        data={"words": words},
        slots={"pending": suggestions[0]} if suggestions else {},
        extra={"suggestions": suggestions} if suggestions else {},
    )


def coverage(n: Need) -> Answer:
    svc = n.r.service
    if svc is None:
        if n.r.lookup.problem == "unnamed" and n.q.slots.get("place") and n.product is not None:
            return services_at(n, n.product)  # "平安在成都能用哪些服务" read as a coverage question
        return service_missing(n, n.r.lookup)
    if not n.q.place_words:
        misspelt = n.kb.misspelt_places(n.q.text)
        if misspelt:  # "平安住院陪护在杭洲能用吗": 杭洲 is no name the NLU knows, but sounds like 杭州
            division = n.kb.resolve_place(misspelt[0].name).division
            return unknown_place(svc.product, svc, misspelt[0].typed, [division.name] if division else [])
        return coverage_summary(n, svc)
    result = n.kb.is_covered(svc.product, svc, n.q.place_words, in_person=n.q.in_person)
    if result.status == "unknown_place":
        return unknown_place(svc.product, svc, n.q.place_words, result.to_dict()["suggestions"])
    # which hospitals there, asked beside the place, where the manual names none
    unlisted = LIST_WORDS.asks_hospitals(n.q.detail) and not result.hospitals and not result.to_dict()["hospital_names"]
    return Answer(
        "coverage",
        "coverage",
        svc.product,
        svc,
        result.place.name,
        result.covered,
        sources=[result.source, *([svc.source(svc.coverage.section)] if unlisted else [])],
        data={"result": result, "hospitals_unlisted": unlisted},
        extra={"status": result.status, "province": result.province.name, "hospitals": result.hospitals},
    )


def coverage_summary(n: Need, svc: ServiceInfo) -> Answer:
    cov = svc.coverage
    data: Dict[str, Any] = {"coverage": cov}
    sources = [svc.source(cov.section)]
    if cov.type == "list":
        data["groups"] = n.kb.coverage_by_province(svc.product, svc)
        sources += [svc.source(pl.section) for pl in cov.lists]
    focus = focus_on(n, svc, [cov.text or ""])
    return Answer(
        "coverage_summary",
        "coverage_summary",
        svc.product,
        svc,
        focus=focus,
        sources=list(focus.sources) + sources,
        data=data,
        extra={"coverage_type": cov.type},
    )


def service_facts(n: Need) -> Answer:
    kinds, answer_type = SERVICE_FACTS[n.q.intent]
    svc = n.r.service
    if svc is None:
        return service_missing(n, n.r.lookup)
    facts = [f for k in kinds for f in facts_of(svc, k)]
    # the facts printing the kind of value asked go first ("星期天有人回吗": 工作日 9:00-21:00), and the
    # fact about the detail asked before them, so that a long answer does not hide either
    values = expected_values(n.q.detail)
    facts = sorted(facts, key=lambda f: not any(v.search(f.text) for v in values))
    hit = n.kb.focus_passage(n.q.detail, svc)
    if hit is not None:
        facts = sorted(facts, key=lambda f: f.text != hit["text"])
    focus = focus_on(n, svc, [f.text for f in facts])
    if not facts and focus:  # nothing of the kind asked, but the manual's sentence on the detail answers it
        answer = focus_answer(svc, focus)
        words = fact_words().get(kinds[0])
        if words and not any(w in t for t in focus.texts for w in words):
            # … unless it states nothing of that kind either ("要不要另外付专家费": no word of a cost)
            answer.gap = Gap("topic", (n.q.intent,), service=svc.name)
        return answer
    described = not facts and n.q.intent in DESCRIBED_BY_CONTENT
    if described:  # "什么情况下需要做预授权": what the service is for is the manual's whole answer
        kinds, answer_type = SERVICE_FACTS["ask_service_info"]
        facts = [f for k in kinds for f in facts_of(svc, k)]
    if not facts:
        return not_stated(n, svc, n.q.intent)
    conflict_key = CONFLICT_KEYS.get(n.q.intent)
    conflict = bool(conflict_key) and _conflicting(facts, conflict_key or "")
    related_only = described or not facts_of(svc, kinds[0])  # only related kinds ("time.duration" for a usage limit)
    return Answer(
        "service_facts",
        answer_type,
        svc.product,
        svc,
        topic=n.q.intent,
        facts=facts,
        focus=focus,
        sources=list(focus.sources) + [svc.source(f.section) for f in facts],
        data={
            "conflict": conflict and not related_only,
            "related_only": related_only,
            "whole": answer_type == "materials",  # a list of materials is only useful whole
            "items": (n.q.intent == "ask_service_info" or described) and bool(svc.items),
        },
        extra={"conflict": (conflict or related_only) and conflict_key is not None, "focus": bool(focus)},
    )


def _conflicting(facts: Sequence[FactInfo], key: str) -> bool:
    values = {f.data.get(key) for f in facts if f.data.get(key) is not None}
    return len(values) > 1


def apply(n: Need, lookup: Optional[ServiceLookup] = None) -> Answer:
    lookup = lookup or n.r.lookup
    if not lookup.words and n.product is not None:  # "PLUS的服务一般通过什么渠道申请"
        return product_passage(n) or contacts(n, "channels", kinds=None)
    svc = lookup.service
    if svc is None:
        return service_missing(n, lookup)
    how = n.kb.how_to_apply(svc)
    if not how["stated"]:
        return not_stated(n, svc, "ask_apply")
    steps = list(how["steps"][:MAX_STEPS])
    focus = focus_on(n, svc, how["steps"] + [c["text"] for c in how["channels"]])
    return Answer(
        "procedure",
        "procedure",
        svc.product,
        svc,
        focus=focus,
        sources=list(focus.sources) + [svc.source(how["section"])],
        data={"steps": steps, "all_steps": "".join(how["steps"]), "channels": [c["text"] for c in how["channels"]]},
    )


def product_rule(n: Need) -> Answer:
    topic, word = PRODUCT_RULES[n.q.intent]
    if n.product is None and n.q.service_words and n.r.service is not None:
        n = replace(n, r=replace(n.r, product=n.r.service.product, candidates=[]))
    product, ask = product_needed(n, n.q.intent)
    if ask:
        return ask
    rules = n.kb.rules(product, topic)
    svc = n.kb.service(product, n.q.service_words) if n.q.service_words else None
    # the service's own sentences on the topic ("等待期内无法申请该项服务", "保单生效即可使用该服务") come first
    own = [f for f in svc.facts if f.kind == topic or word in f.text] if svc is not None else []
    related = RELATED_QUESTIONS.get(n.q.intent)
    if not rules and not own and related and svc is not None:
        return service_facts(replace(n.with_intent(related), r=replace(n.r, lookup=ServiceLookup(svc.name, svc))))
    focus = focus_on(n, svc, distinct([clean(f.text) for f in own]) + [x.text for x in rules])
    if not rules and not own and not focus:
        return Answer(
            "product_rule_not_stated",
            "not_stated",
            product,
            svc,
            topic=n.q.intent,
            data={"hotlines": n.kb.contacts(product, "hotline")[:1]},
        )
    sources = [svc.source(f.section) for f in own] + [
        Source(product.manual, product.manual_title, x.section) for x in rules[:MAX_RULES]
    ]
    return Answer(
        "product_rule",
        "rule",
        product,
        svc,
        topic=n.q.intent,
        facts=own,
        focus=focus,
        sources=list(focus.sources) + sources,
        data={"rules": rules[:MAX_RULES]},
    )


def contacts(n: Need, purpose: str, kinds: Optional[Tuple[str, ...]] = ("hotline", "butler")) -> Answer:
    """The products' contacts: for the hotline, for a person (handoff) or as the ways to apply."""
    products = [n.product] if n.product else (n.r.candidates or n.kb.products())
    blocks, sources = [], []
    for p in products:
        found = [c for c in n.kb.contacts(p) if kinds is None or c.kind in kinds]
        blocks.append((p, found))
        sources += [Source(p.manual, p.manual_title, c.section) for c in found[:1]]
    kind = {"hotline": "contact", "handoff": "handoff", "channels": "procedure"}[purpose]
    return Answer("contacts", kind, n.product, sources=sources, data={"purpose": purpose, "blocks": blocks})


def hotline(n: Need) -> Answer:
    answer = contacts(n, "hotline")
    svc = n.r.service if n.q.service_words and n.product else None
    hours = facts_of(svc, "time.service_hours") if svc is not None else []
    if hours:  # "晚上十点还能打吗" about a service: its own service hours come first
        answer.service, answer.kind, answer.facts = svc, "rule", hours
        answer.sources = [svc.source(f.section) for f in hours] + answer.sources
    return answer


def handoff(n: Need) -> Answer:
    return contacts(n, "handoff")


def services(n: Need) -> Answer:
    product, ask = product_needed(n, "ask_services")
    if ask:
        return ask
    if n.q.place_words:
        return services_at(n, product)
    if not LIST_WORDS.asks_whole(n.q.detail):  # "安盛的健康服务是不是买了保单就都有": a rule, not the list
        passage = product_passage(n)
        if passage is not None:
            return passage
    return Answer(
        "services",
        "services",
        product,
        sources=[Source(product.manual, product.manual_title, "目录")],
        data={"services": n.kb.services_of(product)},
    )


# How a service stands at one place, for "成都能用哪些服务": the group it is listed under.
PLACE_GROUPS = ("here", "remote", "unsure", "not_here")


def services_at(n: Need, product: ProductInfo) -> Answer:
    """ "在成都能用哪些服务": every service of the product checked against the place, grouped —
    usable there, given remotely wherever one is, not stated or to be confirmed, not there."""
    results = [(svc, n.kb.is_covered(product, svc, n.q.place_words)) for svc in n.kb.services_of(product)]
    if results and results[0][1].status == "unknown_place":
        return unknown_place(product, None, n.q.place_words, results[0][1].to_dict()["suggestions"])
    groups: Dict[str, List[ServiceInfo]] = {g: [] for g in PLACE_GROUPS}
    for svc, result in results:
        if result.status == REMOTE_ONLY or svc.coverage.type == "remote":
            groups["remote"].append(svc)
        elif result.covered is True:
            groups["here"].append(svc)
        elif result.covered is False:
            groups["not_here"].append(svc)
        else:
            groups["unsure"].append(svc)
    place = results[0][1].place.name if results and results[0][1].place else n.q.place_words
    listed = [r.source for svc, r in results if r.source is not None and svc not in groups["remote"]]
    return Answer(
        "services_at",
        "services",
        product,
        place=place,
        sources=[
            Source(product.manual, product.manual_title, "目录"),
            *[x for i, x in enumerate(listed) if x not in listed[:i]],
        ],
        data={"groups": groups, "place": place},
        extra={"by_place": {g: [s.name for s in v] for g, v in groups.items()}},
    )


def compare(n: Need) -> Answer:
    if n.q.compared:  # "那分别能做几次": the rows compared before
        rows = _rows_again(n, n.q.compared)
        if rows:
            return _compare_rows(n, rows)
    if not n.q.service_words:  # "安盛的服务手册跟保险合同写得不一样，听哪个的": a product's own rule
        return product_passage(n) or Answer(
            "ask_compare_service", "clarify", missing="service", data={"examples": example_services(n, compared=True)}
        )
    named = {p.name for p in n.r.named}
    if len(n.q.services) >= 2:  # "安盛基因检测和二诊哪个快": each service, of the products named (or talked of)
        scope = named or ({n.product.name} if n.product else set())
        rows = [x for word in n.q.services for x in n.kb.compare(word) if not scope or x["product"] in scope]
        rows = list({(x["product_id"], x["service"]): x for x in rows}.values())
    else:
        rows = n.kb.compare(n.q.service_words)
    if not rows:
        return Answer("unknown_service", "fallback", data={"words": n.q.service_words})
    if len(named) >= 2 and len(named & {x["product"] for x in rows}) >= 2:  # "安盛跟平安的…": those two
        rows = [x for x in rows if x["product"] in named]
    return _compare_rows(n, rows)


# The questions asked of each product's service when a word names one in each: those a comparison's
# follow-up asks of each row (interpret.ASKED_OF_EACH), a comparison itself, or an unsure one.
COMPARED_EACH = (*ASKED_OF_EACH, "ask_compare", "nlu_fallback")


def compare_each(n: Need) -> Answer:
    """ "会诊时间定了…平安的和众安PLUS的分别得提前多久打招呼才能改": one service of each product named, by a
    word of their names (resolve.service_of_each), side by side on the kind of question asked."""
    services = n.r.lookup.offering
    rows = [x for s in services for x in n.kb.compare(s.name) if x["product_id"] == s.product.id]
    kind = n.q.intent if n.q.intent in SERVICE_FACTS else None
    answer = _compare_rows(Need(n.kb, replace(n.q, compared_kind=kind), n.r), rows)
    answer.asked = "ask_compare"
    return answer


def _rows_again(n: Need, compared: Sequence[str]) -> List[Dict[str, Any]]:
    """The comparison rows a ``compared`` slot names, as ``KnowledgeBase.compare`` gives them."""
    return [x for pid, name in compared_rows(compared) for x in n.kb.compare(name) if x["product_id"] == pid]


def _compare_rows(n: Need, rows: List[Dict[str, Any]]) -> Answer:
    """The rows side by side; kept for the follow-ups when there are two or more."""
    sources = [Source(x["source"]["manual"], x["source"]["title"], x["source"]["section"]) for x in rows]
    # "哪个出报告快", "提前几天": the facts of the kind asked, or else the manual's sentence on the
    # detail, product by product
    asked = compared_detail(n.q.detail) or n.q.compared_kind
    details: List[Optional[Focus]] = []
    asked_facts: List[List[FactInfo]] = []
    differing: List[bool] = []  # a row whose manual states the thing asked twice, differently
    for x in rows:
        svc = n.kb.service(x["product_id"], x["service"])
        facts = _compared_facts(n, svc, asked) if svc is not None else []
        asked_facts.append(facts)
        key = CONFLICT_KEYS.get(asked or "")
        differing.append(bool(key) and _conflicting(facts, key or ""))
        sources += [svc.source(f.section) for f in facts] if svc is not None else []
        # "有啥区别" asks no detail: the usual rows; "报告是纸的吗" does
        words = [w for w in asked_words(n.q.detail, svc) if not any(c in w for c in COMPARING_WORDS)] if svc else []
        asks_detail = bool(asked) or bool(words)
        focus = focus_on(n, svc, shown=x["usage_limit"]) if svc is not None and not facts and asks_detail else Focus()
        details.append(focus or None)
        sources += list(focus.sources) if focus else []
    return Answer(
        "comparison",
        "comparison",
        topic=asked if any(asked_facts) else None,
        sources=sources,
        data={
            "rows": rows,
            "details": details if any(details) or any(asked_facts) else [],
            "asked_facts": asked_facts,
            "differing": differing,
        },
        extra={"products": [x["product"] for x in rows], "compared": asked},
        slots={"compared": [compared_row(x["product_id"], x["service"]) for x in rows]} if len(rows) >= 2 else {},
    )


PHONE_NUMBER = re.compile(r"\d{5,}|\d{3,4}-\d{4,}")


def _compared_facts(n: Need, svc: ServiceInfo, asked: Optional[str]) -> List[FactInfo]:
    """A comparison row's facts of the kind asked (the hotline as a fact-like line for ask_hotline)."""
    if asked in SERVICE_FACTS:
        facts = [f for k in SERVICE_FACTS[asked][0] for f in facts_of(svc, k)]
        hit = n.kb.focus_passage(n.q.detail, svc)
        if hit is not None:  # the one on the detail first ("出报告" among several durations)
            facts = sorted(facts, key=lambda f: f.text != hit["text"])
        key = CONFLICT_KEYS.get(asked)
        # the manual says 12 and 24 hours: one sentence of each, as one service's answer shows them
        if key and _conflicting(facts, key):
            facts = [f for i, f in enumerate(facts) if f.data.get(key) not in {g.data.get(key) for g in facts[:i]}]
        if hit is not None and facts and facts[0].text != hit["text"]:
            # the sentence on the detail is in another part ("垫付材料审核要多久？" of the FAQ): shown after them
            return [*facts[:2], FactInfo(asked, hit["text"], hit["source"]["section"], {})]
        return facts[:2]
    if asked == "ask_hotline":
        return [f for f in facts_of(svc, "channel") if PHONE_NUMBER.search(f.text)][:2]
    return []


def out_of_scope(n: Need) -> Answer:
    # In a conversation about a service, "我的资料不全会怎么样" may be about it: the manual's
    # sentence on the detail answers it if there is one; a service named outright is searched.
    if n.q.service_words and (n.product or n.q.slots.get("service")):
        svc = n.r.service
        focus = focus_on(n, svc)
        if focus and svc is not None:
            return focus_answer(svc, focus)
        if n.q.slots.get("service"):
            return fallback(n)
    # "众安PLUS的私人健康管家都干过几年临床": a product named outright, and a sentence of its manual on the detail
    if not n.q.service_words and n.product is not None and n.product in n.r.named:
        hit = product_passage(n)
        if hit is not None:
            return hit
    return Answer("out_of_scope", "out_of_scope")


def fallback(n: Need) -> Answer:
    # "出的报告是电子的还是纸的" after a question on 基因检测: the service of the conversation's
    # sentence on the detail, if one passes the threshold; a service named now is searched further
    svc = n.r.service
    focus = focus_on(n, svc) if svc is not None else Focus()
    if focus and svc is not None:
        return focus_answer(svc, focus)
    # a service named now, or the conversation's when the message names nothing else ("申请的时候得交哪些单子")
    names_nothing = not (n.q.slots.get("place") or n.r.named)
    svc = svc if n.q.slots.get("service") or names_nothing else None
    if svc is not None:  # a service is named: how to apply for it, if that is what it asks
        best = n.kb.search(n.q.text, service=svc, limit=1)
        if best and best[0]["kind"] in ("channel", "step"):
            return apply(n, lookup_service(n.kb, n.product, n.r.candidates, svc.name))
    elif n.product is not None:  # no service named: the product's own rule on the detail, if one stands out
        passage = product_passage(n)
        if passage is not None:
            return passage
    # the service named now, if it has a passage on the words at all: never another service's passage for it
    scoped = n.kb.search(n.q.text, service=svc, limit=1) if svc is not None else []
    hits = scoped or n.kb.search(n.q.text, n.product, limit=1)
    if hits and n.product is not None and not n.q.service_words and hits[0]["kind"] in ("channel", "step", "contact"):
        return apply(n)  # "那些服务通过什么渠道申请": the product's channels
    if hits:
        hit = hits[0]
        return Answer(
            "best_passage",
            "faq" if hit["kind"] == "qa" else "fallback",
            n.kb.get_product(hit["product_id"]),
            svc if scoped else None,  # what the manual's part on it does not state is said first (_with_gap)
            sources=[hit_source(hit)],
            data={"hit": hit},
        )
    return Answer("not_understood", "fallback")


def _in_scope(n: Need, services: Sequence[ServiceInfo]) -> List[ServiceInfo]:
    """The services of the conversation's product, or of every product when none is known."""
    return [s for s in services if n.product is None or s.product.id == n.product.id]


def _offering(n: Need, names: Sequence[str]) -> List[ServiceInfo]:
    out: List[ServiceInfo] = []
    for name in names:
        out += [s for s in _in_scope(n, n.kb.products_offering(name)) if s not in out]
    return out


def safety(n: Need) -> Answer:
    """An emergency: 120 first, then the manuals' own sentences on emergencies and the services that
    help (绿通); a medical question: no advice, the manuals' services for talking to a doctor."""
    data: Dict[str, Any] = {"emergency": "emergency" in n.q.safety, "medical_advice": "medical_advice" in n.q.safety}
    sentences: List[Tuple[str, List[ProductInfo], Source]] = []
    if data["emergency"]:
        products = [n.product] if n.product else n.kb.products()
        for p in products:
            for hit in n.kb.search(" ".join(SAFETY.manual_words), product=p, limit=10):
                if not any(w in hit["text"] for w in SAFETY.manual_words):
                    continue
                same = next((x for x in sentences if x[0] == hit["text"]), None)
                if same is None:
                    sentences.append((hit["text"], [p], hit_source(hit)))
                elif p not in same[1]:
                    same[1].append(p)
        sentences = sentences[:MAX_RULES]
        data["services"] = _offering(n, SAFETY.service_names)
    data["sentences"] = sentences
    data["doctors"] = _offering(n, SAFETY.doctor_services)
    data["hotlines"] = n.kb.contacts(n.product, "hotline")[:1] if n.product else []
    return Answer(
        "safety",
        "safety",
        n.product,
        sources=[x[2] for x in sentences] + [s.source() for s in data.get("services", []) + data["doctors"]],
        data=data,
        extra={"safety": list(n.q.safety)},
    )


def outside_insurer(n: Need) -> Answer:
    """An insurer the manuals are not from: which insurers and products the assistant knows, and
    which of them have the service asked about."""
    offering = n.kb.products_offering(n.q.slots["service"]) if n.q.slots.get("service") else []
    return Answer(
        "outside_insurer",
        "outside_manuals",
        missing="product",
        options=[p.name for p in n.kb.products()],
        data={
            "name": n.q.outside_insurer,
            "products": n.kb.products(),
            "offering": offering,
            "words": n.q.slots.get("service"),
        },
        extra={"insurer": n.q.outside_insurer},
    )


def nothing_to_stop(n: Need) -> Answer:
    """ "算了，不申请了" with no request in progress (the request form answers it when one is)."""
    return Answer("nothing_to_stop", "chitchat", keeps_pending=True)


def greeting(n: Need) -> Answer:
    """ "您好，在吗": hello, and what can be asked; the conversation's context stays as it was."""
    return Answer("greeting", "chitchat", keeps_pending=True)


def nothing_to_cancel(n: Need) -> Answer:
    """A cancellation asked with no open request and no service to give the rule of."""
    return Answer("nothing_to_cancel", "chitchat")


def english_help(n: Need) -> Answer:
    """An English message of which nothing is understood: what the assistant can do, in both languages."""
    return Answer("english_help", "clarify", n.product)


HANDLERS: Dict[str, Handler] = {
    "safety": safety,
    "english_help": english_help,
    "stop_request": nothing_to_stop,
    "nothing_to_cancel": nothing_to_cancel,
    "outside_insurer": outside_insurer,
    "greet": greeting,
    "affirm": acknowledge,
    "deny": acknowledge,
    "closing": acknowledge,
    "ask_coverage": coverage,
    "ask_apply": apply,
    "ask_hotline": hotline,
    "human_handoff": handoff,
    "ask_services": services,
    "ask_compare": compare,
    "out_of_scope": out_of_scope,
    "nlu_fallback": fallback,
    **{intent: service_facts for intent in SERVICE_FACTS},
    **{intent: product_rule for intent in PRODUCT_RULES},
}
# The questions whose answer is a kind of fact: another reading of the message may be tried for them.
FACT_QUESTIONS = (*SERVICE_FACTS, *PRODUCT_RULES)


def compose(kb: KnowledgeBase, q: Question, r: Resolved) -> Answer:
    """The answer to the question, with the safety answer before it when the message needs one."""
    need = Need(kb, q, r)
    answer = _answer(need)
    if q.safety and answer.shape != "safety":  # safety before anything else
        answer.before = safety(need)
        answer.extra["safety"] = list(q.safety)
    elif q.no_open_request and answer.shape != "nothing_to_cancel":  # "nothing to cancel; the rule is …"
        answer.before = nothing_to_cancel(need)
        answer.extra["no_open_request"] = True
    return answer


def _answer(need: Need) -> Answer:
    """The handler's answer; when the store has nothing of the kind asked and the NLU's next
    reading is also likely, the answer to that reading if the store has one.
    "住院护工能陪护多少天" read as a coverage question has no answer; read as a usage limit it has."""
    q = need.q
    if need.r.lookup.problem == "not_offered":
        return not_offered(need, need.r.lookup)
    if need.r.lookup.problem == "misspelt":  # whatever is asked, the name is confirmed first (no other reading)
        answer = confirm_service(need, need.r.lookup)
        answer.asked = q.intent  # answered once the name is confirmed: this question, not an earlier one
        answer.slots["last_question"] = q.intent if q.intent in QUESTION_INTENTS else None
        return answer
    if need.r.lookup.problem == "per_product" and q.intent in COMPARED_EACH:
        return compare_each(need)
    answer = list_question(need) or HANDLERS.get(q.intent, fallback)(need)
    if answer.weak:
        for other in q.alternatives:
            if other not in FACT_QUESTIONS:
                continue
            alternative = HANDLERS[other](need.with_intent(other))
            if not alternative.weak and alternative.kind not in ("clarify", "fallback"):
                alternative.asked = other
                return alternative
    answer.asked = q.intent
    answer = _with_gap(need, answer)
    meant = _the_service_its_words_name(need, answer)
    if meant is None:
        return answer
    answer = _answer(replace(need, r=replace(need.r, lookup=replace(need.r.lookup, service=meant))))
    answer.slots.setdefault("service", meant.name)
    return answer


def _the_service_its_words_name(need: Need, answer: Answer) -> Optional[ServiceInfo]:
    """ "视频看医生的那个呢" after the hours of 图文咨询: the service of the conversation, named in
    no word of the message, is not what the message is about when its things are nowhere in that
    service's part and one other service of the product mentions them all (视频问诊), and it is
    said as a turn to another thing (呢, 那个 …; "申请的时候得交哪些单子" goes on about the same one)."""
    gap = answer.gap
    if gap is None or len(gap.elsewhere) != 1 or need.q.services or answer.service is None:
        return None
    if not any(w in need.q.detail for w in ANOTHER_THING_MARKERS):
        return None
    return next((s for s in need.kb.services_of(answer.service.product) if s.name == gap.elsewhere[0]), None)


# The answers that show the manual's sentences (an either-or question may find neither thing in them).
SHOWN_SENTENCES = ("service_facts", "focus_answer", "product_rule", "best_passage")


def _says_there_is_none(fact: FactInfo) -> bool:
    """A fact whose curated data says the thing is absent (no_waiting_period: true)."""
    return any(k.startswith("no_") and v is True for k, v in (fact.data or {}).items())


def _with_gap(n: Need, answer: Answer) -> Answer:
    """When the sentences shown do not settle what is asked, the answer says so first, then what
    the manual does say, instead of leaving the customer to guess: "报告是中文的还是英文的" with
    neither named, "一次最多垫几万" with no sum printed, "护工能要求是女的吗" with 女的 nowhere."""
    if answer.shape not in SHOWN_SENTENCES or is_english(n.q.text):  # English words are in no manual
        return answer
    pair = either_or(n.q.detail)
    if answer.gap is not None:  # set by the handler (a "topic" gap)
        gap: Optional[Gap] = answer.gap
    elif pair:
        shown = " ".join(
            [f.text for f in answer.facts] + [*answer.focus.texts, (answer.data.get("hit") or {}).get("text", "")]
        )
        gap = None if any(named_in(x, shown) for x in pair) else Gap("either_or", pair)
    else:
        gap = n.kb.gap(n.q.detail, answer.service, answer.product or n.product)
    if gap is not None and gap.kind == "value" and any(_says_there_is_none(f) for f in answer.facts):
        gap = None  # "等待期多久" answered by "保单生效即可使用" (no_waiting_period): none is the value
    if gap is not None:
        answer.gap = gap
        answer.extra["gap"] = {"kind": gap.kind, "things": list(gap.things)}
        if gap.service is not None:  # the service it is said of (and where else the words are)
            answer.extra["gap"].update(service=gap.service, elsewhere=list(gap.elsewhere))
    return answer
