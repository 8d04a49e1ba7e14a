"""Write the jieba user dictionary from the knowledge store, so that 住院陪护, 门诊陪诊 and 亳州
stay single tokens.  ``python -m bot.components.jieba_dictionary build/jieba`` (a folder: Rasa's
JiebaTokenizer loads every file in it)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import List, Tuple

from knowledge.api import KnowledgeBase
from knowledge.config import ROOT
from knowledge.vocabulary import store_forms

FREQUENCY = 100000  # high enough that jieba keeps the whole name as one word
TAGS = {"product": "nz", "service": "nz", "place": "ns"}


def write(folder: Path, kb: KnowledgeBase) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for entity, forms in store_forms(kb).items():
        for form in sorted(forms):
            if " " not in form and len(form) >= 2:
                lines.append(f"{form} {FREQUENCY} {TAGS[entity]}")
    target = folder / "userdict.txt"
    text = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:  # keep the mtime when nothing changed
        target.write_text(text, encoding="utf-8")
    return len(lines)


@lru_cache(maxsize=1)
def _tokenizer(folder: Path):
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    if (folder / "userdict.txt").exists():
        tokenizer.load_userdict(str(folder / "userdict.txt"))
    return tokenizer


def word_spans(text: str, folder: Path = ROOT / "build" / "jieba") -> List[Tuple[int, int]]:
    """The words of ``text`` as Rasa's JiebaTokenizer cuts them with this dictionary (jieba.tokenize,
    default mode), for tools that must mark entities as the NLU pipeline does."""
    return [(start, end) for _, start, end in _tokenizer(folder).tokenize(text)]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/jieba")
    print(f"wrote {write(out, KnowledgeBase())} words to {out / 'userdict.txt'}")
