"""Step 4 — render: an ``Answer`` → the Chinese text a customer reads (every word of it is here).

``render(answer, style)`` words the answer's ``shape``; the facts are quoted from the manuals as
the answer step chose them, always with their source line.  Styles: ``chat`` (what every channel
sends) and ``butler`` (the console's draft: the same text, with every source section listed).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Sequence

from actions.policy.answer import Answer, Focus
from actions.policy.reply import Reply
from actions.policy.reply import unique as unique_sources
from actions.policy.text import clean, distinct
from knowledge.api import ContactInfo, CoverageResult, FactInfo, ProductInfo, ServiceInfo, Source
from knowledge.gaps import MAX_WORDS, Gap
from knowledge.lists import item_name
from service_requests.wording import NOTHING_TO_CANCEL

MAX_FACTS = 4
CONTRACT_NOTE = "具体以保险合同为准。"
# What each question asks about, as an answer's label ("平安的陪诊（使用次数）").
LABELS = {
    "ask_usage_limit": "使用次数",
    "ask_time": "服务时效",
    "ask_advance_notice": "提前申请时间",
    "ask_eligibility": "适用人群和使用条件",
    "ask_materials": "所需材料",
    "ask_cost": "费用",
    "ask_cancel": "取消和变更",
    "ask_service_info": "服务内容",
    "ask_apply": "申请方式",
    "ask_waiting_period": "等待期",
    "ask_cooling_off": "犹豫期",
    "ask_sharing": "家庭共享",
    "ask_services": "服务",
    "ask_hotline": "电话",
}
CONTACT_INTROS = {
    "hotline": "客服联系方式：",
    "handoff": "我是智能助手，暂时不能直接转接人工。您可以这样联系人工服务：",
    "channels": "各项服务的申请渠道：",
}
STYLES = ("chat", "butler")


def source_line(sources: Sequence[Source], product: Optional[ProductInfo] = None) -> str:
    """ "来源：平安健康 医疗险《服务手册》6.7 天住院陪护 / 6.2 服务标准" (at most three sections)."""
    unique = unique_sources(sources)
    if not unique:
        return ""
    owner = product.name if product is not None and product.name not in unique[0].title else ""
    sections = "；".join(s.section for s in unique[:3])
    return f"\n来源：{owner}《{unique[0].title}》{sections}"


def facts_text(facts: Sequence[FactInfo], limit: int = MAX_FACTS) -> str:
    """Bullet the facts verbatim, each once: a sentence printed again inside a longer one is dropped."""
    lines = distinct([clean(f.text) for f in facts])
    shown = lines[:limit]
    body = "\n".join(f"· {line}" for line in shown) if len(shown) > 1 else (shown[0] if shown else "")
    if len(lines) > limit:
        body += f"\n（另有 {len(lines) - limit} 条，详见手册）"
    return body


def contacts_text(contacts: Sequence[ContactInfo]) -> str:
    lines = []
    for c in contacts:
        hours = f"（{c.hours}）" if c.hours else ("（手册没有写明服务时间）" if c.kind == "hotline" else "")
        lines.append(f"· {c.name}：{c.value}{hours}")
    return "\n".join(lines)


def with_disclaimer(text: str, product: Optional[ProductInfo]) -> str:
    """The manuals that ask for it get "具体以保险合同为准"."""
    if product is not None and product.contract_disclaimer:
        return f"{text}\n{CONTRACT_NOTE}"
    return text


def full_place_name(d: Dict[str, Any]) -> str:
    """浙江省金华市义乌市: the place with its province and city, so that a user who meant another
    place of the same name (or a manual that printed the wrong province) sees which one is meant."""
    parts = [d["province"], d["city"], d["place"]]
    out: List[str] = []
    for part in parts:
        if part and part not in out:
            out.append(part)
    return "".join(out)


def coverage_text(r: CoverageResult) -> str:
    """Yes or no first, then why, the scope note, the hospital count and the manual's wording."""
    d = r.to_dict()
    place = d["place"]
    where = full_place_name(d)
    head = {
        True: f"可以。{where}可以使用",
        False: f"不可以。{where}不在服务范围内",
        None: f"暂时无法确认{where}能否使用",
    }[r.covered]
    if r.status == "remote_only":
        head = f"可以，但只能远程使用：{where}没有手册列出的线下服务点"
    service = f"{r.product.name}的{r.service.name}"
    lines = [f"{head}（{service}）。", d["reason"] + "。"]
    entry = d["matched_entry"]
    if d["place_note"] and d["matched_by"] == "alias" and not (entry and entry["printed_name"] == r.resolution.mention):
        lines.append(f"注：“{r.resolution.mention}”即{place}（{d['place_note']}）。")
    if entry and entry["printed_name"] not in (place, place.rstrip("市")) and entry["correction"]:
        lines.append(
            f"清单中印作“{entry['printed_name']}”（{entry['correction'].split('（')[-1].rstrip('）') if '（' in entry['correction'] else entry['correction']}）。"
        )
    if d["hospitals"] and r.covered:
        lines.append(f"手册列出{place}的服务医院数：{d['hospitals']}家。")
    if d["hospital_names"]:
        names = list(dict.fromkeys(d["hospital_names"]))
        lines.append("指定医院：" + "、".join(names[:6]) + ("等" if len(names) > 6 else "") + "。")
    if d["listed_within"]:
        names = "、".join(e["name"] for e in d["listed_within"][:20])
        more = f"等{len(d['listed_within'])}个" if len(d["listed_within"]) > 20 else ""
        lines.append(f"清单中的相关地区：{names}{more}。")
    notes = [
        n
        for n in (
            r.judgement.plist.scope_note if r.judgement and r.judgement.plist else None,
            r.service.coverage.scope_note,
        )
        if n
    ]
    # A county-level place gets every scope note (they say how counties are treated); others the first.
    for note in list(dict.fromkeys(notes))[: None if r.place is not None and r.place.level == "county" else 1]:
        lines.append(f"范围说明：{note.rstrip('。')}。")
    if r.status == "list_not_published" or (
        r.service.coverage.type in ("nationwide", "remote") and r.service.coverage.text
    ):
        lines.append(f"手册原文：{r.service.coverage.text.rstrip('。')}。")
    return "\n".join(lines)


