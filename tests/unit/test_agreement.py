"""Agreement in words (core.quality.agreement): the verdict follows the figure the sentence states (pairs
within one point), alpha is said plainly, and "everyone gave the same answer" is not "undefined"."""

from __future__ import annotations

from core.quality.agreement import ALPHA_MEANING, alpha_words, item_agreement, overall_agreement


def test_a_question_everyone_answered_alike_says_so_instead_of_undefined() -> None:
    same = item_agreement("Opening", "Greeted the customer", "yes_no", [["yes", "yes"]] * 3)
    assert same.alpha is None and not same.poor
    assert same.agreed_sentence == "Evaluators gave the same answer on 3 of 3 calls."
    assert alpha_words(same.alpha, compared=same.pairs.pairs > 0) == "everyone gave the same answer"
    alone = item_agreement("Opening", "Greeted the customer", "yes_no", [["yes", None]])
    assert alone.agreed_sentence == "Fewer than two evaluators answered this question on any call."
    assert alpha_words(alone.alpha, compared=alone.pairs.pairs > 0) == "too few answers to compare"


def test_the_verdict_follows_the_pairs_not_a_swinging_alpha() -> None:
    # one point apart on every call, always the same way: within one point, so alike, although
    # alpha (which also weighs the steady gap) is below 0
    steady = item_agreement("Resolution", "Clear next step", "scale", [[4, 5], [4, 5], [5, 4]])
    assert steady.alpha is not None and steady.alpha < 0
    assert not steady.poor
    assert steady.agreed_sentence == "Evaluators agreed within one point on 3 of 3 calls."
    assert alpha_words(steady.alpha).endswith("— systematic disagreement")
    apart = item_agreement("Resolution", "Clear next step", "scale", [[1, 5], [4, 4], [2, 5]])
    assert apart.poor
    assert (
        apart.sentence == "“Clear next step”: evaluators agreed within one point on 1 of 3 calls."
    )
    overall = overall_agreement([steady, apart], [[90.0, 60.0], [80.0, 80.0], [70.0, 95.0]])
    assert (overall.pairs.agreeing, overall.pairs.pairs) == (4, 6) and overall.poor


def test_with_three_evaluators_the_sentence_counts_the_pairs_the_verdict_counts() -> None:
    item = item_agreement("Opening", "Empathy", "scale", [[3, 3, 5], [4, 4, 4], [2, 3, 3]])
    assert item.agreed_sentence == (
        "Evaluators agreed within one point on 2 of 3 calls (7 of 9 pairs of answers)."
    )
    assert item.poor  # 7 of 9 pairs: fewer than 4 in 5


def test_alpha_has_a_one_line_meaning() -> None:
    assert ALPHA_MEANING == (
        "1 = full agreement, 0 = no better than chance, below 0 = systematic disagreement"
    )
    assert alpha_words(0.94) == "0.94 — reliable"
    assert alpha_words(0.5) == "0.50 — too low to rely on"
