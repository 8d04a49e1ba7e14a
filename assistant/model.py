"""Train the Rasa model only when what it is trained from has changed.

The fingerprint covers the NLU pipeline and dialogue config, the domain, the
training data, the custom NLU components, the jieba dictionary and the
knowledge store's own fingerprint (entities come from the store).  A model for
a fingerprint is kept as ``models/<fingerprint>.tar.gz``; training again with
nothing changed is a file lookup.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from knowledge.api import KnowledgeBase
from knowledge.config import ROOT

MODELS_DIR = ROOT / "models"
JIEBA_DIR = ROOT / "build" / "jieba"
TRAINING_INPUTS = ["config.yml", "bot/domain.yml", "bot/data", "bot/components", "build/jieba"]


def _files(paths: Iterable[str]) -> List[Path]:
    out: List[Path] = []
    for rel in paths:
        p = ROOT / rel
        out += sorted(x for x in p.rglob("*") if x.is_file() and "__pycache__" not in x.parts) if p.is_dir() else [p]
    return out


def fingerprint(kb: Optional[KnowledgeBase] = None) -> str:
    kb = kb or KnowledgeBase()
    h = hashlib.sha256(kb.fingerprint.encode())
    for f in _files(TRAINING_INPUTS):
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def ensure_model(out: Path = MODELS_DIR, quiet: bool = False) -> Path:
    """The model for the current inputs, trained now if there is none."""
    from bot.components.jieba_dictionary import write

    kb = KnowledgeBase()
    write(JIEBA_DIR, kb)
    fp = fingerprint(kb)
    model = out / f"{fp}.tar.gz"
    if model.exists():
        if not quiet:
            print(f"model up to date: {model.relative_to(ROOT) if model.is_relative_to(ROOT) else model}")
        return model
    out.mkdir(parents=True, exist_ok=True)
    print(f"training the model ({fp}) …", flush=True)
    subprocess.run(train_command(out, fp), cwd=ROOT, check=True)
    return model


def train_command(out: Path, name: Optional[str] = None) -> List[str]:
    """``rasa train`` on this project's config, domain and data (run from the repository root)."""
    cmd = [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "bot/domain.yml"]
    cmd += ["--data", "bot/data", "--out", str(out)]
    return cmd + (["--fixed-model-name", name] if name else [])


if __name__ == "__main__":
    print(ensure_model())
