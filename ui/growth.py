"""Plotly figures of the agent growth page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from core.coaching.notes import NoteRead
from core.growth.agent import TARGETS, GrowthData
from core.growth.wording import DISPLAY
from core.models import METRICS, DisputeStep
from core.platform.config import get_settings
from core.quality.disputes import DisputeRead
from core.quality.evaluations import EvaluationRead, score_text
from ui.text import chart_text, plain
from ui.widgets import qa_score_text

# Where each metric comes from: what has to happen before a chart of it shows anything.
SOURCES = {
    "qa_score": "after {their} next QA evaluation",
    "csat": "once customer satisfaction surveys about {their} contacts are imported",
    "fcr": "once first-contact resolution figures for {their} contacts are imported",
    "repeat_contact_rate": "once repeat-contact figures for {their} contacts are imported",
    "aht_seconds": "once handle times from the telephony system are imported",
    "ces": "once customer effort surveys about {their} contacts are imported",
}


def empty_metric(metric: str, *, months: int, name: str | None) -> str:
    """What an empty metric chart says instead: what will appear here and when. `name` is the
    agent's when someone else reads the page, None for the agent themself."""
    label = METRICS[metric].label
    their = "your" if name is None else "their"
    whose = "Your" if name is None else f"{name}'s"
    return (
        f"No {label} in the last {months} months. {whose} {label} appears here "
        + SOURCES[metric].format(their=their)
        + "."
    )


def evaluation_hovers(
    evaluations: Sequence[EvaluationRead], disputes: Sequence[DisputeRead], *, mine: bool
) -> dict[int, str]:
    """Each evaluation's hover on the QA chart, by id: its score (the one formatter), who scored
    it, and, when a dispute adjusted it, from what, by whom and when (chart-safe text)."""
    adjusted = {
        d.evaluation_id: (d, step)
        for d in reversed(disputes)  # oldest first: the newest adjustment wins
        for step in d.history
        if step.step is DisputeStep.ADJUSTED
    }
    hovers = {}
    for e in evaluations:
        text = (
            f"{'Your' if mine else 'A'} QA evaluation of {e.date:%-d %b %Y}: "
            f"{chart_text(qa_score_text(e.score, auto_fail=e.critical_failed))}"
            f"<br>scored by {chart_text(e.evaluator)}"
        )
        if e.id in adjusted:
            d, step = adjusted[e.id]
            change = (
                "answers changed, score unchanged"
                if step.old_score == step.new_score
                else f"from {score_text(step.old_score)}"
            )
            text += (
                f"<br><b>adjusted</b> ({change}) by {chart_text(step.by)} "
                f"on {step.at.astimezone(get_settings().tz):%-d %b %Y} after "
                f"{'your' if mine else 'a'} dispute"
            )
        for note in e.notes:
            text += (
                f"<br>coaching note of {note.date:%-d %b %Y} by {chart_text(note.coach)}: "
                f"{chart_text(note.focus)}"
            )
        hovers[e.id] = text
    return hovers


def note_label(note: NoteRead, evaluations: Sequence[EvaluationRead]) -> str:
    """A coaching note's expander label: date, focus, state, coach, and the evaluations it is on."""
    focus = METRICS[note.focus_metric].label if note.focus_metric else note.focus_section
    if note.focus_metric and note.focus_section:
        focus += f" · {note.focus_section}"
    on = [e for e in evaluations if e.id in note.evaluation_ids]
    where = " · on the evaluation of " + ", ".join(f"{e.date:%-d %b}" for e in on) if on else ""
    return (
        f"{note.date:%d %b %Y} · {plain(focus)} · {'open' if note.open else 'closed'} · "
        f"by {plain(note.coach)}{where}"
    )


