"""The question hooks (knowledge/retrieval/hooks/): each for one sentence of the store, naming no
product or service (the search leaves names out), and held out from every set that measures the
search or the assistant (the suite, the NLU test set, the retrieval development set)."""

from __future__ import annotations

from evaluation.heldout import overlaps, store_finder, training_questions
from evaluation.suite import load_suite, questions
from knowledge.api import UNFOCUSED
from knowledge.config import ROOT
from knowledge.retrieval import MEASURING_SETS, load_dev, load_hooks


def test_every_hook_is_for_a_sentence_of_its_service_the_search_can_give(kb):
    hooks = load_hooks()
    assert len(hooks) >= 150
    bad = []
    for h in hooks:
        svc = kb.service(h.product, h.service) if h.service else None
        assert h.service is None or svc is not None, h
        found = [
            p
            for p in kb._passages
            if p[0] == h.product and p[1] == (svc.id if svc else None) and p[2] not in UNFOCUSED and h.sentence in p[4]
        ]
        if not found or len(h.sentence) < 8:
            bad.append((h.service, h.sentence))
        assert 2 <= len(h.asks) <= 4, h
    assert not bad, bad[:10]
    indexed = kb.hook_texts()
    assert all(a in " ".join(indexed.values()) for h in hooks for a in h.asks)


def test_no_hook_names_a_product_or_a_service(kb):
    finder = store_finder(kb)
    named = [(a, [m.entity for m in finder.find(a)]) for h in load_hooks() for a in h.asks]
    assert [(a, e) for a, e in named if {"product", "service"} & set(e)] == []


def test_the_sets_that_measure_are_held_out_from_the_hooks(kb):
    asks = [a for h in load_hooks() for a in h.asks]
    suite = questions([load_suite(p) for p in sorted((ROOT / "evaluation" / "suites").glob("*.yml"))])
    nlu = training_questions(sorted((ROOT / "tests" / "nlu").glob("test_nlu*.yml")))
    dev = [i.q for path in MEASURING_SETS for i in load_dev(path)]
    found = overlaps(suite + nlu + dev, asks, store_finder(kb))
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:10]]


def test_every_item_of_a_printed_list_has_its_ways_of_being_asked(kb):
    from knowledge.retrieval import load_item_hooks

    hooks = load_item_hooks()
    listed = {(s.product.id, s.name, i) for s in kb.all_services() for i in s.items}
    hooked = {(p, s, i) for (p, s), items in hooks.items() for i in items}
    assert listed == hooked  # every item, each under its own service, verbatim
    assert all(2 <= len(asks) <= 4 for items in hooks.values() for asks in items.values())
    # no product named (a service's name, "护工能给喂饭吗", is left out of them as out of a question)
    finder = store_finder(kb)
    asks = [a for items in hooks.values() for ways in items.values() for a in ways]
    assert [a for a in asks if "product" in {m.entity for m in finder.find(a)}] == []
    masked = [a for items in kb._item_asks().values() for ways in items.values() for a in ways]
    assert len(masked) == len(asks) and "护工" not in " ".join(masked)


def test_the_sets_that_measure_are_held_out_from_the_item_hooks(kb):
    import yaml

    from knowledge.retrieval import load_item_hooks

    asks = [a for items in load_item_hooks().values() for ways in items.values() for a in ways]
    suite = questions([load_suite(p) for p in sorted((ROOT / "evaluation" / "suites").glob("*.yml"))])
    nlu = training_questions(sorted((ROOT / "tests" / "nlu").glob("test_nlu*.yml")))
    dev_path = ROOT / "benchmarks" / "data" / "list_items_dev.yml"
    dev = [q["q"] for q in yaml.safe_load(dev_path.read_text("utf-8"))["questions"]]
    dev += [i.q for path in MEASURING_SETS for i in load_dev(path)]
    found = overlaps(suite + nlu + dev, asks, store_finder(kb))
    assert not found, [(o.question, o.training, round(o.similarity)) for o in found[:10]]
