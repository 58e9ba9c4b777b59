"""Growth results in plain words (core.growth.wording) and the trend directions behind the
"Most improved" / "Needs attention" ranking (core.growth.statistics.agent_trends, and
core.growth.checkins.rank_growth), without a database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.growth.checkins import TrendRow, rank_growth
from core.growth.statistics import AgentTrend, Direction, GroupEffect, agent_trends
from core.growth.wording import (
    amount,
    axis_sentence,
    coaching_sentence,
    data_axis,
    growth_sentence,
    level_text,
    ranking_summary,
    signed_amount,
    trend_headline,
    trend_sentence,
)
from tests.unit.simulate import trend_world

SEPT = dt.date(2026, 9, 26)
NOV = dt.date(2026, 11, 24)


def trend(metric: str, slope: float, direction: Direction, n: int = 25) -> AgentTrend:
    return AgentTrend(
        "7", metric, n, SEPT, NOV, direction, 0.001, 0.999, slope, slope - 1, slope + 1
    )


def test_amounts_are_in_each_metrics_own_units_and_rounded_to_what_matters() -> None:
    assert amount("qa_score", -5.4, rough=True) == "5 points"
    assert amount("qa_score", 2.36) == "2.4 points"
    assert amount("qa_score", 1.0) == "1 point"
    assert amount("fcr", 0.061, rough=True) == "6 percentage points"
    assert amount("repeat_contact_rate", 0.004) == "0.4 percentage points"
    assert amount("csat", 0.234) == "0.2 points"
    assert amount("aht_seconds", 36.4) == "36 seconds"
    assert amount("aht_seconds", -150) == "2.5 minutes"
    assert signed_amount("aht_seconds", -30) == "−30 seconds"
    assert signed_amount("fcr", 0.06) == "+6 percentage points"
    assert level_text("fcr", 0.7345) == "73.5 %"
    assert level_text("aht_seconds", 426) == "7.1 minutes"


def test_a_falling_qa_score_reads_as_a_sentence_without_statistics() -> None:
    sentence = trend_sentence("Pamela Berry", trend("qa_score", -5.2, Direction.WORSENING))
    assert sentence == (
        "Pamela Berry's QA score has fallen about 5 points a month since 26 September (25 scores)"
    )
    assert trend_headline("qa_score", -5.2) == "QA score fell about 5 points a month"


def test_a_falling_handle_time_is_worded_as_an_improvement_and_a_rising_one_as_worse() -> None:
    better = trend_sentence("Sam", trend("aht_seconds", -40, Direction.IMPROVING, n=9))
    worse = trend_sentence("Sam", trend("aht_seconds", 36, Direction.WORSENING, n=9))
    assert better == (
        "Sam's average handle time has fallen about 40 seconds a month since 26 September "
        "(9 figures), which is better"
    )
    assert worse.endswith("which is worse") and "risen about 36 seconds" in worse


def test_several_trends_of_one_agent_make_one_sentence_strongest_first() -> None:
    sentence = growth_sentence(
        "Mark Meza",
        (
            trend("qa_score", 6.2, Direction.IMPROVING),
            trend("fcr", 0.03, Direction.IMPROVING, n=9),
        ),
    )
    assert sentence == (
        "Mark Meza's QA score has risen about 6 points a month since 26 September (25 scores); "
        "first-contact resolution has risen about 3 percentage points a month (9 figures)"
    )


def test_coaching_is_called_working_only_when_the_whole_interval_is_on_the_better_side() -> None:
    where = "in Billing Care 1"
    working = coaching_sentence("fcr", where, GroupEffect("B", 12, 0.06, 0.02, 0.10), 12, 12)
    assert working == (
        "Coaching on first-contact resolution in Billing Care 1 is working: +6 percentage "
        "points on average after a note, more than the season explains (12 notes)"
    )
    unclear = coaching_sentence("qa_score", where, GroupEffect("B", 6, 3.0, -1.0, 7.0), 6, 6)
    assert unclear == (
        "Coaching on QA score in Billing Care 1 shows no clear change yet: +3 points on average "
        "after a note, no more than scores move anyway without a note (6 notes)"
    )
    assert "season and chance" not in unclear
    harmful = coaching_sentence("qa_score", where, GroupEffect("B", 5, -4.0, -7.0, -1.0), 5, 5)
    assert "is not helping so far: −4 points" in harmful
    # Handle time: lower is better, so a fall whose interval is below zero is working.
    shorter = coaching_sentence("aht_seconds", "", GroupEffect("", 8, -30, -50, -10), 8, 8)
    assert shorter.startswith("Coaching on average handle time is working: −30 seconds")
    early = coaching_sentence("fcr", where, None, 3, 2)
    assert early == (
        "Coaching on first-contact resolution in Billing Care 1: too early to tell (3 notes, 2 "
        "with enough scores before and after to compare)"
    )


def test_agent_trends_find_improvers_as_well_as_decliners_and_rarely_call_a_flat_agent_either() -> (
    None
):
    found = {Direction.IMPROVING: 0, Direction.WORSENING: 0}
    wrong = flat_moving = flat = up = down = 0
    for seed in range(4):
        obs, as_of, falling, rest = trend_world(seed)
        trends = {t.agent: t for t in agent_trends(obs, metric="qa_score", as_of=as_of)}
        for agent, t in trends.items():
            index = int(agent[1:])
            kind = "down" if agent in falling else ("flat" if index < 100 else "up")
            if kind == "flat":
                flat += 1
                flat_moving += t.direction in (Direction.IMPROVING, Direction.WORSENING)
            elif kind == "up":
                up += 1
                found[Direction.IMPROVING] += t.direction is Direction.IMPROVING
                wrong += t.direction is Direction.WORSENING
            else:
                down += 1
                found[Direction.WORSENING] += t.direction is Direction.WORSENING
                wrong += t.direction is Direction.IMPROVING
            assert t.observations >= 8 and t.direction is not Direction.TOO_LITTLE_DATA
    assert found[Direction.IMPROVING] / up >= 0.90 and found[Direction.WORSENING] / down >= 0.90
    assert wrong == 0 and flat_moving / flat <= 0.05


def test_an_agent_with_too_few_scores_is_not_ranked_but_says_how_many() -> None:
    start = dt.date(2026, 1, 1)
    rows = [("UP", start + dt.timedelta(days=k), "qa_score", 60 + k * 0.5) for k in range(60)]
    rows += [("NEW", start + dt.timedelta(days=50 + k), "qa_score", 70.0 + k) for k in range(3)]
    rows += [
        ("SLOW", start + dt.timedelta(days=k), "aht_seconds", 300 + k * 3.0) for k in range(60)
    ]
    obs = pd.DataFrame(rows, columns=["agent", "date", "metric", "value"])
    as_of = start + dt.timedelta(days=59)
    ids = {"UP": 1, "NEW": 2, "SLOW": 3}
    who = {1: ("Una Up", 10), 2: ("Nia New", 10), 3: ("Sol Slow", 10), 4: ("Ada Absent", 10)}
    rows_ = [
        TrendRow(ids[t.agent], who[ids[t.agent]][0], 10, t)
        for metric in ("qa_score", "aht_seconds")
        for t in agent_trends(obs, metric=metric, as_of=as_of)
    ]
    ranking = rank_growth(who, rows_, {10: "Billing Care 1"}, as_of=as_of)
    assert [g.name for g in ranking.improving] == ["Una Up"]
    assert [g.name for g in ranking.worsening] == ["Sol Slow"]
    assert ranking.falling_trends == 1 and ranking.steady == []
    assert ranking.too_little == [
        (4, "Ada Absent", "Billing Care 1", 0),
        (2, "Nia New", "Billing Care 1", 3),
    ]
    assert ranking_summary(1, 1, 0, 2, ranking.first, as_of) == (
        "Over the last 60 days (1 January to 1 March; the period chosen above sets the charts): "
        "1 agent improved, 1 agent got worse in a measure, no agents "
        "held steady and 2 agents have too little data to tell."
    )


def test_an_agent_in_both_lists_is_said_so_and_the_numbers_add_up() -> None:
    first, as_of = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    assert ranking_summary(2, 5, 54, 0, first, as_of, both=1) == (
        "Over the last 60 days (1 January to 1 March; the period chosen above sets the charts): "
        "2 agents improved, 5 agents got worse in a measure (1 of them "
        "improved in another) and 54 agents held steady."
    )


@pytest.mark.parametrize(
    ("metric", "shown", "axis"),
    [
        ("qa_score", [81.0, 86.0, 84.2], (79, 88)),
        ("qa_score", [99.0, 100.0], (97, 100)),  # never past what the measure can be
        ("csat", [4.1, 4.3], (4.0, 4.4)),
        ("fcr", [70.5, 78.0], (68, 80)),
        ("qa_score", [], (0, 100)),
    ],
)
def test_a_chart_axis_spans_the_data_not_the_whole_scale(
    metric: str, shown: list[float], axis: tuple[float, float]
) -> None:
    """On the whole 0–100 axis every team looked flat (issue 25, item 5)."""
    assert data_axis(metric, shown) == axis


def test_the_axis_is_said_under_the_chart() -> None:
    assert axis_sentence("qa_score", (79, 88)) == (
        "The axis runs from 79 % to 88 %, the range of these figures, not the usual 0 % to "
        "100 %: differences look larger than they would on the whole scale."
    )
    assert axis_sentence("qa_score", (0, 100)) == "The axis runs over the whole 0–100 scale."