def metric_figure(
    data: GrowthData,
    metric: str,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    hovers: Mapping[int, str] | None = None,
    mine: bool = False,
) -> go.Figure:
    """One agent's metric over `period` (the x-axis spans it, whatever the data), in the units
    people use (shares in %, handle time in minutes), on the metric's whole scale. On the QA
    score, the evaluations made in Headway are their own markers (hover: `hovers`, by evaluation
    id), apart from the QA scores imported from elsewhere; the 28-day mean is of both, as on
    My day."""
    info, shown = METRICS[metric], DISPLAY[metric]
    points = pd.DataFrame(data.series.get(metric, []), columns=["date", "value"])
    points["value"] = points["value"] * shown.factor
    evaluated = data.evaluation_points if metric == "qa_score" else ()
    dots = pd.DataFrame(data.imported_qa(), columns=["date", "value"]) if evaluated else points
    unit = shown.unit or info.unit
    number = f"%{{y:.{shown.decimals}f}}" + ("%" if shown.unit == "%" else "")
    figure = go.Figure()
    low, high = (v * shown.factor for v in TARGETS[metric])
    figure.add_hrect(
        y0=low,
        y1=high,
        fillcolor="#2ca02c",
        opacity=0.08,
        line_width=0,
        annotation_text="target",
        annotation_position="top left",
    )
    for start, end, department in data.rotations:
        figure.add_vrect(
            x0=start,
            x1=end,
            fillcolor="#9467bd",
            opacity=0.07,
            line_width=0,
            annotation_text=f"rotation: {chart_text(department)}",
            annotation_position="bottom left",
        )
    for day in data.pd_days:
        figure.add_vrect(
            x0=day, x1=day + pd.Timedelta(days=1), fillcolor="#ff7f0e", opacity=0.25, line_width=0
        )
    if data.pd_days:  # the orange bands, named in the legend
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="PD day",
                marker={"symbol": "square", "size": 12, "color": "#ff7f0e", "opacity": 0.5},
            )
        )
    if not dots.empty:
        name = f"{info.label}s imported" if evaluated else info.label
        figure.add_trace(
            go.Scatter(
                x=dots["date"],
                y=dots["value"],
                mode="markers",
                name=name,
                marker={"size": 5, "opacity": 0.45},
                hovertemplate=f"%{{x|%-d %b %Y}} · {chart_text(name)}: {number}<extra></extra>",
            )
        )
    if not points.empty:
        rolling = points.set_index(pd.to_datetime(points["date"]))["value"].rolling("28D").mean()
        figure.add_trace(
            go.Scatter(
                x=rolling.index,
                y=rolling.values,
                mode="lines",
                name="28-day mean",
                line={"width": 3},
                hovertemplate=f"%{{x|%-d %b %Y}} · 28-day mean: {number}<extra></extra>",
            )
        )
    if evaluated:
        known = hovers or {}
        figure.add_trace(
            go.Scatter(
                x=[day for day, _, _ in evaluated],
                y=[value for _, value, _ in evaluated],
                mode="markers",
                name="Your QA evaluations" if mine else "QA evaluations in Headway",
                marker={
                    "symbol": "diamond",
                    "size": 12,
                    "color": "#1f3b73",
                    "line": {"width": 1.5, "color": "white"},
                },
                customdata=[
                    known.get(i, f"QA evaluation: {score_text(value)}") for _, value, i in evaluated
                ],
                hovertemplate="%{customdata}<extra></extra>",
                cliponaxis=False,  # a 100% sits on the axis' top edge: drawn whole
            )
        )
    notes = [n for n in data.notes if not n.focus_metric or n.focus_metric == metric]
    if notes:
        y = points["value"].max() if not points.empty else high
        figure.add_trace(
            go.Scatter(
                x=[n.date for n in notes],
                y=[y] * len(notes),
                mode="markers",
                name="coaching note",
                marker={"symbol": "star", "size": 14, "color": "#d62728"},
                customdata=[
                    [
                        chart_text(
                            n.focus_metric and METRICS[n.focus_metric].label or n.focus_section
                        ),
                        chart_text(n.to_try or n.actions),
                        chart_text(n.coach),
                    ]
                    for n in notes
                ],
                hovertemplate="%{x|%d %b %Y} · coached by %{customdata[2]}<br>Focus: %{customdata[0]}<br>Try: %{customdata[1]}<extra></extra>",
            )
        )
    axis_low, axis_high = shown.axis
    if not points.empty:
        axis_low = min(axis_low, float(points["value"].min()))
        axis_high = max(axis_high, float(points["value"].max()))
    figure.update_yaxes(range=[axis_low, axis_high])
    # A time axis whatever the traces: the "PD day" legend entry has no x, and a chart with
    # only that (or no points yet) would otherwise get a numeric axis and draw nothing.
    figure.update_xaxes(type="date")
    if period is not None:
        figure.update_xaxes(range=[period[0], period[1]])
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=f"{info.label} ({unit}; {shown.scale})",
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def speed_quality_figure(data: GrowthData) -> go.Figure:
    """Handle time against repeat contacts, week by week: rushing shortens calls and brings customers back."""

    def weekly(metric: str) -> pd.Series:
        frame = pd.DataFrame(data.series.get(metric, []), columns=["date", "value"])
        if frame.empty:
            return pd.Series(dtype=float)
        return frame.set_index(pd.to_datetime(frame["date"]))["value"].resample("W").mean()

    aht, repeat = weekly("aht_seconds"), weekly("repeat_contact_rate")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=aht.index, y=aht.values / 60, name="Average handle time (min)", mode="lines")
    )
    figure.add_trace(
        go.Scatter(
            x=repeat.index,
            y=repeat.values * 100,
            name="Repeat contacts (%)",
            mode="lines",
            yaxis="y2",
        )
    )
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Quality beside speed",
        yaxis={"title": "minutes", "rangemode": "tozero", "tickformat": ".0f"},
        yaxis2={
            "title": "% repeat",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "tickformat": ".0f",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.2},
    )
    return figure
