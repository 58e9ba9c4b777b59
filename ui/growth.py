"""Plotly figures of the agent growth page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from core.growth.agent import TARGETS, GrowthData
from core.growth.wording import DISPLAY
from core.models import METRICS
from ui.text import chart_text

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


def metric_figure(
    data: GrowthData, metric: str, *, period: tuple[dt.date, dt.date] | None = None
) -> go.Figure:
    """One agent's metric over `period` (the x-axis spans it, whatever the data), in the units
    people use (shares in %, handle time in minutes), on the metric's whole scale."""
    info, shown = METRICS[metric], DISPLAY[metric]
    points = pd.DataFrame(data.series.get(metric, []), columns=["date", "value"])
    points["value"] = points["value"] * shown.factor
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
    if not points.empty:
        figure.add_trace(
            go.Scatter(
                x=points["date"],
                y=points["value"],
                mode="markers",
                name=info.label,
                marker={"size": 5, "opacity": 0.45},
            )
        )
        rolling = points.set_index(pd.to_datetime(points["date"]))["value"].rolling("28D").mean()
        figure.add_trace(
            go.Scatter(
                x=rolling.index,
                y=rolling.values,
                mode="lines",
                name="28-day mean",
                line={"width": 3},
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
    unit = shown.unit or info.unit
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
