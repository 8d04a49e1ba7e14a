"""What a printed list of a service holds, as an answer: "平安18种重疾里有没有糖尿病" (not on the list,
with the list), "上门护理能做雾化吗" (the item), "陪诊都包括哪些" (the whole list).

The item names and their matching are the store's (``knowledge.lists``); the words that ask about a
list are data (``data/list_words.yml``).
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from actions.policy.answer import Answer, Need
from actions.policy.interpret import INTERROGATIVES, QUESTION_MARKS
from actions.policy.lists import AVAILABILITY, LIST_WORDS, QUESTION_FRAME
from knowledge.api import RuleInfo, ServiceInfo, Source
from knowledge.lists import find_item, find_item_name, item_names

# The questions a question about a list is read as ("能做雾化吗" as a coverage or eligibility question).
# "我爸帕金森十来年了，吃药都压不住，平安的第二诊疗他能用吗" is often read as out of scope: with a service
# named it is a question about the service (compose.out_of_scope), and so about its list too.
LIST_QUESTIONS = ("ask_service_info", "ask_eligibility", "ask_services", "ask_coverage", "nlu_fallback", "out_of_scope")
# A part of an item is named only by a word at most this share of the manuals' passages hold (1%:
# 体温, 复诊, 透析 — not 期间 in 4%, 协助 in 7%, 情况 in 10%): read off the store's word counts.
RARE_WORD_SHARE = 0.01
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z\-]*")


def asked_words(detail: str, svc: ServiceInfo) -> List[str]:
    """The runs of words a question asks about, left when its frame is taken out ("18种重疾里有没有糖尿病"
    → ["糖尿病"]): no question, list or person word, nothing of the service's own name or list title."""
    import jieba

    from knowledge.search import QUESTION_WORDS, STOPWORDS

    drop = set(LIST_WORDS.membership + LIST_WORDS.whole + LIST_WORDS.people + LIST_WORDS.filler + QUESTION_FRAME)
    drop |= QUESTION_WORDS | STOPWORDS
    own = svc.name + (svc.items_title or "")
    runs: List[str] = []
    run: List[str] = []
    for w in [*jieba.lcut(detail), " "]:
        w = w.strip()
        keep = len(w) >= 2 and w not in drop and w not in own and _WORD.fullmatch(w) is not None
        if keep and not any(x in w for x in INTERROGATIVES):
            run.append(w)
        elif run:
            runs.append("".join(run))
            run = []
    return runs