def focus_text(focus: Focus) -> str:
    """The focus sentences on one line (a comparison's row)."""
    return "；".join(clean(t) for t in focus.texts)


def focus_line(focus: Focus) -> str:
    if focus.more:
        return "与您的问题最相关的两段说明：\n" + "".join(f"· {clean(t)}\n" for t in focus.texts)
    return f"与您的问题最相关的说明：{clean(focus.text)}\n" if focus else ""


def call_line(hotlines: Sequence[ContactInfo]) -> str:
    return f"可拨打{hotlines[0].name}{hotlines[0].value}咨询。" if hotlines else ""


def product_buttons(names: Sequence[str]) -> List[Dict[str, str]]:
    return [{"title": name, "payload": f"我买的是{name}"} for name in names]


def _sourced(a: Answer, text: str) -> str:
    """The text with the product's contract note and the source line."""
    return with_disclaimer(text, a.product) + source_line(a.sources, a.product)


# -- one function per shape: (answer) → (text, buttons) ------------------------------------------
Worded = tuple


def _ack(a: Answer) -> Worded:
    return ("好的。还有其他问题可以随时问我。" if a.data["affirm"] else "好的，请再说一下您想了解的问题。"), []


def _greeting(a: Answer) -> Worded:
    return (
        "您好！我是健康险服务助手，可以为您解答保险服务手册里的问题：服务在哪些城市能用、能用几次、怎么申请、"
        "要准备什么材料等。请问您想了解哪家产品的什么服务？"
    ), []


def _ask_service(a: Answer) -> Worded:
    label = f"{a.product.name}的" if a.product else ""
    return f"请问您想了解{label}哪项服务？例如：{'、'.join(a.data['examples'])}。", []


def _not_in_product(a: Answer) -> Worded:
    d = a.data
    tail = f"手册中有这项服务的产品：{'、'.join(d['offering'])}。" if d["offering"] else ""
    names = "、".join(d["services"])
    return f"{a.product.name}的服务手册中没有“{d['words']}”这项服务。{tail}\n{a.product.name}的服务有：{names}。", []


def _did_you_mean_service(a: Answer) -> Worded:
    names = "、".join(f"{product}的{service}" for product, service in a.data["names"])
    return f"没有找到“{a.data['words']}”这项服务，您是指：{names}？", []


