"""Plant each one-line bug of tools/mutations.yml in a copy of the tree and see whether the fast tests catch it.

Why a script of our own rather than mutmut: the bugs worth planting are the plausible ones (``<`` for ``<=`` at
a manual's boundary, a day off in a waiting period), named and kept in a list the next engineer can read and
extend, and each is run against the few test files that should catch it, so the whole check takes minutes.

The shared working tree is never touched: the files git knows (tracked or not ignored, as they are now on
disk) are copied to a temporary directory per worker; a mutation is written there, its tests run with that
copy first on ``sys.path``, and the original file is put back.  A snippet not found exactly once is an error
naming the mutation, reported before anything runs.  Exit status: 0 all killed, 1 survivors, 2 an error.

    python tools/mutation_check.py [--only ID ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Dict, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = ROOT / "tools" / "mutations.yml"
PER_MUTATION_TIMEOUT = 300  # seconds; a hang counts as caught (the suite did not pass)
PYTEST_ARGS = ["-q", "-x", "-m", "not model", "-p", "no:cacheprovider"]


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    original: str
    mutated: str
    description: str
    tests: Sequence[str]
    issue: Optional[int] = None


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    killed: bool
    how: str  # the failing test, "timeout", or "passed"
    seconds: float


def load(path: Path = MUTATIONS) -> List[Mutation]:
    """The named list; raises ValueError naming the mutation whose snippet is missing or repeated."""
    items = [Mutation(**{k: v for k, v in m.items()}) for m in yaml.safe_load(path.read_text("utf-8"))]
    ids = [m.id for m in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate mutation ids in {path}")
    for m in items:
        source = (ROOT / m.file).read_text("utf-8")
        if source.count(m.original) != 1:
            raise ValueError(
                f"mutation {m.id}: the snippet {m.original!r} occurs {source.count(m.original)} times in {m.file}"
                " (it must occur exactly once)"
            )
        if m.original == m.mutated:
            raise ValueError(f"mutation {m.id}: the mutated snippet is the original")
        for t in m.tests:
            if not (ROOT / t.split("::")[0]).exists():
                raise ValueError(f"mutation {m.id}: no test file {t}")
    return items


def copy_tree(dest: Path) -> None:
    """The files git would commit, as they are on disk now (others' uncommitted work included)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def _pytest(tree: Path, tests: Sequence[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", *PYTEST_ARGS, f"--basetemp={tree / '.pytest-tmp'}", *tests]
    return subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=PER_MUTATION_TIMEOUT)


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            node = line.split(" ", 1)[1].split(" - ")[0]
            return node.encode("ascii", "backslashreplace").decode("unicode_escape")  # pytest escapes CJK ids
    return "failed"


def check_copy_is_used(tree: Path) -> None:
    """The copy's packages must shadow the editable install, or every mutation would survive unseen."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = "import knowledge.coverage, service_requests.rules; print(knowledge.coverage.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    if not out.stdout.strip().startswith(str(tree)):
        raise RuntimeError(f"the copy is not what Python imports: {out.stdout or out.stderr}")


def run_one(tree: Path, m: Mutation) -> Outcome:
    path = tree / m.file
    original = path.read_text("utf-8")
    path.write_text(original.replace(m.original, m.mutated, 1), "utf-8")
    start = time.monotonic()
    try:
        result = _pytest(tree, m.tests)
        killed, how = result.returncode != 0, _first_failure(result.stdout) if result.returncode else "passed"
    except subprocess.TimeoutExpired:
        killed, how = True, "timeout"
    finally:
        path.write_text(original, "utf-8")
    return Outcome(m, killed, how, time.monotonic() - start)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="mutation ids to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="copies run side by side (default 2)")
    args = parser.parse_args(argv)
    try:
        mutations = load()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.only:
        unknown = set(args.only) - {m.id for m in mutations}
        if unknown:
            print(f"error: no mutation {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mutations = [m for m in mutations if m.id in args.only]
    started = time.monotonic()
    jobs = max(1, min(args.jobs, len(mutations)))
    with tempfile.TemporaryDirectory(prefix="mutation-check-") as tmp:
        trees: Queue = Queue()
        for i in range(jobs):
            tree = Path(tmp) / f"tree{i}"
            copy_tree(tree)
            trees.put(tree)
        first = trees.get()
        check_copy_is_used(first)
        baseline = _pytest(first, sorted({t for m in mutations for t in m.tests}))
        trees.put(first)
        if baseline.returncode != 0:
            print(baseline.stdout[-3000:], file=sys.stderr)
            print("error: the selected tests fail on the unmutated tree", file=sys.stderr)
            return 2

        def work(m: Mutation) -> Outcome:
            tree = trees.get()
            try:
                outcome = run_one(tree, m)
            finally:
                trees.put(tree)
            mark = "killed  " if outcome.killed else "SURVIVED"
            print(f"{mark} {m.id:48} {outcome.seconds:5.1f}s  {outcome.how}", flush=True)
            return outcome

        with ThreadPoolExecutor(jobs) as pool:
            outcomes: List[Outcome] = list(pool.map(work, mutations))
    survivors = [o.mutation for o in outcomes if not o.killed]
    by_file: Dict[str, List[Outcome]] = {}
    for o in outcomes:
        by_file.setdefault(o.mutation.file, []).append(o)
    print()
    for file, items in by_file.items():
        print(f"{file}: {sum(o.killed for o in items)}/{len(items)} killed")
    print(
        f"{len(outcomes) - len(survivors)} killed, {len(survivors)} survived "
        f"of {len(outcomes)} mutations in {time.monotonic() - started:.0f}s"
    )
    for m in survivors:
        print(f"survivor: {m.id} ({m.file}): {m.description}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
