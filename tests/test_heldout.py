"""evaluation.heldout: held-out questions compared as the intent classifier sees them."""

from __future__ import annotations

from evaluation.heldout import overlaps, store_finder, template


def test_names_are_masked_by_type_and_punctuation_folded(kb):
    finder = store_finder(kb)
    assert template("温州能用安盛的住院垫付吗？", finder) == "<place>能用<product>的<service>吗"
    assert template("哈尔滨 能用 众安的垫付吗", finder) == template("温州能用安盛的住院垫付吗", finder)


def test_the_same_template_and_a_one_particle_variant_are_overlaps_and_a_new_wording_is_not(kb):
    finder = store_finder(kb)
    training = ["哈尔滨能用众安的垫付吗", "安盛的住院垫付需要提前多久申请"]
    found = {
        o.question: o
        for o in overlaps(
            ["温州能用安盛的住院垫付吗", "安盛住院垫付需要提前多久申请呢", "我人在温州，安盛那个垫付到底管不管"],
            training,
            finder,
        )
    }
    assert found["温州能用安盛的住院垫付吗"].similarity == 100.0
    assert 90 <= found["安盛住院垫付需要提前多久申请呢"].similarity < 100
    assert "我人在温州，安盛那个垫付到底管不管" not in found


def test_the_heldout_command_names_what_is_not_held_out_and_exits_1(tmp_path, capsys, kb):
    from evaluation.__main__ import main

    training = tmp_path / "data"
    training.mkdir()
    (training / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_coverage\n  examples: |\n    - 哈尔滨能用众安的垫付吗\n', "utf-8"
    )
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "suite: t\ncases:\n"
        "  - id: a\n    turns:\n      - user: 温州能用安盛的住院垫付吗\n        expect: {facts: [温州]}\n"
        "  - id: b\n    turns:\n      - user: 我人在温州，安盛那个垫付到底管不管\n        expect: {facts: [温州]}\n",
        "utf-8",
    )
    assert main(["heldout", str(suite), "--training", str(training)]) == 1
    out = capsys.readouterr().out
    assert "2 questions, 1 not held out" in out and "温州能用安盛的住院垫付吗" in out and "管不管" not in out
    suite.write_text(suite.read_text("utf-8").replace("温州能用安盛的住院垫付吗", "温州那边安盛的垫付有没有"), "utf-8")
    assert main(["heldout", str(suite), "--training", str(training)]) == 0
