"""Chinese reply text and the structured payload, built from knowledge-store objects.

Only wording lives here: what to say comes from ``knowledge.api`` (facts,
coverage judgements, contacts), always with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

from knowledge.api import ContactInfo, CoverageResult, FactInfo, ProductInfo, ServiceInfo, Source

MAX_FACTS = 4
CONTRACT_NOTE = "具体以保险合同为准。"


@dataclass
class Reply:
    """What the bot says for one turn: text, the structured payload, buttons and slot updates."""

    text: str
    answer_type: str
    product: Optional[ProductInfo] = None
    service: Optional[ServiceInfo] = None
    place: Optional[str] = None
    covered: Optional[bool] = None
    sources: List[Source] = field(default_factory=list)
    buttons: List[Dict[str, str]] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    extra: Dict[str, Any] = field(default_factory=dict)

    def payload(self) -> Dict[str, Any]:
        answer = {
            "type": self.answer_type,
            "product": self.product.name if self.product else None,
            "product_id": self.product.id if self.product else None,
            "service": self.service.name if self.service else None,
            "place": self.place,
            "covered": self.covered,
            "sources": [{"manual": s.manual, "title": s.title, "section": s.section} for s in _unique(self.sources)],
        }
        answer.update(self.extra)
        return {"answer": answer}


def _unique(sources: Iterable[Source]) -> List[Source]:
    seen, out = set(), []
    for s in sources:
        if (s.manual, s.section) not in seen:
            seen.add((s.manual, s.section))
            out.append(s)
    return out


def clean(text: str) -> str:
    """The manual's sentence, trimmed of list markers and trailing punctuation for quoting."""
    text = re.sub(r"^\s*(?:\d+[)）.、]|[（(]\d+[)）]|[-•·]|注[:：])\s*", "", text.strip())
    return text.rstrip("；;，,。 ") + "。"


def source_line(sources: Sequence[Source], product: Optional[ProductInfo] = None) -> str:
    """ "来源：平安健康 医疗险《服务手册》6.7 天住院陪护 / 6.2 服务标准" (at most three sections)."""
    unique = _unique(sources)
    if not unique:
        return ""
    owner = product.name if product is not None and product.name not in unique[0].title else ""
    sections = "；".join(s.section for s in unique[:3])
    return f"\n来源：{owner}《{unique[0].title}》{sections}"


def product_label(p: ProductInfo) -> str:
    return p.name


def facts_text(facts: Sequence[FactInfo], limit: int = MAX_FACTS) -> str:
    """Bullet the facts verbatim, each once: a sentence printed again inside a longer one is dropped."""
    lines = distinct([clean(f.text) for f in facts])
    shown = lines[:limit]
    body = "\n".join(f"· {line}" for line in shown) if len(shown) > 1 else (shown[0] if shown else "")
    if len(lines) > limit:
        body += f"\n（另有 {len(lines) - limit} 条，详见手册）"
    return body


def distinct(lines: Sequence[str]) -> List[str]:
    """The lines in order, without repeats and without those another line contains (minus its 。)."""
    out: List[str] = []
    for i, line in enumerate(lines):
        core = line.rstrip("。")
        if line in out or any(j != i and core in other and len(other) > len(line) for j, other in enumerate(lines)):
            continue
        out.append(line)
    return out


def conflicting(facts: Sequence[FactInfo], key: str) -> bool:
    values = {f.data.get(key) for f in facts if f.data.get(key) is not None}
    return len(values) > 1


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
        lines.append(
            "指定医院：" + "、".join(d["hospital_names"][:6]) + ("等" if len(d["hospital_names"]) > 6 else "") + "。"
        )
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
