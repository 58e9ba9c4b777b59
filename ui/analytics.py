"""Cached team-growth queries and their figures. Each cached call takes the data-version stamp
and the viewer's id, so a write anywhere (an import, the worker) or another viewer's scope
never serves stale or foreign numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from core.access import load_actor
from core.data_version import current
from core.growth import teams as ga
from ui.state import db


def data_version() -> int:
    with db() as session:
        return current(session)


@st.cache_data(ttl=600, show_spinner="Crunching the numbers…", max_entries=32)
def load_bundle(
    version: int, viewer: int, start: dt.date, end: dt.date, teams: tuple[int, ...], metric: str
) -> ga.GrowthBundle:
    del version  # part of the cache key only
    with db() as session:
        return ga.team_growth(
            session, actor=load_actor(session, viewer), scope=ga.Scope(start, end, teams, metric)
        )


@st.cache_data(ttl=600, show_spinner="Comparing every focus area…", max_entries=16)
def load_every_focus(
    version: int, viewer: int, start: dt.date, end: dt.date, teams: tuple[int, ...], metric: str
) -> pd.DataFrame:
    del version
    with db() as session:
        scope = ga.Scope(start, end, teams, metric)
        return ga.coaching_effect_tables(
            session, actor=load_actor(session, viewer), scope=scope, every_focus=True
        ).by_focus


PROJECTOR = {"font": {"size": 15}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}


def trend_figure(frame: pd.DataFrame, label: str) -> go.Figure:
    figure = px.line(
        frame,
        x="week",
        y="mean",
        color="team",
        markers=True,
        title=f"{label}: weekly mean per team",
    )
    figure.update_layout(height=420, **PROJECTOR)
    return figure


def distribution_figure(frame: pd.DataFrame, label: str) -> go.Figure:
    figure = px.box(
        frame,
        x="team",
        y="mean",
        points="all",
        hover_data=["agent", "n"],
        title=f"{label}: agents' 30-day means by team",
    )
    figure.update_layout(height=420, **PROJECTOR)
    return figure


def effect_figure(frame: pd.DataFrame, label: str, better_up: bool) -> go.Figure:
    """Mean season-adjusted effect with its 95 % interval; the good side is labelled."""
    figure = go.Figure(
        go.Scatter(
            x=frame["mean effect"],
            y=frame[label],
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": frame["high"] - frame["mean effect"],
                "arrayminus": frame["mean effect"] - frame["low"],
            },
            customdata=frame["notes"],
            hovertemplate="%{y}: %{x:.2f} (%{customdata} notes)<extra></extra>",
            marker={"size": 12},
        )
    )
    figure.add_vline(x=0, line_dash="dash")
    figure.update_layout(
        height=max(260, 45 * len(frame) + 120),
        title=f"Effect by {label} (95 % interval; better is {'right' if better_up else 'left'})",
        **PROJECTOR,
    )
    return figure
