"""PD-day widgets: the coverage heatmap and the review tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from core.pd.days import PdDayRead
from core.pd.planning import CoverageCell


def coverage_figure(cells: Sequence[CoverageCell]) -> go.Figure:
    frame = pd.DataFrame([c.__dict__ for c in cells])
    margin = frame.pivot(index="team", columns="date", values="margin")
    hover = frame.assign(
        text=[
            "blackout date"
            if c.margin is None
            else f"{c.margin:+d} against a floor of {c.floor}<br>{c.on_leave} on leave · {c.on_pd} on a PD day"
            for c in cells
        ]
    ).pivot(index="team", columns="date", values="text")
    figure = go.Figure(
        go.Heatmap(
            z=margin.values.astype(float),
            x=[f"{d:%a %d %b}" for d in margin.columns],
            y=list(margin.index),
            text=hover.values,
            hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
            colorscale=[[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]],
            zmid=0,
            colorbar={"title": "on phones<br>minus floor"},
            xgap=1,
            ygap=1,
        )
    )
    figure.update_layout(
        height=max(240, 28 * len(margin.index) + 120),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Coverage: agents on the phones minus the floor (grey gaps: blackout dates)",
        plot_bgcolor="#d9d9d9",
        xaxis={"type": "category", "nticks": 20},
    )
    return figure


def by_agent_frame(days: Sequence[PdDayRead], labels: Mapping[int, str]) -> pd.DataFrame:
    """`labels`: core.org.person_labels of the days' people (tells namesakes apart)."""
    rows: dict[tuple[str, int], tuple[str, list[str]]] = {}
    for d in days:
        rows.setdefault((labels.get(d.person_id, d.person_name), d.person_id), (d.team_name, []))[
            1
        ].append(f"{d.date:%a %d %b} ({d.status.value})")
    return pd.DataFrame(
        [
            {"Agent": name, "Team": team, "PD days": ", ".join(v)}
            for (name, _), (team, v) in sorted(rows.items())
        ]
    )


def by_day_frame(days: Sequence[PdDayRead], labels: Mapping[int, str]) -> pd.DataFrame:
    rows: dict[dt.date, list[str]] = {}
    for d in days:
        rows.setdefault(d.date, []).append(labels.get(d.person_id, d.person_name))
    return pd.DataFrame(
        [
            {"Date": f"{day:%a %d %b %Y}", "Away": len(names), "Agents": ", ".join(names)}
            for day, names in sorted(rows.items())
        ]
    )
