"""Coaching (team lead, manager): the morning queue, new notes, follow-ups and private remarks."""

import streamlit as st

from core.coaching.conversation import conversation
from core.coaching.notes import (
    add_follow_up,
    add_private_remark,
    coaching_queue,
    edit_note,
    note_versions,
    notes_about,
    write_note,
)
from core.models import CommentOn
from core.note_evaluations import note_choices
from core.people.access import Purpose, teams_for
from core.platform.clock import today
from core.quality.dispute_reads import disputes_to_review
from ui.coaching import note_form, note_title, open_requested_agent, show_queue
from ui.conversation import agreement_block, comment_form
from ui.forms import SaveOnceForm
from ui.state import actor, db
from ui.widgets import choose, day_text

me = actor()
st.title("Coaching")
with db() as session:
    teams = teams_for(session, actor=me, purpose=Purpose.COACH)
if not teams:
    st.info("You do not coach a team yet.")
    st.stop()
open_requested_agent(me, teams)
team_id = choose("Team", teams, key="coach_team")
with db() as session:
    queue = coaching_queue(session, actor=me, team_id=team_id)
    waiting = disputes_to_review(session, actor=me)
st.subheader("Today's queue")
if waiting:
    late = sum(d.overdue for d in waiting)
    st.page_link(
        "pages/evaluations.py",
        label=f"{len(waiting)} disputed evaluation"
        + (" awaits" if len(waiting) == 1 else "s await")
        + " your review"
        + (f" ({late} overdue)" if late else "")
        + " — QA evaluations",
        icon=":material/gavel:",
    )
show_queue(queue)
if not queue:
    st.stop()
names = {r.agent_id: r.agent for r in queue}
agent_id = choose("Agent", names, key="coach_agent")
st.page_link(
    "pages/growth.py",
    label=f"See {names[agent_id]}'s growth chart",
    query_params={"agent": str(agent_id)},
)


with db() as session:
    choices = note_choices(session, actor=me, agent_id=agent_id)
with st.expander("Write a coaching note", expanded=True):
    # What the coach types is kept as a draft (per agent): a reload does not lose it.
    new_form = SaveOnceForm(
        f"coach_new_{agent_id}", draft=f"coaching_note:agent={agent_id}", actor=me
    )
    data = note_form(new_form, choices)
    if data is not None:
        new_form.save(
            write_note,
            actor=me,
            agent_id=agent_id,
            data=data,
            done="Saved. It appears on the agent's growth chart and in their notes.",
        )

with db() as session:
    notes = notes_about(session, actor=me, agent_id=agent_id, include_closed=False)
    talk = conversation(
        session, actor=me, agent_id=agent_id, note_ids=[n.id for n in notes], evaluation_ids=[]
    )
st.subheader(f"Open notes ({len(notes)})")
for note in notes:
    label = note_title(note, choices)
    due = (
        f" · check-in {day_text(note.follow_up_date)}" + (" (overdue)" if note.overdue else "")
        if note.follow_up_date
        else ""
    )
    with st.expander(
        f"{day_text(note.date)} · {label}{due}", key=f"coach_note_open_{note.id}", on_change="rerun"
    ):
        edit, follow, talk_tab, remark = st.tabs(
            ["Edit", "Record the check-in", "Conversation and sign-off", "Private remark"]
        )
        with talk_tab:
            agreement_block(
                me, note_id=note.id, agent_id=agent_id, agreement=talk.agreements.get(note.id)
            )
            comment_form(
                me,
                CommentOn.COACHING_NOTE,
                note.id,
                talk.on(CommentOn.COACHING_NOTE, note.id),
                agent_id,
            )
        with edit:
            with db() as session:
                history = note_versions(session, actor=me, note_id=note.id)
            for version, editor, snapshot in history:
                st.text(
                    f"Version {version}, replaced by {editor}'s edit: try “{snapshot['to_try']}”, actions “{snapshot['actions']}”"
                )
            edit_form = SaveOnceForm(f"coach_edit_{note.id}_{note.version}")
            changed = note_form(edit_form, choices, note)
            if changed is not None:
                edit_form.save(
                    edit_note,
                    actor=me,
                    note_id=note.id,
                    data=changed,
                    expected_version=note.version,
                )
        with follow, SaveOnceForm(f"coach_follow_{note.id}") as follow_form:
            outcome = st.text_area("How did it go?")
            step = st.text_input("Next step")
            nxt = st.date_input("Next check-in", value=None, min_value=today(), format="YYYY-MM-DD")
            closes = st.checkbox("Close this note (the goal is reached)")
            if follow_form.submitted("Record check-in"):
                follow_form.save(
                    add_follow_up,
                    actor=me,
                    note_id=note.id,
                    outcome=outcome,
                    next_step=step,
                    next_date=nxt,
                    closes=closes,
                    done="Check-in recorded.",
                )
        with remark:
            for text in note.remarks or ():
                st.text(text)
            with SaveOnceForm(f"coach_remark_{note.id}") as remark_form:
                text = st.text_area("Visible to the agent's other coaches, never to the agent")
                if remark_form.submitted("Add remark"):
                    remark_form.save(
                        add_private_remark, actor=me, note_id=note.id, text=text, done="Added."
                    )
