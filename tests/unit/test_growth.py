"""Honesty checks of the growth statistics on planted truth (the published example and many
simulated replicates), plus the exact window and interval arithmetic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from core.growth.statistics import coaching_effects
from core.growth.wording import trend_flags
from tests.unit.simulate import coaching_world, trend_world

GROWTH = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples" / "growth"


def honesty(effects, truth: dict[str, float]) -> tuple[float, float]:
    scored = [e for e in effects if e.adjusted_low is not None]
    coverage = sum(e.adjusted_low <= truth[e.note] <= e.adjusted_high for e in scored) / len(scored)
    nulls = [e for e in scored if truth[e.note] == 0]
    return coverage, sum(e.verdict == "no change" for e in nulls) / len(nulls)


@pytest.mark.skipif(not GROWTH.exists(), reason="shared/spec/examples is not beside the project")
def test_the_published_simulation_is_read_honestly() -> None:
    truth = json.loads((GROWTH / "truth.json").read_text())
    effects = coaching_effects(pd.read_csv(GROWTH / "obs.csv"), pd.read_csv(GROWTH / "notes.csv"))
    thin = [e for e in effects if e.note in truth["thin"]]
    assert thin and all(e.verdict == "not enough data" and e.effect is None for e in thin)
    coverage, null_ok = honesty([e for e in effects if e.note not in truth["thin"]], truth["notes"])
    assert 0.90 <= coverage <= 0.99 and null_ok >= 0.90
    flags = {
        f.agent
        for f in trend_flags(
            pd.read_csv(GROWTH / "trend.csv"),
            metric="qa_score",
            as_of=dt.date.fromisoformat(truth["as_of"]),
        )
    }
    assert sum(a in flags for a in truth["declining"]) / len(truth["declining"]) >= 0.90
    assert sum(a in flags for a in truth["flat"]) / len(truth["flat"]) <= 0.05


def test_over_many_replicates_intervals_cover_the_planted_effect_90_to_99_percent_of_the_time() -> (
    None
):
    coverages, nulls, raw_coverages = [], [], []
    for seed in range(12):
        obs, notes, truth = coaching_world(seed)
        effects = coaching_effects(obs, notes)
        coverage, null_ok = honesty(effects, truth)
        coverages.append(coverage)
        nulls.append(null_ok)
        raw_coverages.append(sum(e.low <= truth[e.note] <= e.high for e in effects) / len(effects))
    assert 0.90 <= sum(coverages) / len(coverages) <= 0.99
    assert sum(nulls) / len(nulls) >= 0.90
    # The season is removed: without the adjustment the same intervals would cover far less.
    assert sum(raw_coverages) / len(raw_coverages) < 0.80


def test_the_season_adjusted_estimate_removes_an_organisation_wide_shift() -> None:
    obs, notes, truth = coaching_world(99, season=10.0, base_mean=60.0)  # far from the 100 cap
    effects = coaching_effects(obs, notes)
    bias = sum(e.adjusted_effect - truth[e.note] for e in effects) / len(effects)
    raw_bias = sum(e.effect - truth[e.note] for e in effects) / len(effects)
    assert abs(bias) < 0.5 and abs(raw_bias - 10) < 0.5


def test_trend_flags_detect_planted_declines_and_rarely_raise_false_alarms() -> None:
    detected = alarms = declining = others = 0
    for seed in range(8):
        obs, as_of, falling, rest = trend_world(seed)
        flagged = {f.agent for f in trend_flags(obs, metric="qa_score", as_of=as_of)}
        detected += len(flagged & falling)
        alarms += len(flagged & rest)
        declining += len(falling)
        others += len(rest)
    assert detected / declining >= 0.90
    assert alarms / others <= 0.05


def test_windows_include_both_ends_and_the_interval_is_welchs() -> None:
    day = dt.date(2026, 3, 31)
    before = [
        (day - dt.timedelta(days=k), v)
        for k, v in zip(range(1, 8), [70, 72, 71, 69, 73, 70, 74], strict=True)
    ]
    after = [
        (day + dt.timedelta(days=k), v)
        for k, v in zip(range(0, 7), [80, 79, 83, 78, 81, 82, 80], strict=True)
    ]
    outside = [(day - dt.timedelta(days=8), 0.0), (day + dt.timedelta(days=7), 0.0)]
    obs = pd.DataFrame(
        [("A", d, "qa_score", v) for d, v in before + after + outside],
        columns=["agent", "date", "metric", "value"],
    )
    notes = pd.DataFrame(
        [("N1", "A", day, "qa_score")], columns=["note", "agent", "date", "metric"]
    )
    [effect] = coaching_effects(obs, notes, window=7)
    assert (effect.before_n, effect.after_n) == (7, 7)
    a, b = [v for _, v in after], [v for _, v in before]
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert effect.effect == pytest.approx(sum(a) / 7 - sum(b) / 7)
    assert (effect.low, effect.high) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert effect.verdict == "improved"  # no control agents: the raw interval decides


def test_a_lower_is_better_metric_improves_when_it_falls_and_thin_windows_say_so() -> None:
    day = dt.date(2026, 3, 31)
    rows = [("A", day - dt.timedelta(days=k), "aht_seconds", 500.0 + k % 3) for k in range(1, 11)]
    rows += [("A", day + dt.timedelta(days=k), "aht_seconds", 400.0 + k % 3) for k in range(0, 10)]
    obs = pd.DataFrame(rows, columns=["agent", "date", "metric", "value"])
    notes = pd.DataFrame(
        [("N1", "A", day, "aht_seconds"), ("N2", "A", day + dt.timedelta(days=60), "aht_seconds")],
        columns=["note", "agent", "date", "metric"],
    )
    first, second = coaching_effects(obs, notes, window=10)
    assert first.effect < 0 and first.verdict == "improved"
    assert second.verdict == "not enough data" and second.after_n == 0 and second.low is None


def test_an_improving_trend_is_never_flagged_and_a_rising_handle_time_is() -> None:
    start = dt.date(2026, 1, 1)
    rows = [("UP", start + dt.timedelta(days=k), "qa_score", 60 + k * 0.5) for k in range(60)]
    rows += [
        ("SLOW", start + dt.timedelta(days=k), "aht_seconds", 300 + k * 3.0) for k in range(60)
    ]
    obs = pd.DataFrame(rows, columns=["agent", "date", "metric", "value"])
    as_of = start + dt.timedelta(days=59)
    assert trend_flags(obs, metric="qa_score", as_of=as_of) == []
    [flag] = trend_flags(obs, metric="aht_seconds", as_of=as_of)
    assert flag.agent == "SLOW" and flag.slope_per_30_days == pytest.approx(90.0)
    assert "rose by 90 per 30 days" in flag.evidence


def test_a_figure_without_values_counts_as_empty_and_one_value_does_not() -> None:
    import datetime as dt

    import plotly.graph_objects as go

    from ui.widgets import has_points, trend_figure

    assert not has_points(trend_figure([], "qa_score"))
    assert not has_points(go.Figure(go.Scatter(x=[1, 2], y=[float("nan"), None])))
    assert not has_points(go.Figure(go.Heatmap(z=[[None, None], [None, None]])))
    assert has_points(go.Figure(go.Heatmap(z=[[None, 2]])))
    assert has_points(trend_figure([(dt.date(2026, 11, 23), 81.0, 3)], "qa_score"))


def test_a_change_that_rounds_to_nothing_reads_plus_minus_zero_without_colour() -> None:
    from ui.widgets import delta_shown

    assert delta_shown("repeat_contact_rate", 0.001) == ("±0 pts", "off")
    assert delta_shown("aht_seconds", -0.2) == ("±0:00", "off")
    assert delta_shown("repeat_contact_rate", 0.02) == ("+2 pts", "inverse")
    assert delta_shown("qa_score", -1.25) == ("-1.2 pts", "normal")
    assert delta_shown("qa_score", None) == (None, "normal")
