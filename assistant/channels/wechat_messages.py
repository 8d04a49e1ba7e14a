"""What a WeChat message means to the assistant, and what the assistant's reply looks like in WeChat.

Pure functions, no I/O: ``read`` turns a parsed WeChat message or event (wechatpy) into the
text the assistant should read, or a reply that needs no NLU; ``render`` turns the Rasa
messages of one turn into WeChat texts — joined into one reply, buttons as numbered choices
the customer answers with the number, long answers split within WeChat's 2,048 bytes at
paragraph and sentence ends, a source line ("来源：…") kept with the answer it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from wechatpy import events as ev
from wechatpy import messages as msg

from assistant import texts

TEXT_LIMIT = 2048  # bytes of UTF-8: a passive text reply, and a customer-service text message
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Read:
    """The assistant reads ``text``; or, without the NLU, the customer gets ``reply``; or nothing is said."""

    text: Optional[str] = None
    reply: Optional[str] = None


@dataclass
class Rendered:
    """The WeChat texts of one turn (the first can be the passive reply) and the choices its numbers stand for."""

    chunks: List[str] = field(default_factory=list)
    choices: List[str] = field(default_factory=list)


def read(
    message: Any,
    menu: Dict[str, str],
    choices: Sequence[str] = (),
    place_of: Callable[[str], Optional[str]] = lambda label: None,
) -> Read:
    """What a message or event asks of the assistant (``choices``: the numbered options last offered;
    ``place_of``: the administrative place at the start of an address, from the gazetteer)."""
    if isinstance(message, msg.TextMessage):
        content = (message.content or "").strip()
        if content.isdigit() and 1 <= int(content) <= len(choices):
            return Read(text=choices[int(content) - 1])
        return Read(text=content)
    if isinstance(message, msg.VoiceMessage):
        heard = (message.recognition or "").strip().rstrip("。")
        return Read(text=heard) if heard else Read(reply=texts.WECHAT_VOICE_UNCLEAR)
    if isinstance(message, msg.LocationMessage):
        label = (message.label or "").strip()
        place = place_of(label) if label else None
        if place:  # asked as a follow-up ("那温州市鹿城区呢"): the question of the turn before is about this place
            return Read(text=f"那{place}呢")
        return Read(text=f"我在{label}") if label else Read(reply=texts.WECHAT_LOCATION_UNCLEAR)
    if isinstance(message, (ev.SubscribeEvent, ev.SubscribeScanEvent)):
        return Read(reply=texts.WECHAT_WELCOME)
    if isinstance(message, ev.ClickEvent):
        question = menu.get(message.key or "")
        return Read(text=question) if question else Read()
    if isinstance(
        message,
        (msg.ImageMessage, msg.VideoMessage, msg.ShortVideoMessage, msg.LinkMessage, msg.MiniProgramPageMessage),
    ) or (isinstance(message, msg.UnknownMessage) and getattr(message, "type", "") != "event"):
        return Read(reply=texts.WECHAT_MEDIA)
    return Read()  # unsubscribe, menu links, location reports, other events: nothing to say


def render(messages: Sequence[Dict[str, Any]], limit: int = TEXT_LIMIT) -> Rendered:
    """The turn's Rasa messages as WeChat texts."""
    parts: List[str] = []
    choices: List[str] = []
    for m in messages:
        if m.get("text"):
            parts.append(m["text"].strip())
        buttons = m.get("buttons") or []
        if buttons:
            lines = [texts.WECHAT_CHOICES]
            for b in buttons:
                choices.append(b.get("payload") or b.get("title") or "")
                lines.append(f"{len(choices)}. {b.get('title') or b.get('payload')}")
            parts.append("\n".join(lines))
    text = "\n\n".join(p for p in parts if p)
    return Rendered(split(text, limit) if text else [], choices)


def place_finder() -> Callable[[str], Optional[str]]:
    """``place_of`` for ``read``: the run of gazetteer places an address starts with (浙江省温州市鹿城区五马街 → 浙江省温州市鹿城区)."""
    from knowledge.api import KnowledgeBase
    from knowledge.vocabulary import PLACE, MentionFinder, place_forms

    finder = MentionFinder({PLACE: place_forms(KnowledgeBase.open().places)})

    def place_of(label: str) -> Optional[str]:
        run = []
        for m in finder.find(label):
            if m.entity != PLACE or (run and m.start != run[-1].end):
                break
            run.append(m)
        return label[run[0].start : run[-1].end] if run else None

    return place_of


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def split(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Chunks of at most ``limit`` bytes, cut between paragraphs, else between sentences; a source line stays with its answer."""
    units: List[str] = []
    for paragraph in text.split("\n"):
        if units and paragraph.startswith("来源："):
            units[-1] += "\n" + paragraph  # the source line belongs to the answer above it
        else:
            units.append(paragraph)
    pieces: List[str] = []
    for unit in units:
        pieces += [unit] if _size(unit) <= limit else _sentences(unit, limit)
    chunks: List[str] = []
    for piece in pieces:
        if chunks and _size(chunks[-1] + "\n" + piece) <= limit:
            chunks[-1] += "\n" + piece
        else:
            chunks.append(piece)
    return [c.strip("\n") for c in chunks if c.strip()]


def _sentences(unit: str, limit: int) -> List[str]:
    body, _, source = unit.partition("\n来源：")
    sentences = [s for s in _SENTENCE_END.split(body) if s]
    if source:  # the source line goes with the last sentence
        sentences[-1] += "\n来源：" + source
    out: List[str] = []
    for s in sentences:
        if _size(s) > limit:
            out += _bytes(s, limit)
        elif out and _size(out[-1] + s) <= limit:
            out[-1] += s
        else:
            out.append(s)
    return out


def _bytes(text: str, limit: int) -> List[str]:
    """A sentence longer than the limit, cut at character boundaries (no sentence end to cut at)."""
    out, cur = [], ""
    for ch in text:
        if _size(cur + ch) > limit:
            out.append(cur)
            cur = ""
        cur += ch
    return out + ([cur] if cur else [])
