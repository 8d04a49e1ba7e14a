"""One turn of the conversation → one reply, from the knowledge store.

``answer(kb, turn)`` is what the Rasa action calls (and what the tests, the
WeChat channel and the butlers' console can call without Rasa).  It keeps the
conversation's context in four slots — product (an id), service (the user's
words for it), place (the user's words) and the last question asked — and
decides only what to ask or which store query to run; every fact comes from
``knowledge.api``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from actions import replies as r
from actions.replies import Reply
from knowledge.api import FactInfo, KnowledgeBase, ProductInfo, ServiceInfo, Source

QUESTION_INTENTS = (
    "ask_coverage",
    "ask_usage_limit",
    "ask_time",
    "ask_advance_notice",
    "ask_waiting_period",
    "ask_cooling_off",
    "ask_sharing",
    "ask_eligibility",
    "ask_apply",
    "ask_materials",
    "ask_cost",
    "ask_cancel",
    "ask_hotline",
    "ask_services",
    "ask_compare",
    "ask_service_info",
)
# Questions about one service (need a product and a service) and the fact kinds that answer them
# ("time.duration": time facts of that sub-kind — how long one use lasts belongs with how often).
SERVICE_FACTS: Dict[str, Tuple[Tuple[str, ...], str, str]] = {
    "ask_usage_limit": (("usage_limit", "time.duration"), "rule", "使用次数"),
    "ask_time": (("time",), "rule", "服务时效"),
    "ask_advance_notice": (("advance_notice",), "rule", "提前申请时间"),
    "ask_eligibility": (("eligibility", "prerequisite", "waiting_period"), "rule", "适用人群和使用条件"),
    "ask_materials": (("material",), "materials", "所需材料"),
    "ask_cost": (("cost",), "rule", "费用"),
    "ask_cancel": (("cancellation",), "rule", "取消和变更"),
    "ask_service_info": (("content",), "service_info", "服务内容"),
}
# Below the fallback threshold, how likely a question about a named service must be to be answered as such.
UNSURE_QUESTION_MIN_CONFIDENCE = 0.3
# How likely the NLU's next reading must be to be answered instead of "the manual does not say".
OTHER_READING_MIN_CONFIDENCE = 0.1
# Words that ask about the place-bound form of a service also given online (线下面诊 vs 视频会诊).
IN_PERSON_WORDS = ("线下", "面诊", "当面", "到院", "现场", "面对面")
# Product-wide rules: (rule topic, label, the word a service's own sentences on the topic use).
PRODUCT_RULES = {
    "ask_waiting_period": ("waiting_period", "等待期", "等待期"),
    "ask_cooling_off": ("cooling_off", "犹豫期", "犹豫期"),
    "ask_sharing": ("sharing", "家庭共享", "共享"),
}


@dataclass
class Turn:
    """What the NLU understood of one user message, and the context so far."""

    text: str
    intent: str
    products: List[str] = field(default_factory=list)  # mentions in this message
    services: List[str] = field(default_factory=list)
    places: List[str] = field(default_factory=list)
    product: Optional[str] = None  # slots: product id
    service: Optional[str] = None  # the user's words for the service
    place: Optional[str] = None
    last_question: Optional[str] = None
    pending: Optional[str] = None  # a place we suggested ("您是指…吗")
    ranking: List[Tuple[str, float]] = field(default_factory=list)  # the NLU's other readings, best first


def join_places(mentions: Sequence[Tuple[int, int, str]]) -> List[str]:
    """Adjacent place mentions are one place (浙江 + 杭州 → 浙江杭州; 杭州市 + 西湖区 → 杭州市西湖区)."""
    out: List[str] = []
    last_end = None
    for start, end, text in sorted(mentions):
        if out and last_end == start:
            out[-1] += text
        else:
            out.append(text)
        last_end = end
    return out


class Answerer:
    """Resolves the turn's context and runs the one store query the question needs."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # -- context ------------------------------------------------------------
    def answer(self, turn: Turn) -> Reply:
        slots: Dict[str, Optional[str]] = {}
        products = self._mentioned_products(turn)
        if len(products) == 1:
            slots["product"] = products[0].id
        if turn.services:
            # "重大疾病住院护工能陪护多少天": the longest mention names the service, the short one is a verb
            slots["service"] = max(reversed(turn.services), key=len)
        if turn.places:
            slots["place"] = turn.places[-1]
        intent = turn.intent
        if intent == "affirm" and turn.pending:
            slots["place"] = turn.pending
            intent = turn.last_question or "ask_coverage"
        elif intent in ("affirm", "deny"):
            reply = Reply("好的。" if intent == "affirm" else "好的，请再说一下您想了解的问题。", "chitchat")
            reply.slots.update(slots)
            return reply
        if intent == "inform":
            intent = self._follow_up_intent(turn, slots)
        if intent == "nlu_fallback" and turn.services:  # unsure, but about a named service: its likeliest question
            likely = [
                name
                for name, confidence in turn.ranking
                if name in QUESTION_INTENTS and confidence >= UNSURE_QUESTION_MIN_CONFIDENCE
            ]
            intent = likely[0] if likely else intent
        if intent == "ask_compare" and len(products) == 1 and turn.services:  # one product: not a comparison
            intent = "nlu_fallback"
        if intent == "ask_services" and turn.services:  # "重疾绿通都包括些什么": what this one service holds
            intent = "ask_service_info"
        if (
            len(set(turn.products)) >= 2 and len(products) >= 2 and turn.services and intent in QUESTION_INTENTS
        ):  # 安盛、平安的垫付
            intent = "ask_compare"
        product_id = slots.get("product") or turn.product
        product = self.kb.get_product(product_id) if product_id else None
        service_words = slots.get("service") or turn.service
        place_words = slots.get("place") or turn.place
        if not turn.places and turn.intent != "inform" and turn.services and slots.get("service") != turn.service:
            # a new question about another service does not inherit the last place
            # ("那住院陪护呢" does: that is a follow-up, intent inform)
            place_words = None
        ctx = _Context(turn, intent, product, products, service_words, place_words)
        handler = self._handlers().get(intent, Answerer._fallback)
        reply = handler(self, ctx)
        if _weak(reply):
            reply, intent = self._other_reading(turn, ctx, reply, intent)
        for key, value in slots.items():
            reply.slots.setdefault(key, value)
        if intent in QUESTION_INTENTS:
            reply.slots.setdefault("last_question", intent)
        reply.slots.setdefault("pending", None)
        return reply

    def _other_reading(self, turn: Turn, ctx: "_Context", reply: Reply, intent: str) -> Tuple[Reply, str]:
        """The store has nothing of the kind asked ("手册没有写明…"): when the NLU's next reading of
        the message is also likely and the store does answer that one, give that answer.
        "住院护工能陪护多少天" read as a coverage question has no answer; read as a usage limit it has."""
        handlers = self._handlers()
        for other, confidence in turn.ranking[1:3]:
            if (
                other == intent
                or other not in (*SERVICE_FACTS, *PRODUCT_RULES)
                or confidence < OTHER_READING_MIN_CONFIDENCE
            ):
                continue
            alternative = handlers[other](
                self, _Context(turn, other, ctx.product, ctx.candidates, ctx.service_words, ctx.place_words)
            )
            if not _weak(alternative) and alternative.answer_type not in ("clarify", "fallback"):
                return alternative, other
        return reply, intent

    def _mentioned_products(self, turn: Turn) -> List[ProductInfo]:
        found: List[ProductInfo] = []
        for mention in turn.products:
            for p in self.kb.find_products(mention):
                if p not in found:
                    found.append(p)
        return found

    @staticmethod
    def _follow_up_intent(turn: Turn, slots: Dict[str, Optional[str]]) -> str:
        """ "那乌海呢" repeats the last question with the new place; a bare service or product likewise."""
        if turn.last_question:
            return turn.last_question
        if turn.places:
            return "ask_coverage"
        if turn.services:
            return "ask_service_info"
        if turn.products:
            return "ask_services"
        return "nlu_fallback"

    def _handlers(self) -> Dict[str, Callable[["Answerer", "_Context"], Reply]]:
        handlers: Dict[str, Callable[[Answerer, _Context], Reply]] = {
            "ask_coverage": Answerer._coverage,
            "ask_apply": Answerer._apply,
            "ask_hotline": Answerer._hotline,
            "human_handoff": Answerer._human,
            "ask_services": Answerer._services,
            "ask_compare": Answerer._compare,
            "out_of_scope": Answerer._out_of_scope,
            "nlu_fallback": Answerer._fallback,
        }
        for intent in SERVICE_FACTS:
            handlers[intent] = Answerer._service_facts
        for intent in PRODUCT_RULES:
            handlers[intent] = Answerer._product_rule
        return handlers

    # -- choosing the product and the service ---------------------------------
    def _service_for(self, ctx: "_Context", kind: str) -> Tuple[Optional[ServiceInfo], Optional[Reply]]:
        """The service the question is about, or the reply that asks for what is missing."""
        if not ctx.service_words:
            product_answer = self._product_passage(ctx)
            if product_answer is not None:
                return None, product_answer
            label = f"{ctx.product.name}的" if ctx.product else ""
            return None, Reply(
                f"请问您想了解{label}哪项服务？例如：住院陪护、门诊协助、住院垫付。",
                "clarify",
                ctx.product,
                extra={"missing": "service"},
            )
        if ctx.product is not None:
            svc = self.kb.service(ctx.product, ctx.service_words)
            if svc is not None:
                return svc, None
            close = [m for m in self.kb.find_services(ctx.service_words, ctx.product) if m.score >= 80]
            if close:
                return close[0].service, None
            offering = self.kb.products_offering(ctx.service_words)
            others = "、".join(s.product.name for s in offering)
            tail = f"手册中有这项服务的产品：{others}。" if others else ""
            names = "、".join(s.name for s in self.kb.services_of(ctx.product))
            text = f"{ctx.product.name}的服务手册中没有“{ctx.service_words}”这项服务。{tail}\n{ctx.product.name}的服务有：{names}。"
            return None, Reply(text, "services", ctx.product, sources=[], extra={"missing": "service"})
        offering = self.kb.products_offering(ctx.service_words)
        if ctx.candidates:  # 众安: narrow the insurer's products to those with the service
            offering = [s for s in offering if s.product in ctx.candidates] or offering
        if len(offering) == 1:
            return offering[0], None
        if not offering:
            close = self.kb.find_services(ctx.service_words)
            if close:
                names = "、".join(f"{m.service.product.name}的{m.service.name}" for m in close[:3])
                return None, Reply(
                    f"没有找到“{ctx.service_words}”这项服务，您是指：{names}？", "clarify", extra={"missing": "service"}
                )
            return None, Reply(f"服务手册中没有找到“{ctx.service_words}”这项服务。", "fallback")
        names = "、".join(s.product.name for s in offering)
        return None, Reply(
            f"{len(offering)}个产品都有“{ctx.service_words}”，规则各不相同。请问您的保单是哪个产品？{names}",
            "clarify",
            buttons=[{"title": s.product.name, "payload": f"我买的是{s.product.name}"} for s in offering],
            extra={"missing": "product", "options": [s.product.name for s in offering]},
        )

    def _product_passage(self, ctx: "_Context") -> Optional[Reply]:
        """ "平安医疗险说的医院是指哪些医院", "私人健康管家什么时间能找到人": product-wide rules and
        contacts answer questions that name no service."""
        if ctx.product is None:
            return None
        hit = self.kb.focus_passage(ctx.detail, product=ctx.product)
        if hit is None:
            return None
        source = _hit_source(hit)
        contact = [c for c in self.kb.contacts(ctx.product) if hit["kind"] == "contact" and c.name == hit["title"]]
        body = r.contacts_text(contact) if contact else r.clean(hit["text"])
        svc = self.kb.service_by_id(hit["service_id"]) if hit["service_id"] is not None else None
        text = f"{ctx.product.name}的{svc.name if svc else hit['title']}：\n{body}"
        kind = "contact" if contact else "rule"
        reply = Reply(
            r.with_disclaimer(text, ctx.product) + r.source_line([source], ctx.product),
            kind,
            ctx.product,
            svc,
            sources=[source],
            extra={"focus": True},
        )
        if svc is not None:
            reply.slots["service"] = svc.name
        return reply

    def _product_for(self, ctx: "_Context", topic_label: str) -> Tuple[Optional[ProductInfo], Optional[Reply]]:
        if ctx.product is not None:
            return ctx.product, None
        options = ctx.candidates or self.kb.products()
        if len(options) == 1:
            return options[0], None
        return None, Reply(
            f"各产品的{topic_label}不同，请问您的保单是哪个产品？" + "、".join(p.name for p in options),
            "clarify",
            buttons=[{"title": p.name, "payload": f"我买的是{p.name}"} for p in options],
            extra={"missing": "product", "options": [p.name for p in options]},
        )

    # -- answers --------------------------------------------------------------
    def _coverage(self, ctx: "_Context") -> Reply:
        svc, ask = self._service_for(ctx, "coverage")
        if ask:
            return ask
        if not ctx.place_words:
            return self._coverage_summary(ctx, svc)
        in_person = any(w in ctx.turn.text for w in IN_PERSON_WORDS)
        result = self.kb.is_covered(svc.product, svc, ctx.place_words, in_person=in_person)
        if result.status == "unknown_place":
            suggestions = result.to_dict()["suggestions"]
            if suggestions:
                reply = Reply(
                    f"没有找到地名“{ctx.place_words}”，您是指{suggestions[0]}吗？",
                    "clarify",
                    svc.product,
                    svc,
                    buttons=[{"title": "是", "payload": "是的"}],
                    extra={"missing": "place", "suggestions": suggestions},
                )
                reply.slots["pending"] = suggestions[0]
                return reply
            return Reply(
                f"没有找到地名“{ctx.place_words}”，请告诉我您所在的城市（如：杭州、义乌）。",
                "clarify",
                svc.product,
                svc,
                extra={"missing": "place"},
            )
        text = r.with_disclaimer(r.coverage_text(result), svc.product) + r.source_line([result.source], svc.product)
        return Reply(
            text,
            "coverage",
            svc.product,
            svc,
            result.place.name,
            result.covered,
            [result.source],
            extra={"status": result.status, "province": result.province.name, "hospitals": result.hospitals},
        )

    def _coverage_summary(self, ctx: "_Context", svc: ServiceInfo) -> Reply:
        cov = svc.coverage
        source = svc.source(cov.section)
        head = f"{svc.product.name}的{svc.name}："
        if cov.type == "list":
            groups = self.kb.coverage_by_province(svc.product, svc)
            count = sum(len(v) for v in groups.values())
            summary = "、".join(f"{prov}{len(items)}" for prov, items in groups.items())
            printed = cov.printed_city_count
            stated = f"手册写明覆盖{printed}个城市；" if printed and printed != count else ""
            text = (
                f"{head}{stated}手册清单列出{len(groups)}个省份的{count}个城市/地区（按省份：{summary}）。"
                "\n请告诉我您所在的城市，我帮您确认能否使用。"
            )
            sources = [source] + [svc.source(pl.section) for pl in cov.lists]
        else:
            text = head + r.clean(cov.text)
            if cov.type in ("hospitals",) and cov.hospitals:
                text += (
                    "\n指定医院："
                    + "、".join(h.name for h in cov.hospitals[:8])
                    + ("等" if len(cov.hospitals) > 8 else "")
                    + "。"
                )
            if cov.type == "unpublished":
                text += "\n手册未公布具体城市清单，可拨打客服热线确认。"
            if cov.type == "not_stated":
                text = head + "手册没有说明可使用的城市范围。" + (f"相关说明：{r.clean(cov.text)}" if cov.text else "")
            sources = [source]
        focus = self._focus(ctx, svc, [cov.text or ""])
        if focus:  # "安盛绿通能约到几级医院": a detail of where, answered by the manual's sentence on it
            text, sources = focus.line + text, focus.sources + sources
        text = r.with_disclaimer(text, svc.product) + r.source_line(sources, svc.product)
        return Reply(text, "coverage_summary", svc.product, svc, None, None, sources, extra={"coverage_type": cov.type})

    def _service_facts(self, ctx: "_Context") -> Reply:
        kinds, answer_type, label = SERVICE_FACTS[ctx.intent]
        svc, ask = self._service_for(ctx, answer_type)
        if ask:
            return ask
        facts = [f for k in kinds for f in _facts(svc, k)]
        if ctx.intent == "ask_service_info" and svc.items:
            extra_line = f"\n{svc.items_title or '服务项目'}：" + "、".join(svc.items)
        else:
            extra_line = ""
        facts = self._focus_first(ctx, svc, facts)
        focus = self._focus(ctx, svc, [f.text for f in facts])
        if not facts and focus:  # nothing of the kind asked, but the manual's sentence on the detail answers it
            return self._focus_answer(svc, focus)
        if not facts:
            return self._not_stated(svc, label)
        conflict_key = {"ask_advance_notice": "hours"}.get(ctx.intent)
        prefix = "手册中有不同说法，都列给您：\n" if conflict_key and r.conflicting(facts, conflict_key) else ""
        if not _facts(svc, kinds[0]):  # only the related kinds ("time.duration" for a usage limit)
            prefix = f"手册没有写明{label}，相关内容：\n"
        # a list of materials is only useful whole; other answers keep to the first few facts
        limit = len(facts) if answer_type == "materials" else r.MAX_FACTS
        text = (
            f"{svc.product.name}的{svc.name}（{label}）：\n{focus.line}{prefix}{r.facts_text(facts, limit)}{extra_line}"
        )
        sources = focus.sources + [svc.source(f.section) for f in facts]
        return Reply(
            r.with_disclaimer(text, svc.product) + r.source_line(sources, svc.product),
            answer_type,
            svc.product,
            svc,
            sources=sources,
            extra={"conflict": bool(prefix) and conflict_key is not None, "focus": bool(focus)},
        )

    def _focus_answer(self, svc: ServiceInfo, focus: "_Focus") -> Reply:
        """The focused sentence as the whole answer, typed by what it is (content, Q&A, rule)."""
        kind = {"content": "service_info", "items": "service_info", "qa": "faq"}.get(focus.kind or "", "rule")
        text = f"{svc.product.name}的{svc.name}：\n{focus.text}"
        if focus.kind == "content" and svc.items:  # "以下任何一项": the items it points to
            text += f"\n{svc.items_title or '服务项目'}：" + "、".join(i.rstrip("；;。") for i in svc.items) + "。"
        return Reply(
            r.with_disclaimer(text, svc.product) + r.source_line(focus.sources, svc.product),
            kind,
            svc.product,
            svc,
            sources=focus.sources,
            extra={"focus": True},
        )

    def _focus_first(self, ctx: "_Context", svc: ServiceInfo, facts: List[FactInfo]) -> List[FactInfo]:
        """The fact about the detail asked goes first, so that a long answer does not hide it."""
        hit = self.kb.focus_passage(ctx.detail, svc)
        if hit is None:
            return facts
        return sorted(facts, key=lambda f: f.text != hit["text"])

    def _focus(self, ctx: "_Context", svc: Optional[ServiceInfo], shown: Sequence[str] = ()) -> "_Focus":
        """The manual's sentence about the detail asked (疑似, 转院, 特需部 …), unless already shown."""
        hit = self.kb.focus_passage(ctx.detail, svc) if svc is not None else None
        if hit is None or any(hit["text"] in t for t in shown):
            return _Focus()
        source = _hit_source(hit)
        return _Focus(r.clean(hit["text"]), [source], hit["kind"])

    def _not_stated(self, svc: ServiceInfo, label: str) -> Reply:
        hotlines = self.kb.contacts(svc.product, "hotline")
        call = f"可拨打{hotlines[0].name}{hotlines[0].value}咨询。" if hotlines else ""
        text = f"{svc.product.name}的服务手册没有写明{svc.name}的{label}。{call}"
        return Reply(text, "not_stated", svc.product, svc, sources=[svc.source()])

    def _apply(self, ctx: "_Context") -> Reply:
        if not ctx.service_words and ctx.product is not None:  # "PLUS的服务一般通过什么渠道申请"
            return self._product_passage(ctx) or self._contacts_reply(
                ctx, "各项服务的申请渠道：", "procedure", kinds=None
            )
        svc, ask = self._service_for(ctx, "procedure")
        if ask:
            return ask
        how = self.kb.how_to_apply(svc)
        if not how["stated"]:
            return self._not_stated(svc, "申请方式")
        lines = [f"{i}. {r.clean(step)}" for i, step in enumerate(how["steps"][:8], 1)]
        steps = "".join(how["steps"])
        channels = [c for c in r.distinct([r.clean(c["text"]) for c in how["channels"]]) if c.rstrip("。") not in steps]
        if channels:
            lines += (["申请渠道："] if lines else []) + [f"· {c}" for c in channels]
        focus = self._focus(ctx, svc, how["steps"] + [c["text"] for c in how["channels"]])
        text = f"{svc.product.name}的{svc.name}申请方式：\n{focus.line}" + "\n".join(lines)
        sources = focus.sources + [svc.source(how["section"])]
        return Reply(
            r.with_disclaimer(text, svc.product) + r.source_line(sources, svc.product),
            "procedure",
            svc.product,
            svc,
            sources=sources,
        )

    def _product_rule(self, ctx: "_Context") -> Reply:
        topic, label, word = PRODUCT_RULES[ctx.intent]
        if ctx.product is None and ctx.service_words:
            svc, _ = self._service_for(ctx, "rule")
            if svc is not None:
                ctx.product = svc.product
        product, ask = self._product_for(ctx, label)
        if ask:
            return ask
        rules = self.kb.rules(product, topic)
        svc = self.kb.service(product, ctx.service_words) if ctx.service_words else None
        # the service's own sentences on the topic ("等待期内无法申请该项服务") come first
        own_facts = [f for f in svc.facts if word in f.text] if svc is not None else []
        own = r.distinct([r.clean(f.text) for f in own_facts])
        focus = self._focus(ctx, svc, own + [x.text for x in rules])
        if not rules and not own and not focus:
            hotlines = self.kb.contacts(product, "hotline")
            call = f"可拨打{hotlines[0].name}{hotlines[0].value}咨询。" if hotlines else ""
            return Reply(f"{product.name}的服务手册没有写明{label}。{call}", "not_stated", product, svc)
        lines = [f"· {svc.name}：{text}" for text in own[: r.MAX_FACTS]] + [f"· {r.clean(x.text)}" for x in rules[:3]]
        sources = [svc.source(f.section) for f in own_facts] + [
            Source(product.manual, product.manual_title, x.section) for x in rules[:3]
        ]
        if not rules and not own:
            lines = [f"手册没有写明{label}的规定。"]
        text = f"{product.name}的{label}：\n{focus.line}" + "\n".join(lines)
        sources = focus.sources + sources
        return Reply(
            r.with_disclaimer(text, product) + r.source_line(sources, product), "rule", product, svc, sources=sources
        )

    def _contacts_reply(
        self, ctx: "_Context", intro: str, answer_type: str, kinds: Optional[Tuple[str, ...]] = ("hotline", "butler")
    ) -> Reply:
        products = [ctx.product] if ctx.product else (ctx.candidates or self.kb.products())
        blocks, sources = [], []
        for p in products:
            contacts = [c for c in self.kb.contacts(p) if kinds is None or c.kind in kinds]
            blocks.append(f"{p.name}：\n{r.contacts_text(contacts)}")
            sources += [Source(p.manual, p.manual_title, c.section) for c in contacts[:1]]
        text = intro + "\n" + "\n".join(blocks)
        return Reply(text + r.source_line(sources, ctx.product), answer_type, ctx.product, sources=sources)

    def _hotline(self, ctx: "_Context") -> Reply:
        reply = self._contacts_reply(ctx, "客服联系方式：", "contact")
        svc = self._service_for(ctx, "contact")[0] if ctx.service_words and ctx.product else None
        hours = _facts(svc, "time.service_hours") if svc is not None else []
        if hours:  # "晚上十点还能打吗" about a service: its own service hours come first
            head = (
                f"{svc.product.name}的{svc.name}（服务时间）：\n{r.facts_text(hours)}"
                + r.source_line([svc.source(f.section) for f in hours], svc.product)
                + "\n"
            )
            reply.text = head + reply.text
            reply.service, reply.answer_type = svc, "rule"
            reply.sources = [svc.source(f.section) for f in hours] + reply.sources
        return reply

    def _human(self, ctx: "_Context") -> Reply:
        return self._contacts_reply(ctx, "我是智能助手，暂时不能直接转接人工。您可以这样联系人工服务：", "handoff")

    def _services(self, ctx: "_Context") -> Reply:
        product, ask = self._product_for(ctx, "服务")
        if ask:
            return ask
        services = self.kb.services_of(product)
        note = f"（{product.label_note}）" if product.label_note else ""
        text = f"{product.name}{note}的服务手册共有{len(services)}项服务：\n" + "、".join(s.name for s in services)
        sources = [Source(product.manual, product.manual_title, "目录")]
        return Reply(text + f"\n来源：《{product.manual_title}》", "services", product, sources=sources)

    def _compare(self, ctx: "_Context") -> Reply:
        if not ctx.service_words:
            return Reply("请问您想比较哪项服务？例如：住院垫付、绿通、二诊。", "clarify", extra={"missing": "service"})
        rows = self.kb.compare(ctx.service_words)
        if not rows:
            return Reply(f"服务手册中没有找到“{ctx.service_words}”这项服务。", "fallback")
        lines = []
        for row in rows:
            limit = r.clean(row["usage_limit"][0]) if row["usage_limit"] else "手册未写明次数"
            lines.append(f"【{row['product']}·{row['service']}】次数：{limit} 范围：{r.clean(row['coverage'])}")
        sources = [Source(x["source"]["manual"], x["source"]["title"], x["source"]["section"]) for x in rows]
        return Reply(
            "\n".join(lines) + "\n（各产品规则以各自服务手册为准）",
            "comparison",
            sources=sources,
            extra={"products": [x["product"] for x in rows]},
        )

    def _out_of_scope(self, ctx: "_Context") -> Reply:
        # In a conversation about a service, "我的资料不全会怎么样" may be about it: the manual's
        # sentence on the detail answers it if there is one; a service named outright is searched.
        if ctx.service_words and (ctx.product or ctx.turn.services):
            svc = self._service_for(ctx, "fallback")[0]
            focus = self._focus(ctx, svc)
            if focus:
                return self._focus_answer(svc, focus)
            if ctx.turn.services:
                return self._fallback(ctx)
        return Reply(
            "抱歉，这个问题不在我能回答的范围内。我只解答保险服务手册中的服务问题，比如服务在哪些城市能用、怎么申请、要准备什么材料。"
            "如需其他帮助，可以说“转人工”获取客服热线。",
            "out_of_scope",
        )

    def _fallback(self, ctx: "_Context") -> Reply:
        svc = self._service_for(ctx, "fallback")[0] if ctx.turn.services else None
        if svc is not None:  # a service is named: its sentence on the detail, or how to apply for it
            focus = self._focus(ctx, svc)
            if focus:
                return self._focus_answer(svc, focus)
            best = self.kb.search(ctx.turn.text, service=svc, limit=1)
            if best and best[0]["kind"] in ("channel", "step"):
                ctx.service_words = svc.name
                return self._apply(ctx)
        elif ctx.product is not None:  # no service named: the product's own rule on the detail, if one stands out
            product_answer = self._product_passage(ctx)
            if product_answer is not None:
                return product_answer
        hits = self.kb.search(ctx.turn.text, ctx.product, limit=1)
        if (
            hits
            and ctx.product is not None
            and not ctx.service_words
            and hits[0]["kind"] in ("channel", "step", "contact")
        ):
            return self._apply(ctx)  # "那些服务通过什么渠道申请": the product's channels
        if hits:
            hit = hits[0]
            source = _hit_source(hit)
            kind = "faq" if hit["kind"] == "qa" else "fallback"
            text = f"我不太确定您的问题，手册中最相关的一段是（{hit['product']}）：\n{hit['text'][:300]}"
            return Reply(
                text
                + r.source_line([source], self.kb.get_product(hit["product_id"]))
                + "\n如果不是您要问的，可以说“转人工”获取客服热线。",
                kind,
                self.kb.get_product(hit["product_id"]),
                sources=[source],
            )
        return Reply("抱歉，我没有理解您的问题。您可以换个说法，或者说“转人工”获取客服热线。", "fallback")