def _confirm_service(a: Answer) -> Worded:
    return f"没有找到“{a.data['words']}”这项服务，您是指“{a.data['name']}”吗？", [{"title": "是", "payload": "是的"}]


def _english_help(a: Answer) -> Worded:
    return (
        "抱歉，我只能看懂简单的英文问题。请用中文提问，例如：“平安的住院陪护在杭州能用吗”。\n"
        "Sorry, I understand only short English questions about the services in the insurers' manuals, "
        "e.g. “Can I use Ping An's hospital escort in Hangzhou?” or “How do I apply for the ZhongAn green "
        "channel?”. I answer in Chinese.",
        [],
    )


def english_line(understood: List[List[str]]) -> str:
    """The English line under an answer to an English question: what was understood, and that the answer is Chinese."""
    read = "; ".join(f"{en} = {zh}" for en, zh in understood)
    return f"(Answered in Chinese above. I read your question as: {read}.)" if read else "(Answered in Chinese above.)"


def _unknown_service(a: Answer) -> Worded:
    return f"服务手册中没有找到“{a.data['words']}”这项服务。", []


def _which_product(a: Answer) -> Worded:
    names = "、".join(a.options)
    text = f"{len(a.options)}个产品都有“{a.data['words']}”，规则各不相同。请问您的保单是哪个产品？{names}"
    return text, product_buttons(a.options)


def _which_product_for_topic(a: Answer) -> Worded:
    text = f"各产品的{LABELS[a.topic]}不同，请问您的保单是哪个产品？" + "、".join(a.options)
    return text, product_buttons(a.options)


def _product_passage(a: Answer) -> Worded:
    # a contact found for a detail asked ("管家干过几年临床"): its manual's note says it, not the number
    notes = [clean(c.note) for c in a.data["contacts"] if c.note]
    body = "\n".join([contacts_text(a.data["contacts"]), *notes]) if a.data["contacts"] else clean(a.data["text"])
    return _sourced(a, f"{a.product.name}的{a.data['title']}：\n{body}"), []


def _unknown_place(a: Answer) -> Worded:
    if a.options:
        return f"没有找到地名“{a.data['words']}”，您是指{a.options[0]}吗？", [{"title": "是", "payload": "是的"}]
    return f"没有找到地名“{a.data['words']}”，请告诉我您所在的城市（如：杭州、义乌）。", []


def _coverage(a: Answer) -> Worded:
    r = a.data["result"]
    text = coverage_text(r)
    if a.data.get("hospitals_unlisted"):  # said plainly, with the manual's own sentence on its hospitals
        text += "\n手册没有写明具体的医院名单。"
        scope = clean(r.service.coverage.text or "")
        if len(scope) > MIN_SCOPE_SENTENCE and scope.rstrip("。") not in text:
            text += f"\n手册原文：{scope}"
    return _sourced(a, text), []


# Shorter than this, a coverage text is a cross-reference ("城市列表：同上"), not a sentence on the scope.
MIN_SCOPE_SENTENCE = 12
# A scope printed as a list, when its sentence is a mere cross-reference ("城市列表：同上")
SCOPE_OF_A_LIST = {"list": "按手册所列城市", "provinces": "按手册所列省份", "hospitals": "手册所列医院"}


def _coverage_summary(a: Answer) -> Worded:
    cov, svc = a.data["coverage"], a.service
    head = f"{svc.product.name}的{svc.name}："
    if cov.type == "list":
        groups = a.data["groups"]
        count = sum(len(v) for v in groups.values())
        summary = "、".join(f"{prov}{len(items)}" for prov, items in groups.items())
        printed = cov.printed_city_count
        stated = f"手册写明覆盖{printed}个城市；" if printed and printed != count else ""
        text = f"{head}{stated}手册清单列出{len(groups)}个省份的{count}个城市/地区（按省份：{summary}）。"
        # the manual's own sentence on the scope ("近 1000 家三甲医院"), not a mere cross-reference ("城市列表：同上")
        if cov.text and len(clean(cov.text)) > MIN_SCOPE_SENTENCE:
            text += f"\n手册原文：{clean(cov.text).rstrip('。')}。"
        text += "\n请告诉我您所在的城市，我帮您确认能否使用。"
    else:
        text = head + clean(cov.text)
        if cov.type in ("hospitals",) and cov.hospitals:
            names = list(dict.fromkeys(h.name for h in cov.hospitals))  # "北上广地区三甲医院" is listed once per city
            text += "\n指定医院：" + "、".join(names[:8]) + ("等" if len(names) > 8 else "") + "。"
        if cov.type == "unpublished":
            text += "\n手册未公布具体城市清单，可拨打客服热线确认。"
        if cov.type == "not_stated":
            text = head + "手册没有说明可使用的城市范围。" + (f"相关说明：{clean(cov.text)}" if cov.text else "")
    return _sourced(a, focus_line(a.focus) + text), []


