"""Growth: an agent's quality trend with coaching notes, PD days and rotations; their notes and
evaluations. Agents see their own; leads their team; managers everyone (enforced in core)."""

import datetime as dt

import streamlit as st

from core.coaching.conversation import conversation
from core.coaching.notes import NoteRead, acknowledge
from core.growth.agent import growth_data
from core.models import METRICS, CommentOn, Role
from core.people.org import list_people, people_labels
from core.platform.clock import today
from core.quality.dispute_reads import disputes_of
from core.quality.evaluations import list_evaluations
from ui.conversation import agreement_block, comment_form, evaluation_label, evaluation_panel
from ui.growth import (
    empty_metric,
    evaluation_hovers,
    metric_figure,
    note_label,
    speed_quality_figure,
)
from ui.state import actor, db
from ui.text import plain
from ui.widgets import choose, plot

me = actor()
st.title("Growth")
with db() as session:
    people = [p for p in list_people(session, actor=me) if p.role is Role.AGENT]
requested = st.query_params.get("agent")
agent_id = (
    int(requested)
    if requested and requested.isdigit()
    else (me.id if me.role is Role.AGENT else None)
)
if me.role is not Role.AGENT:
    ids = [p.id for p in people]
    if not ids:
        st.info("No agents to show yet.")
        st.stop()
    labels = people_labels(people)
    names = {p.id: f"{labels[p.id]} · {p.team_name}" for p in people}
    agent_id = choose(
        "Agent", names, index=ids.index(agent_id) if agent_id in ids else 0, key="growth_agent"
    )
    st.query_params["agent"] = str(agent_id)
c1, c2 = st.columns([1, 2])
months = c1.select_slider(
    "Period", [3, 6, 12, 24], value=6, format_func=lambda m: f"last {m} months", key="growth_months"
)
metric = c2.selectbox(
    "Metric", list(METRICS), format_func=lambda m: METRICS[m].label, key="growth_metric"
)
end = today()
if agent_id is None:
    st.info("Choose an agent to see their growth.")
    st.stop()
with db() as session:
    data = growth_data(
        session,
        actor=me,
        agent_id=agent_id,
        start=end - dt.timedelta(days=30 * months),
        end=end,
    )
    evaluations = list_evaluations(session, actor=me, agent_id=agent_id)
    talk = conversation(
        session,
        actor=me,
        agent_id=agent_id,
        note_ids=[n.id for n in data.notes],
        evaluation_ids=[e.id for e in evaluations[:20]],
    )
    disputes = disputes_of(session, actor=me, agent_id=agent_id)
st.subheader(plain(data.agent_name))
mine = agent_id == me.id
# My day's links ask for the evaluations (and may name one to open): they come first then.
evaluations_first = st.query_params.get("show") == "evaluations" or "evaluation" in st.query_params


def charts() -> None:
    plot(
        metric_figure(
            data,
            metric,
            period=(end - dt.timedelta(days=30 * months), end),
            hovers=evaluation_hovers(evaluations, disputes, mine=mine),
            mine=mine,
        ),
        empty=empty_metric(metric, months=months, name=None if mine else data.agent_name),
        has_data=bool(data.series.get(metric)),
    )
    plot(
        speed_quality_figure(data),
        empty="Handle time beside repeat contacts appears here, week by week, once "
        + ("your" if mine else f"{data.agent_name}'s")
        + " contact figures are imported.",
    )


def coaching_notes() -> None:
    st.subheader("Coaching notes")
    if not data.notes:
        st.info(
            f"No coaching notes in the last {months} months. "
            + ("Notes your coach writes with you appear here." if mine else "")
        )
    wanted = st.query_params.get("note")  # My day's link to a 1:1 waiting for a sign-off
    for note in data.notes:
        with st.expander(  # keyed: it stays open across the rerun an acknowledgement makes
            note_label(note, evaluations),
            expanded=wanted == str(note.id),
            key=f"growth_note_{note.id}",
        ):
            note_body(note)


def note_body(note: NoteRead) -> None:
    st.text(
        f"What went well: {note.went_well}\nWhat to try: {note.to_try}\nAgreed actions: {note.actions}"
    )
    if note.follow_up_date:
        st.markdown(f"Check-in planned on **{note.follow_up_date:%A %d %B}**")
    for f in note.follow_ups:
        st.text(
            f"{f.date:%d %b} check-in by {f.by}: {f.outcome}"
            + (f" — next: {f.next_step}" if f.next_step else "")
        )
    if note.remarks:
        st.warning(
            "Private remarks (coaches only):\n\n" + "\n\n".join(plain(r) for r in note.remarks)
        )
    if me.id == note.agent_id and note.acknowledged:
        st.text("You marked this note as read.")
    elif (
        me.id == note.agent_id
        and note.open  # a closed note has nothing left to agree on
        and st.button("I have read this note", key=f"ack_{note.id}")
    ):
        with db() as session:
            acknowledge(session, actor=me, note_id=note.id)
        st.rerun()
    if mine or note.remarks is not None:  # the agent and their coaches talk; others read
        agreement_block(
            me, note_id=note.id, agent_id=note.agent_id, agreement=talk.agreements.get(note.id)
        )
        comment_form(
            me,
            CommentOn.COACHING_NOTE,
            note.id,
            talk.on(CommentOn.COACHING_NOTE, note.id),
            note.agent_id,
        )


def qa_evaluations() -> None:
    st.subheader("My QA evaluations" if mine else "QA evaluations")
    if not evaluations:
        st.info(
            "No QA evaluations yet. Each one appears here, question by question, once a team lead "
            "scores one of " + ("your" if mine else "their") + " contacts."
        )
        return
    st.markdown(
        "These are the evaluations scored in Headway, question by question. "
        + (
            "The QA score on My day is another figure: the mean of all your QA scores of the "
            "last four weeks, the ones imported from your QA system and these evaluations "
            "together, so the two rarely match."
            if mine
            else "The QA score on My day and in the team views is the mean of all the agent's "
            "QA scores (imported ones and these evaluations together)."
        )
    )
    if mine:
        st.markdown(
            "Think a score is wrong? Open the evaluation and dispute it (the whole of it or some "
            "questions) by the date it shows; a lead or manager who did not score it decides."
        )
    opened = st.query_params.get("evaluation")  # My day's link to an evaluation with a dispute
    for e in evaluations[:20]:
        on_it = [d for d in disputes if d.evaluation_id == e.id]
        with st.expander(
            evaluation_label(e, on_it), expanded=opened == str(e.id), key=f"growth_eval_{e.id}"
        ):
            evaluation_panel(me, e, on_it, talk.on(CommentOn.EVALUATION, e.id))


if evaluations_first:
    qa_evaluations()
    charts()
    coaching_notes()
else:
    charts()
    coaching_notes()
    qa_evaluations()
