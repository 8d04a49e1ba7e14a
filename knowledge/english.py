"""Short English questions read into the store's own terms: a question kind, products, services, places.

The NLU is trained on Chinese, so "Can I use Ping An's hospital escort in Hangzhou?" reaches the
answer policy with no useful intent or entity.  This reads it with a glossary kept as data
(knowledge/lexicon/english.yml: English service, insurer and question words → the Chinese words
the store knows) and place names written in pinyin ("Hangzhou", "hang zhou", "Xi'an"), matched by
sound against the gazetteer's provinces, prefectures and county-level cities.  The answer policy
answers in Chinese and says in English what it understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from knowledge.places import PlaceIndex, short_forms
from knowledge.spelling import sound

LEXICON = Path(__file__).resolve().parent / "lexicon" / "english.yml"
LATIN_SHARE = 0.6  # of a message's letters: below this it is a Chinese message with a few Latin words (PLUS, MDT)
MAX_PLACE_WORDS = 5  # "hang zhou", "wu lu mu qi": pinyin written a syllable at a time is joined
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


@dataclass(frozen=True)
class EnglishReading:
    """What an English message asks, in the store's words; ``understood`` pairs each English phrase with them."""

    intent: Optional[str]
    product_words: Tuple[str, ...] = ()
    service_words: Tuple[str, ...] = ()
    places: Tuple[str, ...] = ()  # division names (杭州市)
    understood: Tuple[Tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Lexicon:
    services: Dict[str, str]
    products: Dict[str, str]
    questions: Tuple[Tuple[str, Tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def lexicon(path: Path = LEXICON) -> Lexicon:
    raw = yaml.safe_load(path.read_text("utf-8"))
    norm = lambda s: " ".join(_WORD.findall(str(s).lower().replace("-", " ")))  # noqa: E731
    return Lexicon(
        services={norm(k): v for k, v in raw["services"].items()},
        products={norm(k): v for k, v in raw["products"].items()},
        questions=tuple((kind.split("/")[0], tuple(norm(c) for c in cues)) for kind, cues in raw["questions"].items()),
    )


def is_english(text: str) -> bool:
    """Mostly Latin letters: an English question (a Chinese one with "PLUS" or "MDT" in it is not)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(c.isascii() for c in letters) / len(letters) >= LATIN_SHARE


@lru_cache(maxsize=4)
def _place_sounds(index: PlaceIndex) -> Dict[str, List[str]]:
    """Sound → division names, for the divisions a customer names in English (not districts, not counties)."""
    out: Dict[str, List[str]] = {}
    for d in index.by_code.values():
        if d.level == "county" and not d.name.endswith("市"):
            continue
        for form in {d.name, *short_forms(d.name)}:
            if len(form) >= 2:
                names = out.setdefault(sound(form), [])
                if d.name not in names:
                    names.append(d.name)
    return out


def _take(words: List[str], table: Dict[str, str], longest: int = 4) -> List[Tuple[str, str]]:
    """Phrases of ``table`` found in ``words`` (longest first, each word used once), removed from ``words``."""
    found = []
    for n in range(longest, 0, -1):
        i = 0
        while i + n <= len(words):
            phrase = " ".join(words[i : i + n])
            if phrase in table and all(words[i : i + n]):
                found.append((phrase, table[phrase]))
                words[i : i + n] = [""] * n
                i += n
            else:
                i += 1
    return found


def read_english(text: str, places: PlaceIndex) -> Optional[EnglishReading]:
    """The reading of an English message, or None when the message is not English."""
    if not is_english(text):
        return None
    lex = lexicon()
    flat = " ".join(_WORD.findall(text.lower().replace("-", " ").replace("'s", "")))
    words = flat.split()
    intent = next((i for i, cues in lex.questions if any(f" {c} " in f" {flat} " for c in cues)), None)
    products = _take(words, lex.products)
    services = _take(words, lex.services)
    sounds = _place_sounds(places)
    found_places: List[Tuple[str, str]] = []
    for n in range(MAX_PLACE_WORDS, 0, -1):
        i = 0
        while i + n <= len(words):
            chunk = words[i : i + n]
            names = sounds.get("".join(chunk).replace("'", "").replace("’", "")) if all(chunk) else None
            if names:
                found_places.append((" ".join(chunk), names[0]))
                words[i : i + n] = [""] * n
                i += n
            else:
                i += 1
    return EnglishReading(
        intent=intent,
        product_words=tuple(c for _, c in products),
        service_words=tuple(c for _, c in services),
        places=tuple(c for _, c in found_places),
        understood=tuple(products + services + found_places),
    )
