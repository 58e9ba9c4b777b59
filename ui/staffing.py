"""The planner's staffing panel: forecast import, the staffing target, the busiest day in words,
and a chart per team of agents needed against agents working (core.staffing computes; this
module only shows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import plotly.graph_objects as go
import streamlit as st

from core.pd.coverage import Coverage
from core.pd.planning import PlanSettings
from core.people.access import Actor
from core.staffing import (
    DayFloor,
    day_sentence,
    import_forecast,
    set_staffing_target,
    staffing_target,
    team_forecast_floors,
)
from ui.state import db
from ui.text import chart_text, plain

BELOW = "#b2182b"

MEANINGS = (
    "**Service level** — the share of calls answered within a number of seconds at the busiest "
    "half hour (80/20: 80 % within 20 seconds).",
    "**Shrinkage** — the share of paid time agents are not on the phones: breaks, meetings, "
    "training, absence. 30 % means 10 agents at work give 7 on the phones.",
    "**Maximum occupancy** (optional) — the most of their time agents may spend handling calls; "
    "above it people burn out. Empty: no limit.",
)


def render_forecast_import(me: Actor) -> None:
    """Upload a forecast CSV: all lines valid or nothing imported; each bad line said."""
    with st.expander("Import a forecast (CSV)", key="pd_forecast_open", on_change="rerun"):
        st.markdown(
            "Columns: team, date, start (HH:MM), contacts, aht_seconds, and optionally "
            "interval_minutes (default 30) — the interval export of your WFM or telephony "
            "platform. A newer forecast for a team and date replaces the older one; nothing is "
            "imported unless every line is valid."
        )
        upload = st.file_uploader("Forecast CSV", type=["csv"], key="pd_forecast_csv")
        if upload is not None and st.button("Import forecast", key="pd_forecast_import"):
            with db() as session:
                result = import_forecast(session, data=upload.getvalue(), actor=me)
            _saved(f"Imported {result.sentence()}. The coverage and floors follow it.", "forecast")
        _show_saved("forecast")


def render_target(me: Actor, teams: Mapping[int, str]) -> None:
    """The staffing target: the organisation's (managers, admins) or a team's override."""
    with st.expander("Staffing target", key="pd_target_open", on_change="rerun"):
        for meaning in MEANINGS:
            st.markdown(meaning)
        scopes: list[int | None] = [*([None] if me.sees_everyone else []), *teams]
        scope = st.selectbox(
            "Target for",
            scopes,
            format_func=lambda t: "Whole organisation" if t is None else teams[t],
            key="pd_target_scope",
        )
        with db() as session:
            current = staffing_target(session, actor=me, team_id=scope)
        if current.inherited:
            st.caption("This team follows the organisation's target; saving sets its own.")
        with st.form("pd_target_form"):
            c1, c2, c3 = st.columns(3)
            level = c1.text_input(
                "Service level (% / seconds)",
                value=f"{current.service_level_pct}/{current.answer_seconds}",
            )
            shrinkage = c2.text_input("Shrinkage (%)", value=current.shrinkage_pct)
            occupancy = c3.text_input(
                "Maximum occupancy (%)", value=current.max_occupancy_pct or ""
            )
            if st.form_submit_button("Save target"):
                with db() as session:
                    set_staffing_target(
                        session,
                        actor=me,
                        team_id=scope,
                        service_level=level,
                        shrinkage=shrinkage,
                        max_occupancy=occupancy.strip() or None,
                    )
                _saved("Saved: the coverage, the floors and the next plan follow it.", "target")
        _show_saved("target")


def _saved(message: str, where: str) -> None:
    """Run the page again with `message` shown where the change was made: the coverage at the
    top of the planner was drawn before the change, and must follow it."""
    st.session_state[f"pd_staffing_saved_{where}"] = message
    st.rerun()


def _show_saved(where: str) -> None:
    message = st.session_state.pop(f"pd_staffing_saved_{where}", None)
    if message:
        st.success(plain(message))


def busiest(floors: Mapping[dt.date, DayFloor]) -> DayFloor | None:
    """The day whose busiest interval needs the most agents (the earliest on a tie)."""
    if not floors:
        return None
    return max(floors.values(), key=lambda f: (f.agents_needed, -f.date.toordinal()))


def render_staffing(
    me: Actor, teams: Mapping[int, str], settings: PlanSettings, cover: Coverage
) -> None:
    """For each team with a forecast: its busiest day in words and its chart."""
    for team_id, name in teams.items():
        with db() as session:
            floors = team_forecast_floors(
                session, actor=me, team_id=team_id, start=settings.start, end=settings.end
            )
        if not floors:
            continue
        cells = [c for c in cover.cells if c.team == name and c.closed is None]
        peak = busiest(floors)
        cell = next((c for c in cells if peak is not None and c.date == peak.date), None)
        if peak is not None and peak.target is not None and cell is not None:
            st.text(f"{name} — " + day_sentence(peak, peak.target, available=cell.on_phones))
        st.plotly_chart(staffing_figure(name, floors, cover), key=f"pd_staffing_{team_id}")


def staffing_figure(name: str, floors: Mapping[dt.date, DayFloor], cover: Coverage) -> go.Figure:
    """Per open day: agents working and on a PD day (stacked), the agents needed working (the
    floor from the forecast), and a mark on each day below it."""
    cells = sorted(
        (c for c in cover.cells if c.team == name and c.closed is None and c.date in floors),
        key=lambda c: c.date,
    )
    days = [f"{c.date:%a %d %b}" for c in cells]
    working = [c.on_phones - c.on_pd for c in cells]
    needed = [floors[c.date].floor for c in cells]
    below = [(d, w) for d, w, n in zip(days, working, needed, strict=True) if w < n]
    figure = go.Figure(
        [
            go.Bar(x=days, y=working, name="agents working", marker_color="#2166ac"),
            go.Bar(x=days, y=[c.on_pd for c in cells], name="on a PD day", marker_color="#92c5de"),
            go.Scatter(
                x=days,
                y=needed,
                name="agents needed working (forecast)",
                mode="lines+markers",
                line={"color": "#333333"},
            ),
        ]
    )
    if below:
        figure.add_trace(
            go.Scatter(
                x=[d for d, _ in below],
                y=[w for _, w in below],
                mode="markers",
                name="below the target",
                marker={"symbol": "x", "size": 12, "color": BELOW},
            )
        )
    figure.update_layout(
        barmode="stack",
        title={"text": chart_text(f"{name}: agents needed and agents working")},
        yaxis_title="agents",
        height=320,
        margin={"t": 50, "b": 30},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def render_staffing_panel(
    me: Actor, teams: Mapping[int, str], settings: PlanSettings, cover: Coverage
) -> None:
    """Everything staffing on the planner page, in one call (keeps the page's diff one line)."""
    render_forecast_import(me)
    render_target(me, teams)
    render_staffing(me, teams, settings, cover)
