"""The planner's side panel: leave import, blackout dates and peak-day floors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import streamlit as st

from core.metrics.imports import import_leave
from core.pd.constraints import add_blackout, set_floor
from core.people.access import Actor
from ui.forms import SaveOnceForm
from ui.state import db


def render_planning_inputs(me: Actor, teams: Mapping[int, str], default_day: dt.date) -> None:
    """Expanders that change what the planner must respect; each change reruns the page."""
    with st.expander("Import leave from CSV"):
        st.markdown(
            "Columns: agent_email, start, end, kind (annual leave, sick, training, other). "
            "Nothing is added unless every line is valid."
        )
        upload = st.file_uploader("Leave CSV", type=["csv"], key="pd_leave_csv")
        if upload is not None and st.button("Import leave", key="pd_leave_import"):
            with db() as session:
                added = import_leave(session, data=upload.getvalue(), actor=me)
            st.success(f"Added {added} leave record(s). Re-plan to take them into account.")
    constraints = SaveOnceForm("pd_constraints")
    with (
        st.expander(
            "Blackout dates and peak-day floors", key="pd_constraints_open", on_change="rerun"
        ),
        constraints,
    ):
        c1, c2, c3 = st.columns(3)
        day = c1.date_input("Date", value=default_day, format="YYYY-MM-DD")
        scope = c2.selectbox(
            "For",
            [None, *teams],
            format_func=lambda t: "Whole organisation" if t is None else teams[t],
        )
        floor = c3.number_input("Peak floor (agents on the phones)", min_value=0, value=0, step=1)
        reason = st.text_input("Reason (for a blackout)", placeholder="e.g. product release")
        b1, b2 = st.columns(2)
        blackout = b1.form_submit_button("Add blackout date")
        peak = b2.form_submit_button("Set the team's floor on this date")
        done = "Saved: the coverage chart shows it, and the next plan respects it."
        if blackout:
            constraints.save(
                add_blackout, actor=me, date=day, team_id=scope, reason=reason, done=done
            )
        elif peak and scope is None:
            st.error("Choose a team to set its floor on a date.")
        elif peak:
            constraints.save(
                set_floor, actor=me, team_id=scope, date=day, min_staffed=int(floor), done=done
            )