def _service_facts(a: Answer) -> Worded:
    svc, d, label = a.service, a.data, LABELS[a.topic]
    prefix = "手册中有不同说法，都列给您：\n" if d["conflict"] else ""
    if d["related_only"]:
        prefix = f"手册没有写明{label}，相关内容：\n"
    items = items_line(svc) if d["items"] else ""
    limit = len(a.facts) if d["whole"] else MAX_FACTS
    text = (
        f"{svc.product.name}的{svc.name}（{label}）：\n{focus_line(a.focus)}{prefix}{facts_text(a.facts, limit)}{items}"
    )
    return _sourced(a, text), []


def _focus_answer(a: Answer) -> Worded:
    svc = a.service
    text = f"{svc.product.name}的{svc.name}：\n" + "\n".join(clean(t) for t in a.focus.texts)
    if a.focus.kind == "content" and svc.items:  # "以下任何一项": the items it points to
        text += items_line(svc)
    return _sourced(a, text), []


def items_line(svc: ServiceInfo) -> str:
    """The service's printed list on one line, each item without the separators it was printed with
    (the extracted text keeps "所有住院治疗;" and a stray "“" after some items)."""
    items = [clean(i).rstrip("；;。、“”\"' ") for i in svc.items]
    return f"\n{svc.items_title or '服务项目'}：" + "、".join(i for i in items if i) + "。"


# A list longer than this is shown by its items' names only.
MAX_LIST_CHARS = 600


def _list_title(a: Answer) -> str:
    return f"{a.service.product.name}的{a.service.name}，{a.service.items_title or '服务项目'}"


def list_text(items: Sequence[str]) -> str:
    """The whole list: every item as printed, or only their names when that is too long to read."""
    full = [clean(i).rstrip("；;。、") for i in items]
    if sum(len(i) for i in full) <= MAX_LIST_CHARS:
        return "\n".join(f"· {i}" for i in full)
    return "、".join(item_name(i) for i in items)


def _list_member(a: Answer) -> Worded:
    d = a.data
    name = d.get("part") or item_name(d["item"])
    asked = "" if d["asked"] in name else f"（您问的“{d['asked']}”按此项理解，以手册的定义和保险合同为准）"
    # the item a part belongs to, when the item has a name of its own ("个人卫生照护：…1）…")
    within = f"（属于“{item_name(d['item'])}”一项）" if d.get("part") and re.search("[:：]", d["item"]) else ""
    text = f"{_list_title(a)}中有“{name}”{within}{asked}。"
    if clean(d["item"]).rstrip("。；;") != name:
        text += f"\n{clean(d['item'])}"
    if d["definition"]:
        text += f"\n手册中的定义：{clean(d['definition'])}"
    return _sourced(a, text), []


def _list_not_member(a: Answer) -> Worded:
    items, rule = a.service.items, a.data.get("defined_in")
    text = f"{_list_title(a)}中没有写“{a.data['asked']}”。"
    if rule is not None:  # "支架" is in the definition of 冠状动脉搭桥术
        text += f"手册中“{item_name(rule.title)}”的定义提到了它：{clean(rule.text)}\n"
    text += f"清单共 {len(items)} 项：\n{list_text(items)}"
    return _sourced(a, text), []


def _list_whole(a: Answer) -> Worded:
    items = a.service.items
    return _sourced(a, f"{_list_title(a)}（共 {len(items)} 项）：\n{list_text(items)}"), []


def _not_stated(a: Answer) -> Worded:
    svc = a.service
    return f"{svc.product.name}的服务手册没有写明{svc.name}的{LABELS[a.topic]}。{call_line(a.data['hotlines'])}", []


