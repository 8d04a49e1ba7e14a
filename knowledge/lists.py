"""What a printed list of a service holds: the names its items go by, and which item a customer's
words name.

The manuals print lists of very different items: disease names ("终末期肾病（或称慢性肾功能衰竭尿毒症期）"),
a category and an item ("上门护理类：伤口换药"), an item and its description ("建卡取号：陪诊员协助…").
A customer asks "尿毒症算不算", "能做雾化吗"; the item is found when one of its names contains the
customer's words (or a word the synonym lexicon gives for them), or the customer's words contain it.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence, Tuple

from knowledge.search import expand, synonym_groups

_ALIAS = re.compile(r"[（(]或称([^）)]+)[）)]")
_SENTENCE = re.compile(r"[，,。；;）)]")
# a name is short; the long part of "建卡取号：陪诊员协助或代替客户…" is its description
MAX_NAME_CHARS = 16


def item_names(item: str) -> Tuple[str, ...]:
    """The names an item goes by: "上门护理类：伤口换药" → (上门护理类, 伤口换药); "建卡取号：陪诊员协助…" →
    (建卡取号,); "终末期肾病（或称慢性肾功能衰竭尿毒症期）" → (终末期肾病, 慢性肾功能衰竭尿毒症期)."""
    text = item.strip().rstrip("；;。、，,")
    aliases = [m.group(1).strip() for m in _ALIAS.finditer(text)]
    text = _ALIAS.sub("", text)
    head, colon, tail = (re.split(r"(：|:)", text, maxsplit=1) + ["", ""])[:3]
    names = [p.strip() for p in head.split(" / ") if p.strip()]
    tail = tail.strip()
    if colon and tail and len(tail) <= MAX_NAME_CHARS and not _SENTENCE.search(tail):
        names.append(tail)
    return tuple(dict.fromkeys([n[: MAX_NAME_CHARS * 2] for n in names] + aliases))


def item_name(item: str) -> str:
    """The name an item is shown by: the last short name before its description ("伤口换药")."""
    names = item_names(_ALIAS.sub("", item))
    return names[-1] if names else item


def find_item(
    items: Sequence[str], words: str, groups: Optional[Iterable[Sequence[str]]] = None, min_chars: int = 2
) -> Optional[str]:
    """The item the customer's ``words`` name, or None.  Words shorter than ``min_chars`` never match."""
    words = words.strip()
    if len(words) < max(2, min_chars):
        return None
    wanted = [words] + [w for w in expand(words, synonym_groups() if groups is None else tuple(groups)) if len(w) >= 2]
    for item in items:
        for name in item_names(item):
            if any(w in name or (len(name) >= 2 and name in w) for w in wanted):
                return item
    return None
