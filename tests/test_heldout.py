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