def _procedure(a: Answer) -> Worded:
    d, svc = a.data, a.service
    lines = [f"{i}. {clean(step)}" for i, step in enumerate(d["steps"], 1)]
    channels = [c for c in distinct([clean(c) for c in d["channels"]]) if c.rstrip("。") not in d["all_steps"]]
    if channels:
        lines += (["申请渠道："] if lines else []) + [f"· {c}" for c in channels]
    text = f"{svc.product.name}的{svc.name}申请方式：\n{focus_line(a.focus)}" + "\n".join(lines)
    return _sourced(a, text), []


def _product_rule(a: Answer) -> Worded:
    label, svc, rules = LABELS[a.topic], a.service, a.data["rules"]
    own = distinct([clean(f.text) for f in a.facts])
    lines = [f"· {svc.name}：{text}" for text in own[:MAX_FACTS]] + [f"· {clean(x.text)}" for x in rules]
    if not rules and not own:
        lines = [f"手册没有写明{label}的规定。"]
    return _sourced(a, f"{a.product.name}的{label}：\n{focus_line(a.focus)}" + "\n".join(lines)), []


def _product_rule_not_stated(a: Answer) -> Worded:
    return f"{a.product.name}的服务手册没有写明{LABELS[a.topic]}。{call_line(a.data['hotlines'])}", []


def _contacts(a: Answer) -> Worded:
    blocks = "\n".join(f"{p.name}：\n{contacts_text(found)}" for p, found in a.data["blocks"])
    text = CONTACT_INTROS[a.data["purpose"]] + "\n" + blocks + source_line(a.sources[len(a.facts) :], a.product)
    if a.facts:  # a service's own hours first
        svc = a.service
        head = f"{svc.product.name}的{svc.name}（服务时间）：\n{facts_text(a.facts)}"
        text = head + source_line(a.sources[: len(a.facts)], svc.product) + "\n" + text
    return text, []


def _services(a: Answer) -> Worded:
    p, services = a.product, a.data["services"]
    note = f"（{p.label_note}）" if p.label_note else ""
    text = f"{p.name}{note}的服务手册共有{len(services)}项服务：\n" + "、".join(s.name for s in services)
    return text + f"\n来源：《{p.manual_title}》", []


PLACE_GROUP_LABELS = {
    "here": "可以在{place}使用",
    "remote": "线上或电话提供，不限城市",
    "unsure": "手册未写明在{place}能否使用（以服务人员答复为准）",
    "not_here": "不在{place}的服务范围内",
}


def _services_at(a: Answer) -> Worded:
    p, place, groups = a.product, a.data["place"], a.data["groups"]
    lines = [f"{p.name}在{place}的服务（逐项按手册的覆盖范围核对）："]
    for group, label in PLACE_GROUP_LABELS.items():
        if groups[group]:
            names = "、".join(s.name for s in groups[group])
            lines.append(f"· {label.format(place=place)}（{len(groups[group])}项）：{names}")
    return _sourced(a, "\n".join(lines)), []


def _ask_compare_service(a: Answer) -> Worded:
    return f"请问您想比较哪项服务？例如：{'、'.join(a.data['examples'])}。", []


def _comparison(a: Answer) -> Worded:
    lines = []
    details = a.data.get("details") or [None] * len(a.data["rows"])
    asked_facts = a.data.get("asked_facts") or [[] for _ in a.data["rows"]]
    differing = a.data.get("differing") or [False] * len(a.data["rows"])
    for row, detail, facts, differ in zip(a.data["rows"], details, asked_facts, differing, strict=True):
        limit = clean(row["usage_limit"][0]) if row["usage_limit"] else "手册未写明次数"
        # a remote service's coverage sentence says how it is applied for ("您可通过…公众号…"), not where
        scope = PLACE_GROUP_LABELS["remote"] if row.get("coverage_type") == "remote" else clean(row["coverage"])
        scope = "见上句" if scope == limit else scope  # 安盛 基因检测 states both in one sentence
        if len(scope) <= MIN_SCOPE_SENTENCE and row.get("coverage_type") in SCOPE_OF_A_LIST:  # "城市列表：同上"
            scope = SCOPE_OF_A_LIST[row["coverage_type"]]
        line = f"【{row['product']}·{row['service']}】次数：{limit} 范围：{scope}"
        if facts:
            said = [t for t in distinct([clean(f.text) for f in facts]) if t != limit]  # 次数 shows the limit
            if said:
                label = f"{LABELS.get(a.topic or '', '关于您问的')}{'（手册中有不同说法）' if differ else ''}"
                line += f"\n  {label}：" + "；".join(said)
        elif a.topic:  # the others' facts of the kind are shown: this one's manual does not state it
            line += f"\n  {LABELS.get(a.topic, '关于您问的')}：手册未写明" + (
                f"；相关说明：{focus_text(detail)}" if detail else ""
            )
        elif a.data.get("details"):
            line += f"\n  关于您问的：{focus_text(detail) if detail else '手册未写明'}"
        lines.append(line)
    return "\n".join(lines) + "\n（各产品规则以各自服务手册为准）", []


