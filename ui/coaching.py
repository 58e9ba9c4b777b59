"""Coaching tables, the note form (on the agent's evaluations), and opening the agent a link
asks for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.coaching.notes import NOTE_TEXTS, NoteInput, NoteRead, QueueRow
from core.models import METRICS
from core.note_evaluations import NoteChoices
from core.people.access import Actor
from core.people.org import get_person
from core.platform.clock import today
from core.platform.errors import DomainError
from ui.forms import SaveOnceForm
from ui.state import db
from ui.text import plain
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


def note_title(note: NoteRead, choices: NoteChoices) -> str:
    """A note's focus, and the evaluation it is on (as the note form named it)."""
    focus = METRICS[note.focus_metric].label if note.focus_metric else plain(note.focus_section)
    if note.focus_metric and note.focus_section:
        focus += f" · {plain(note.focus_section)}"
    on = [e for e in choices.evaluations if e.id in note.evaluation_ids]
    if on:
        focus += " · on the evaluation of " + ", ".join(f"{e.date:%-d %b}" for e in on)
    return focus


def note_form(
    form: SaveOnceForm, choices: NoteChoices, note: NoteRead | None = None
) -> NoteInput | None:
    """The note: the evaluations it is on (the agent's, newest first), a focus metric and a
    section of those evaluations' scorecard, what went well, what to try, the agreed actions and
    the check-in date. The evaluations are picked first, outside the form, so that the section
    list follows them."""
    offered = {e.id: e for e in choices.evaluations}
    picked = st.multiselect(
        "On the evaluations",
        list(offered),
        default=[i for i in (note.evaluation_ids if note else ()) if i in offered],
        format_func=lambda i: offered[i].label(),
        placeholder="Choose the calls this note is about (newest first)"
        if offered
        else "No evaluation of this agent yet",
        key=form.key_for("evaluations"),
        help="The note appears on each chosen evaluation, on the agent's growth page.",
    )
    sections = ["", *choices.sections_for(picked)]
    if note and note.focus_section and note.focus_section not in sections:
        sections.append(note.focus_section)  # a note written before sections were chosen
    with form:
        options = ["", *METRICS]
        c1, c2 = st.columns(2)
        metric = c1.selectbox(
            "Focus metric",
            options,
            index=options.index(note.focus_metric) if note else 0,
            format_func=lambda m: METRICS[m].label if m else "— none —",
            key=form.key_for("metric") if form.draft else None,
        )
        section = c2.selectbox(
            NOTE_TEXTS["focus_section"],
            sections,
            index=sections.index(note.focus_section) if note else 0,
            format_func=lambda s: s or "— none —",
            key=form.key_for(f"section:{','.join(map(str, sorted(picked)))}")
            if form.draft
            else None,
            help="From the scorecard of the chosen evaluations"
            if picked
            else "From the scorecards in use; choose an evaluation to focus on its own form",
        )
        well, try_, actions = (
            form.text_area(NOTE_TEXTS[f], field=f, value=getattr(note, f) if note else "")
            for f in ("went_well", "to_try", "actions")
        )
        follow = st.date_input(
            "I'll check back in on",
            # "Try this — I'll check back in with you tomorrow": tomorrow unless the coach changes it.
            value=note.follow_up_date if note else today() + dt.timedelta(days=1),
            format="YYYY-MM-DD",
            key=form.key_for("follow_up") if form.draft else None,
        )
        if form.submitted("Save note", type="primary"):
            return NoteInput(metric, section, well, try_, actions, follow, tuple(picked))
    return None