@dataclass
class _Focus:
    """The manual's sentence on the detail a question is about (empty when there is none)."""

    text: str = ""
    sources: List[Source] = field(default_factory=list)
    kind: Optional[str] = None  # the passage's kind: content, qa, note, …

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def line(self) -> str:
        return f"与您的问题最相关的说明：{self.text}\n" if self.text else ""


def _hit_source(hit: Dict) -> Source:
    """The source of a search hit (``KnowledgeBase.search`` gives it as a dict)."""
    return Source(hit["source"]["manual"], hit["source"]["title"], hit["source"]["section"])


def _weak(reply: Reply) -> bool:
    """An answer that only says the manual does not say, or that asks for the user's city
    (a coverage question without a place: often "能用吗" meant as "may I use it")."""
    return reply.answer_type in ("not_stated", "coverage_summary")


def _facts(svc: ServiceInfo, kind: str) -> List[FactInfo]:
    """Facts of a kind, or of a sub-kind written "time.duration"."""
    kind, _, sub = kind.partition(".")
    return [f for f in svc.facts_of(kind) if not sub or f.data.get("kind") == sub]


@dataclass
class _Context:
    turn: Turn
    intent: str  # the question being answered (a follow-up's is the previous question's)
    product: Optional[ProductInfo]
    candidates: List[ProductInfo]
    service_words: Optional[str]
    place_words: Optional[str]

    @property
    def detail(self) -> str:
        """The message without its product, service and place names: what is asked about them."""
        text = self.turn.text
        for mention in sorted(self.turn.products + self.turn.services + self.turn.places, key=len, reverse=True):
            text = text.replace(mention, " ")
        return text

    def __post_init__(self) -> None:
        if self.product is not None or len(self.candidates) <= 1:
            self.candidates = [] if self.product is not None else self.candidates


def answer(kb: KnowledgeBase, turn: Turn) -> Reply:
    return Answerer(kb).answer(turn)