def _out_of_scope(a: Answer) -> Worded:
    return (
        "抱歉，这个问题不在我能回答的范围内。我只解答保险服务手册中的服务问题，比如服务在哪些城市能用、怎么申请、要准备什么材料。"
        "如需其他帮助，可以说“转人工”获取客服热线。"
    ), []


def _best_passage(a: Answer) -> Worded:
    hit = a.data["hit"]
    text = f"我不太确定您的问题，手册中最相关的一段是（{hit['product']}）：\n{hit['text'][:300]}"
    return text + source_line(a.sources, a.product) + "\n如果不是您要问的，可以说“转人工”获取客服热线。", []


def _not_understood(a: Answer) -> Worded:
    return "抱歉，我没有理解您的问题。您可以换个说法，或者说“转人工”获取客服热线。", []


def _services_line(services: Sequence[Any]) -> str:
    return "、".join(f"{s.product.name}的{s.name}" for s in services)


def _safety(a: Answer) -> Worded:
    d = a.data
    lines = []
    if d["emergency"]:
        lines.append("如果情况紧急，请立即拨打120急救电话，或尽快前往最近的医院急诊科。")
    if d["emergency"]:
        lines.append("我不能提供医疗或用药建议，病情、用药和治疗请听从医生的意见。")
    else:
        lines.append(
            "我不能提供医疗或用药建议，病情、用药和治疗请咨询医生或药师；如果情况紧急，请拨打120或前往最近的医院急诊科。"
        )
    if d["sentences"]:
        lines.append("服务手册中与紧急情况有关的说明：")
        for text, products, source in d["sentences"]:
            owners = "、".join(p.name for p in products)
            lines.append(f"· {clean(text)}（{owners}，来源：《{source.title}》{source.section}）")
    if d.get("services"):
        lines.append(f"手册中可以协助安排就医的服务（需按手册申请，不能代替急救）：{_services_line(d['services'])}。")
    if d["doctors"] and not d["emergency"]:
        lines.append(f"手册中可以咨询医生的服务：{_services_line(d['doctors'])}。")
    if d["hotlines"]:
        lines.append(call_line(d["hotlines"]))
    return "\n".join(lines), []


def _outside_insurer(a: Answer) -> Worded:
    d = a.data
    by_insurer: Dict[str, List[Any]] = {}
    for p in d["products"]:  # 众安 names its company two ways in its manuals: grouped by its short name
        by_insurer.setdefault(p.insurer_aliases[0] if p.insurer_aliases else p.insurer, []).append(p)
    lines = [
        f"我能查到的服务手册里没有{d['name']}的产品，所以无法回答{d['name']}保单的服务问题。"
        "我能解答的是这些保险公司的产品："
    ]
    for products in by_insurer.values():
        insurer = min((p.insurer for p in products), key=len)
        lines.append(f"· {insurer}：{'、'.join(p.name for p in products)}")
    if d["offering"]:
        names = "、".join(s.product.name for s in d["offering"])
        lines.append(f"其中有“{d['words']}”这项服务的产品：{names}。")
    lines.append("如果您的保单是其中之一，请告诉我产品名称；其他公司的保单请咨询该公司的客服。")
    return "\n".join(lines), product_buttons(a.options)