def list_question(n: Need) -> Optional[Answer]:
    """ "平安18种重疾里有没有糖尿病", "上门护理能做雾化吗", "陪诊都包括哪些": what a service's printed list
    holds — the item (with its definition, when the manual gives one) or the part of an item
    ("护工会给量体温吗": 测量体温并记录), "not on the list" with the list, or the whole list.  None
    when the question is not about the list."""
    svc = n.r.service
    if svc is None or not svc.items or n.q.intent not in LIST_QUESTIONS or n.q.slots.get("place"):
        return None
    detail = n.q.detail
    if any(w in detail for w in LIST_WORDS.where):  # "在哪些城市能用": where, not what the list holds
        return None
    runs = asked_words(detail, svc)
    import jieba

    # a run as asked, then its words of three characters or more ("冠状动脉" of "冠状动脉那条"; not "地区")
    words = [(w, 2) for w in runs] + [(w, 3) for run in runs for w in jieba.lcut(run) if w != run]
    matched = next(
        ((w, hit) for w, least in words if (hit := find_item_name(svc.items, w, min_chars=least)) is not None), None
    )
    found = (matched[0], matched[1][0]) if matched else None
    # "测量体温并记录" of the carer's list: a part the item enumerates, as specific as an item of its own
    part = matched[1][1] if matched and matched[1][1] not in item_names(matched[1][0]) else None
    rare = bool(matched) and n.kb.passage_share(matched[0]) <= RARE_WORD_SHARE
    if part and not rare:  # "住院期间" names no part "睡眠期间…"
        matched = found = part = None
    asks_list = LIST_WORDS.asks_membership(detail) or LIST_WORDS.asks_whole(detail)
    sources = [list_source(n, svc)]
    if found is not None and LIST_WORDS.asks_whole(detail) and not LIST_WORDS.asks_membership(detail):
        # "哪些治疗得先做预授权": a word several items share names the list's kind, not one item
        if sum(find_item([item], found[0]) is not None for item in svc.items) >= 2:
            return Answer("list_whole", "service_info", svc.product, svc, topic="ask_service_info", sources=sources)
    # "能做雾化吗" is about the list when the item is all it asks about; "爸妈家门锁打不开，他们的房子能用吗" is not
    # an item or a part named by a rare word, asked yes or no, is about the list whatever else the message
    # tells ("做血透了，这种得先走预授权不", "我爸帕金森十来年了，吃药都压不住，第二诊疗他能用吗")
    # (an item by its own name's characters: "日本看病" read as 海外医院推荐与协调 is a loose reading, not a name)
    named = matched is not None and (part is not None or matched[0] in matched[1][1])
    asks_part = rare and named and AVAILABILITY.is_yes_no(detail)
    if found is not None and (asks_list or asks_part or (len(runs) == 1 and AVAILABILITY.asks_whether(detail))):
        return _member(n, svc, found, part, sources)
    # "洗衣机不转了能上门修吗": an item in other words, by the ways customers ask for it (an option measured
    # by benchmarks/bench_list_items.py and off: knowledge.lists.ITEM_ASK_MIN_SHARE), unless a sentence of
    # the service answers the detail asked ("他们的房子能用吗": 仅限在被保险人名下的房屋)
    yes_no = LIST_WORDS.asks_membership(detail) or AVAILABILITY.is_yes_no(detail)
    by_asks = n.kb.item_asked(svc, " ".join(runs)) if yes_no and runs else None
    if by_asks is not None:
        hit = n.kb.focus_passage(detail, svc)
        if hit is None or hit["kind"] == "items":
            return _member(n, svc, (_said(detail), by_asks[0]), None, [list_source(n, svc)])
    if runs and LIST_WORDS.asks_membership(detail):
        said = defined_with(n, svc, runs)
        if said is not None:
            sources = [*sources, svc.source(said[1].section)]
        return Answer(
            "list_not_member",
            "service_info",
            svc.product,
            svc,
            topic="ask_service_info",
            sources=sources,
            data={"asked": said[0] if said else runs[-1], "defined_in": said[1] if said else None},
            extra={"list": {"asked": said[0] if said else runs[-1], "on_list": False}},
        )
    if asks_list and not runs:
        return Answer("list_whole", "service_info", svc.product, svc, topic="ask_service_info", sources=sources)
    return None


def _member(n: Need, svc: ServiceInfo, found: Tuple[str, str], part: Optional[str], sources: List[Source]) -> Answer:
    """The item asked (``found``: the customer's words, the item), with its definition when the manual
    gives one."""
    asked, item = found
    names = set(item_names(item))
    definition = next((r for r in n.kb.rules(svc.product, "definition") if set(item_names(r.title)) & names), None)
    if definition is not None:
        sources = [svc.source(definition.section)]
    return Answer(
        "list_member",
        "service_info",
        svc.product,
        svc,
        topic="ask_service_info",
        sources=sources,
        data={"asked": asked, "item": item, "part": part, "definition": definition.text if definition else None},
        extra={"list": {"asked": asked, "on_list": True, "item": item, "part": part}},
    )


def _said(detail: str) -> str:
    """The clause of the message that asks ("…，在家自己测大便的那种" → "在家自己测大便的那种")."""
    from knowledge.search import last_clause

    marks = "".join(m for m in QUESTION_MARKS if len(m) == 1)
    return last_clause(detail).strip().rstrip(marks)


def defined_with(n: Need, svc: ServiceInfo, runs: List[str]) -> Optional[Tuple[str, RuleInfo]]:
    """ "他心脏放了个支架，这个算不算" (平安's 18 种重疾): a thing the list does not name that the manual's
    definition of one of its items does ("冠状动脉支架植入术…不在保障范围内", of 冠状动脉搭桥术) — by a word
    rare in the manuals, in exactly one item's definition; the word and the definition, else None."""
    import jieba

    names = {name for item in svc.items for name in item_names(item)}
    definitions = [r for r in n.kb.rules(svc.product, "definition") if set(item_names(r.title)) & names]
    # the thing asked last first ("心脏放了个支架": 支架, then 心脏)
    for word in dict.fromkeys(w for run in reversed(runs) for w in (run, *reversed(jieba.lcut(run))) if len(w) >= 2):
        holding = [r for r in definitions if word in r.text]
        if len(holding) == 1 and n.kb.passage_share(word) <= RARE_WORD_SHARE:
            return word, holding[0]
    return None


def list_source(n: Need, svc: ServiceInfo) -> Source:
    """Where the list is printed: the manual's attachment holding the same items, or the service."""
    for a in n.kb.attachments(svc.product):
        if set(a["items"]) == set(svc.items):
            return svc.source(a["section"])
    return svc.source()
