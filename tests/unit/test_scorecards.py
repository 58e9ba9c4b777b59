"""Scorecard scoring: weights, n.a., 1-5 scales and critical items (auto-fail)."""

import pytest

from core.platform.errors import InvalidInput
from core.quality.evaluations import DEFAULT_FORM, parse_definition, score_answers

FORM = parse_definition(
    DEFAULT_FORM
)  # weights 2, 3, 1; critical: "correct information", "verified identity"


def test_all_yes_and_top_scale_scores_100() -> None:
    result = score_answers(FORM, [["yes", 5], [5, "yes"], ["yes", "yes"]])
    assert result.score == 100 and not result.critical_failed


def test_sections_are_weighted_and_scales_map_to_0_to_1() -> None:
    # section 1: (1 + 0.5) / 2 = 0.75 (weight 2); section 2: (0.5 + 1) / 2 = 0.75 (weight 3); section 3: 0.5 (weight 1)
    result = score_answers(FORM, [["yes", 3], [3, "yes"], ["yes", "no"]])
    assert result.score == pytest.approx((2 * 0.75 + 3 * 0.75 + 1 * 0.5) / 6 * 100, abs=0.01)


def test_na_answers_and_empty_sections_leave_the_weights() -> None:
    result = score_answers(FORM, [["na", "na"], [5, "yes"], ["yes", "na"]])
    assert result.sections[0] is None and result.score == 100


def test_a_failed_critical_question_zeroes_the_evaluation() -> None:
    result = score_answers(FORM, [["yes", 5], [5, "no"], ["yes", "yes"]])
    assert result.score == 0 and result.critical_failed


def test_missing_or_wrong_answers_are_refused() -> None:
    with pytest.raises(InvalidInput, match="Answer every question"):
        score_answers(FORM, [["yes"], [5, "yes"], ["yes", "yes"]])
    with pytest.raises(InvalidInput, match="takes a score from 1 to 5"):
        score_answers(FORM, [["yes", 7], [5, "yes"], ["yes", "yes"]])


def test_a_form_without_weights_or_questions_is_refused() -> None:
    with pytest.raises(InvalidInput, match="needs a weight above 0"):
        parse_definition({"sections": [{"title": "A", "weight": 0, "questions": [{"text": "q"}]}]})
    with pytest.raises(InvalidInput, match="needs at least one question"):
        parse_definition({"sections": [{"title": "A", "weight": 1, "questions": []}]})
