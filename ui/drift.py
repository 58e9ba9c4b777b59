"""Evaluator drift in pictures: how far each evaluator scores above or below colleagues, with
the range the difference most likely lies in (its 95 % interval)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.quality.calibration import DriftRow
from core.quality.drift import VERDICT_WORDS, Verdict
from ui.text import chart_text

COLOURS = {Verdict.LENIENT: "#b35806", Verdict.HARSH: "#542788", Verdict.IN_LINE: "#5f6368"}


def drift_figure(rows: Sequence[DriftRow]) -> go.Figure:
    """A dot per evaluator (points above the average evaluator) with its interval as a bar;
    zero, the average evaluator, as a line. Evaluators without figures are left out."""
    shown = [r for r in rows if r.result.leniency is not None]
    figure = go.Figure()
    for verdict in (Verdict.LENIENT, Verdict.IN_LINE, Verdict.HARSH):
        group = [r for r in shown if r.result.verdict is verdict]
        if not group:
            continue
        names = [chart_text(r.name) for r in group]
        lows = [r.result.low or 0.0 for r in group]
        highs = [r.result.high or 0.0 for r in group]
        points = [r.result.leniency or 0.0 for r in group]
        figure.add_trace(
            go.Scatter(
                x=points,
                y=names,
                mode="markers",
                name=VERDICT_WORDS[verdict],
                marker={"size": 11, "color": COLOURS[verdict]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [h - p for h, p in zip(highs, points, strict=True)],
                    "arrayminus": [p - lo for p, lo in zip(points, lows, strict=True)],
                    "thickness": 2,
                },
                customdata=[
                    [r.result.evaluations, lo, h]
                    for r, lo, h in zip(group, lows, highs, strict=True)
                ],
                hovertemplate="%{y}: %{x:+.1f} points (likely between %{customdata[1]:+.1f} "
                "and %{customdata[2]:+.1f}), %{customdata[0]} evaluations<extra></extra>",
            )
        )
    figure.add_vline(x=0, line_color="#202124", line_width=1)
    figure.update_layout(
        title="Points above (right) or below (left) the average evaluator on the same agents",
        xaxis_title="points of the QA score; the bar: where the difference most likely lies",
        height=max(300, 48 * len(shown) + 170),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        xaxis={"tickformat": ".1f"},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    figure.update_yaxes(autorange="reversed")
    return figure


def _one_decimal(x: float | None) -> str:
    """Every figure on the page with one decimal and its sign ("−7.9", "+6.0"); "—" without."""
    if x is None:
        return "—"
    text = f"{x:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text.replace("-", "−")


def drift_table(rows: Sequence[DriftRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Evaluator": [r.name for r in rows],
            "Evaluations": [r.result.evaluations for r in rows],
            "Agents scored": [r.result.agents for r in rows],
            "Points above (+) or below (−) colleagues": [
                _one_decimal(r.result.leniency) for r in rows
            ],
            "Likely at least": [_one_decimal(r.result.low) for r in rows],
            "Likely at most": [_one_decimal(r.result.high) for r in rows],
            "In words": [VERDICT_WORDS[r.result.verdict] for r in rows],
        }
    )
