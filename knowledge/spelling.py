"""Close names for a misspelt one, by characters and by sound.

Phone users type Chinese with a pinyin keyboard, so their commonest slip is a character with the
same sound (杭洲 for 杭州, 武汗 for 武汉, 长纱 for 长沙): a character comparison alone ties the
intended name with every other name that shares one character.  Candidates are ranked by the
character similarity and the similarity of their toneless pinyin together, names that sound
exactly alike first.  The caller confirms a suggestion with the user ("您是指…吗"); nothing here
chooses one silently.

Calibrated on benchmarks/data/place_typos_dev.tsv (kept apart from the evaluation suite and the
tests; `benchmarks/bench_place_typos.py` prints the figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Dict, List, Sequence, Tuple

from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz, process

CHAR_CUTOFF = 50.0  # rapidfuzz WRatio: below this a two-character name shares nothing with the mention
SOUND_CUTOFF = 75.0  # ratio of toneless pinyin strings: "changsha" / "changge" is 67, one syllable off in three ~80
CANDIDATES = 20  # from each comparison, before the two are merged
MAX_READINGS = 16  # of a typed mention whose characters have several readings


def sound(text: str) -> str:
    """Toneless pinyin, syllables joined, each character read as in the phrase: 杭洲 and 杭州 are both "hangzhou"."""
    return "".join(lazy_pinyin(text))


def readings(text: str, limit: int = MAX_READINGS) -> List[str]:
    """The ways a typed mention may sound: its usual reading first, then the other readings of its characters
    that have several (长纱 is read "zhangsha" alone, but the user who typed it meant "changsha")."""
    usual = sound(text)
    combos = [""]
    for options in pinyin(text, style=Style.NORMAL, heteronym=True):
        combos = [c + o for c in combos for o in dict.fromkeys(options)][:limit]
    return list(dict.fromkeys([usual, *combos]))[:limit]


@dataclass(frozen=True)
class Suggestion:
    name: str
    score: float  # the mean of the character and the sound similarity, 0–100
    same_sound: bool


class SpellingIndex:
    """The names one kind of mention may mean (places, services), with their sounds computed once."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)

    @cached_property
    def _sounds(self) -> List[str]:
        return [sound(n) for n in self.names]

    def similar(self, text: str, limit: int = 10) -> List[Suggestion]:
        """The closest names to ``text``, same-sounding ones first, then by the two similarities together."""
        if not text or not self.names:
            return []
        keys = readings(text)
        chars = {
            i: s
            for _, s, i in process.extract(
                text, self.names, scorer=fuzz.WRatio, limit=CANDIDATES, score_cutoff=CHAR_CUTOFF
            )
        }
        sounds: Dict[int, float] = {}
        for key in keys:
            for _, s, i in process.extract(
                key, self._sounds, scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=SOUND_CUTOFF
            ):
                sounds[i] = max(s, sounds.get(i, 0.0))
        out = []
        for i in chars.keys() | sounds.keys():
            c = chars[i] if i in chars else fuzz.WRatio(text, self.names[i])
            s = sounds[i] if i in sounds else max(fuzz.ratio(k, self._sounds[i]) for k in keys)
            out.append(Suggestion(self.names[i], round((c + s) / 2, 1), self._sounds[i] in keys))
        out.sort(key=lambda x: (not x.same_sound, -x.score, x.name))
        return out[:limit]


# Characters a stretch may end or begin with by accident (营养是 sounds like 营养师): a slip is in the name itself.
_FUNCTION_CHARACTERS = frozenset("是的了在吗呢啊吧么嘛呀哦有和与及或也都就还")


def _may_be_a_slip(typed: str, name: str) -> bool:
    """A misspelling of ``name``, not another word that sounds the same (支付 is a word of its own, not 直付)."""
    import jieba

    differing = {t for t, n in zip(typed, name, strict=True) if t != n}
    if differing <= _FUNCTION_CHARACTERS:
        return False
    jieba.initialize()
    return not jieba.dt.FREQ.get(typed)


@dataclass(frozen=True)
class SoundAlike:
    """A stretch of a message that sounds exactly like a known name but is written otherwise (住院陪户)."""

    typed: str
    start: int
    end: int
    name: str


class SoundIndex:
    """Known names by their sound, to spot a misspelt name inside free text.

    The entity finder only knows names as they are written, so "住院陪户" in a message is no mention
    at all; this finds the stretches that sound like a known name (toneless pinyin, character by
    character as read in the message), share at least one character with it and differ from it.
    """

    def __init__(self, names: Sequence[str], min_length: int = 2) -> None:
        self.by_sound: Dict[str, List[str]] = {}
        for n in names:
            if len(n) >= min_length and not n.isascii():
                self.by_sound.setdefault(sound(n), []).append(n)
        self._lengths = sorted({len(n) for ns in self.by_sound.values() for n in ns}, reverse=True)

    def find(self, text: str, taken: Sequence[Tuple[int, int]] = (), whole_words: bool = False) -> List[SoundAlike]:
        """Longest sound-alike stretches, left to right, not overlapping each other or ``taken`` (the
        names already recognised); with ``whole_words``, not cutting one of the message's words in two
        (张化 in 这张化验单 — short place names sound like pieces of everyday words; service names are
        longer and are looked for without it, so 门诊协主要 still finds 门诊协主)."""
        import jieba

        syllables = lazy_pinyin(text, errors=lambda chars: list(chars))
        if len(syllables) != len(text):  # pypinyin keeps every character as one item; anything else is not ours
            return []
        # dictionary words only (HMM off): the HMM glues an unknown typo to its neighbour (南景能)
        words = jieba.tokenize(text, HMM=False) if whole_words else ()
        bounds = {0, len(text)} | {end for _, _, end in words} if whole_words else set(range(len(text) + 1))
        blocked = {i for start, end in taken for i in range(start, end)}
        out: List[SoundAlike] = []
        i = 0
        while i < len(text):
            for n in self._lengths:
                typed = text[i : i + n]
                if len(typed) < n or i not in bounds or i + n not in bounds or blocked & set(range(i, i + n)):
                    continue
                names = [
                    m
                    for m in self.by_sound.get("".join(syllables[i : i + n]), [])
                    if len(m) == n and m != typed and set(m) & set(typed) and _may_be_a_slip(typed, m)
                ]
                if names:
                    out.append(SoundAlike(typed, i, i + n, names[0]))
                    i += n
                    break
            else:
                i += 1
        return out