def _not_offered(a: Answer) -> Worded:
    scope = f"{a.product.name}的" if a.product else ""
    text = f"{scope}服务手册中没有“{a.data['words']}”相关的服务。"
    if a.data["close"]:
        text += f"相近的服务有：{_services_line(a.data['close'])}。"
    else:
        text += "手册中也没有相近的服务。"
    text += (
        f"想了解{a.product.name}有哪些服务，可以直接问我。" if a.product else "告诉我您的产品，我可以列出它有哪些服务。"
    )
    return text + source_line(a.sources, a.product), []


def _nothing_to_cancel(a: Answer) -> Worded:
    return NOTHING_TO_CANCEL, []


def _nothing_to_stop(a: Answer) -> Worded:
    return "好的。目前没有正在办理的服务申请，不需要停止。还有其他问题可以随时问我。", []


SHAPES: Dict[str, Callable[[Answer], Worded]] = {
    "not_offered": _not_offered,
    "nothing_to_stop": _nothing_to_stop,
    "nothing_to_cancel": _nothing_to_cancel,
    "safety": _safety,
    "outside_insurer": _outside_insurer,
    "ack": _ack,
    "greeting": _greeting,
    "ask_service": _ask_service,
    "not_in_product": _not_in_product,
    "did_you_mean_service": _did_you_mean_service,
    "confirm_service": _confirm_service,
    "english_help": _english_help,
    "unknown_service": _unknown_service,
    "which_product": _which_product,
    "which_product_for_topic": _which_product_for_topic,
    "product_passage": _product_passage,
    "unknown_place": _unknown_place,
    "coverage": _coverage,
    "coverage_summary": _coverage_summary,
    "service_facts": _service_facts,
    "focus_answer": _focus_answer,
    "not_stated": _not_stated,
    "list_member": _list_member,
    "list_not_member": _list_not_member,
    "list_whole": _list_whole,
    "procedure": _procedure,
    "product_rule": _product_rule,
    "product_rule_not_stated": _product_rule_not_stated,
    "contacts": _contacts,
    "services": _services,
    "services_at": _services_at,
    "ask_compare_service": _ask_compare_service,
    "comparison": _comparison,
    "out_of_scope": _out_of_scope,
    "best_passage": _best_passage,
    "not_understood": _not_understood,
}


def gap_line(gap: Gap) -> str:
    """ "手册没有写明是中文还是英文。" / "手册没有写明具体的金额。" / "手册中没有提到“路费”“住宿”。" /
    "手册中门诊陪诊服务的说明没有提到“机场”（手册在海外就诊服务的说明中提到）。" """
    if gap.kind == "either_or":
        return f"手册没有写明是{gap.things[0]}还是{gap.things[1]}。"
    if gap.kind == "value":
        return f"手册没有写明具体的{gap.things[0]}。"
    if gap.kind == "topic":
        return f"手册没有写明{gap.service}的{LABELS[gap.things[0]]}。"
    words = "".join(f"“{w}”" for w in gap.things[:MAX_WORDS])
    if gap.service is None:
        return f"手册中没有提到{words}。"
    where = f"（手册在{'、'.join(gap.elsewhere[:MAX_WORDS])}的说明中提到）" if gap.elsewhere else ""
    return f"手册中{gap.service}的说明没有提到{words}{where}。"


def render(answer: Answer, style: str = "chat") -> Reply:
    """The reply for a channel (``chat``) or the console's draft (``butler``: every source listed)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
    text, buttons = SHAPES[answer.shape](answer)
    if answer.gap is not None:  # what is asked that the sentences shown do not settle
        text = gap_line(answer.gap) + "手册中相关的说明：\n" + text
    if answer.before is not None:  # the safety answer (or "nothing to cancel") first
        text = SHAPES[answer.before.shape](answer.before)[0] + "\n\n" + text
    if answer.extra.get("english") is not None and answer.shape != "english_help":
        text += "\n" + english_line(answer.extra["english"])
    if style == "butler" and len(unique_sources(answer.sources)) > 3:
        text += "\n全部来源：" + "；".join(f"《{s.title}》{s.section}" for s in unique_sources(answer.sources))
    return Reply(
        text,
        answer.kind,
        answer.product,
        answer.service,
        answer.place,
        answer.covered,
        list(answer.sources),
        buttons,
        dict(answer.slots),
        {**({"missing": answer.missing} if answer.missing else {}), **answer.extra},
    )
