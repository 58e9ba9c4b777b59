"""PD-day widgets: the coverage heatmap and the review tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.pd.coverage import Coverage
from core.pd.days import PdDayRead
from core.pd.planning import StalePublished
from ui.text import chart_text, plain

MOVED_KEY = "pd_planner_moved"

CLOSED_GREY = "#bdbdbd"


def coverage_figure(coverage: Coverage) -> go.Figure:
    """Team × working weekday, coloured by agents above the floor (red under it, white at it,
    blue above); closed days grey, each cell's hover text a sentence."""
    frame = pd.DataFrame([c.__dict__ for c in coverage.cells])
    frame["team"], frame["note"] = frame["team"].map(chart_text), frame["note"].map(chart_text)
    frame["label"] = [f"{d:%a %d %b}" for d in frame["date"]]
    frame["closed_z"] = [1.0 if c.closed is not None else None for c in coverage.cells]
    labels = list(dict.fromkeys(frame.sort_values("date")["label"]))

    def grid(column: str) -> pd.DataFrame:
        return frame.pivot(index="team", columns="label", values=column)[labels]

    margin, note, closed = grid("margin"), grid("note"), grid("closed_z")
    hover = "<b>%{y} · %{x}</b><br>%{customdata}<extra></extra>"
    figure = go.Figure(
        [
            go.Heatmap(
                z=margin.values.astype(float),
                x=labels,
                y=list(margin.index),
                customdata=note.values,
                hovertemplate=hover,
                colorscale=[[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]],
                zmid=0,
                colorbar={"title": {"text": "agents above<br>the floor"}},
                xgap=1,
                ygap=1,
            ),
            go.Heatmap(
                z=closed.values.astype(float),
                x=labels,
                y=list(closed.index),
                customdata=note.values,
                hovertemplate=hover,
                colorscale=[[0, CLOSED_GREY], [1, CLOSED_GREY]],
                showscale=False,
                xgap=1,
                ygap=1,
            ),
        ]
    )
    if coverage.closed:  # a legend entry for the grey cells (a heatmap has none of its own)
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": CLOSED_GREY, "symbol": "square", "size": 12},
                name="closed: no PD days (holiday, closure or blackout)",
            )
        )
    figure.update_layout(
        height=max(260, 28 * len(margin.index) + 150),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Coverage: agents working (not on leave or a PD day) above each day's floor",
        plot_bgcolor="white",
        xaxis={"type": "category", "nticks": 20},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        showlegend=True,
    )
    return figure


def by_agent_frame(days: Sequence[PdDayRead], labels: Mapping[int, str]) -> pd.DataFrame:
    """`labels`: core.people.org.person_labels of the days' people (tells namesakes apart)."""
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


def reasons_frame(days: Sequence[PdDayRead], reasons: Mapping[int, str]) -> pd.DataFrame:
    """One row per PD day: who, when, and why the day is on that date."""
    return pd.DataFrame(
        [
            {
                "Date": f"{d.date:%a %d %b %Y}",
                "Agent": d.person_name,
                "Team": d.team_name,
                "Status": d.status.value,
                "Why this day": reasons.get(d.id, ""),
            }
            for d in sorted(days, key=lambda d: (d.date, d.person_name))
        ]
    )


def conflicts_box(conflicts: Sequence[StalePublished]) -> None:
    """The planner's main view names each published day that cannot stay, and what "Plan PD
    days" does about it; then, after a plan, where each of them went."""
    moved = st.session_state.pop(MOVED_KEY, ())
    if moved:
        st.success(
            "Moved just the days that could not stay; every other published day stayed put:\n\n"
            + "\n\n".join(f"- {plain(m)}" for m in moved)
        )
    if not conflicts:
        return
    n = len(conflicts)
    st.warning(
        f"**{n} published PD day{'' if n == 1 else 's'} cannot stay**, and the agents know a "
        "lead will move them:\n\n"
        + "\n\n".join(f"- {plain(c.reason)}" for c in conflicts)
        + "\n\n“Plan PD days” moves just "
        + ("this day" if n == 1 else "these days")
        + " to a date near it that keeps every rule, keeps every other published day where it "
        "is, and tells each agent the new date.",
        icon=":material/event_busy:",
    )


def remember_moves(moved: Sequence[str]) -> None:
    """Keep what a plan moved for the rerun that shows it (conflicts_box)."""
    if moved:
        st.session_state[MOVED_KEY] = tuple(moved)
