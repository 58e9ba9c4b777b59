"""Coaching tables, and opening the agent a link asks for."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.coaching.notes import QueueRow
from core.people.access import Actor
from core.people.org import get_person
from core.platform.errors import DomainError
from ui.state import db
from ui.widgets import day_text, qa_score_text


def queue_frame(rows: Sequence[QueueRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Agent": r.agent,
                "Overdue check-ins": r.overdue,
                "Due today": r.due_today,
                "Open notes": r.open_notes,
                "Next check-in": day_text(r.next_follow_up, empty="no follow-up set"),
                "Last coached": day_text(r.last_coached, empty="never"),
                "Latest QA score": qa_score_text(
                    r.latest_score, auto_fail=r.latest_auto_fail, empty="no score yet"
                ),
                "QA scored on": day_text(r.latest_evaluation),
            }
            for r in rows
        ],
        columns=[
            "Agent",
            "Overdue check-ins",
            "Due today",
            "Open notes",
            "Next check-in",
            "Last coached",
            "Latest QA score",
            "QA scored on",
        ],
    )


def show_queue(rows: Sequence[QueueRow]) -> None:
    """The queue, wide enough for a namesake's e-mail and an auto-fail to be read whole."""
    st.dataframe(
        queue_frame(rows),
        hide_index=True,
        column_config={
            "Agent": st.column_config.TextColumn(width="medium"),
            "Latest QA score": st.column_config.TextColumn(width="medium"),
        },
    )


def open_requested_agent(me: Actor, teams: dict[int, str]) -> None:
    """A link such as a follow-up reminder's (`?agent=ID`) opens that agent's team and notes."""
    requested = st.query_params.get("agent")
    if not requested or st.session_state.get("coach_opened") == requested:
        return
    st.session_state["coach_opened"] = requested
    try:
        with db() as session:
            who = get_person(session, actor=me, person_id=int(requested))
    except (ValueError, DomainError):
        st.warning("That link names an agent you do not coach; pick one below.")
        return
    if who.team_id in teams:
        st.session_state["coach_team"], st.session_state["coach_agent"] = who.team_id, who.id
