"""What a channel sends for one turn: the text, the structured payload, buttons and slot updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from knowledge.api import ProductInfo, ServiceInfo, Source


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
            "sources": [{"manual": s.manual, "title": s.title, "section": s.section} for s in unique(self.sources)],
        }
        answer.update(self.extra)
        return {"answer": answer}


def unique(sources: Iterable[Source]) -> List[Source]:
    """Each manual section once, in order."""
    seen, out = set(), []
    for s in sources:
        if (s.manual, s.section) not in seen:
            seen.add((s.manual, s.section))
            out.append(s)
    return out
