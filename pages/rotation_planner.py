"""Rotation planner (team lead, manager): capacities, run, review, override, publish."""

import pandas as pd
import streamlit as st

from core.people.access import Purpose, runs_programme, teams_for
from core.people.org import person_labels
from core.rotations.outcomes import set_host_feedback
from core.rotations.planning import (
    override,
    publish_rotations,
    review_assignments,
    run_rotations,
    without_a_choice,
)
from core.rotations.terms import hosting, list_terms, set_hosting
from ui.admission import unmetered
from ui.rotations import assignment_frame, teams_figure
from ui.state import actor, db
from ui.text import plain, widget_label
from ui.widgets import choose, pick_many

me = actor()
st.title("Rotation planner")
with db() as session:
    terms = list_terms(session)
    default = terms[0] if terms else None  # the newest term: leads plan ahead
    teams = teams_for(session, actor=me, purpose=Purpose.PLAN)
if not terms or not teams:
    st.info(
        "There is no rotation term or team to plan yet. A manager opens terms; an admin creates teams."
    )
    st.stop()
c1, c2 = st.columns([1, 3])
term = c1.selectbox(
    "Term",
    terms,
    index=terms.index(default) if default in terms else 0,
    format_func=lambda t: f"{t.name} ({t.start:%d %b} – {t.end:%d %b %Y})",
    key="rot_term",
)
chosen = pick_many(
    "Teams",
    list(teams),
    where=c2,
    default=list(teams)[:1] if len(teams) > 3 else list(teams),
    format_func=teams.get,
    key="rot_teams",
)
st.markdown(
    f"{term.hours_per_week:g} hours a week · at most {term.max_per_team or 'any number of'} agents of one team per department"
)

with st.expander("Departments' capacity this term"), db() as session:
    if not runs_programme(me):
        st.markdown(
            "A manager sets how many agents each department hosts: it is the same for every team."
        )
    for h in hosting(session, actor=me, term_id=term.id):
        new = st.number_input(
            f"{widget_label(h.department)} (host: {widget_label(h.host or 'none yet')})",
            0,
            500,
            h.capacity,
            key=f"rot_cap_{term.id}_{h.department_id}",
            disabled=not runs_programme(me),
        )
        if new != h.capacity:
            set_hosting(
                session, actor=me, term_id=term.id, department_id=h.department_id, capacity=int(new)
            )

with db() as session:
    stuck = without_a_choice(session, actor=me, term_id=term.id, team_ids=chosen)
with st.expander(
    f"Agents with no choice within reach in {plain(term.name)}: {len(stuck)}"
    if stuck or not chosen
    else f"Every agent has at least one choice within reach in {plain(term.name)}"
):
    if stuck:
        st.markdown(
            "None of their listed departments can be had this term, so they will be placed "
            "elsewhere. Ask them to rank new ones on My rotation before you assign."
        )
        st.dataframe(pd.DataFrame(stuck, columns=["Agent", "Why"]), hide_index=True)
    elif chosen:
        st.markdown("Each agent of these teams has ranked a department they can go to.")
    else:
        st.markdown("Choose a team above to see its agents.")

if st.button(
    "Assign rotations",
    type="primary",
    icon=":material/auto_awesome:",
    key="rot_run",
    disabled=not chosen,
):
    with st.status("Matching agents to departments…") as status, unmetered(), db() as session:
        # A refusal marks the status as failed and the page shows why (ui.errors).
        outcome = run_rotations(session, actor=me, term_id=term.id, team_ids=chosen)
        status.update(
            label=f"Placed {outcome.assigned} of {outcome.agents} agents",
            state="complete",
        )

with db() as session:
    review = review_assignments(session, actor=me, term_id=term.id, team_ids=chosen)
    departments = hosting(session, actor=me, term_id=term.id)
    labels = person_labels(session, person_ids=[r.person_id for r in review.rows])
rows = review.rows
proposed = [r for r in rows if r.status.value == "proposed"]
st.subheader(f"Review: {len(proposed)} proposed, {len(rows) - len(proposed)} published")
if not rows:
    st.info("No assignments for these teams this term yet: press “Assign rotations”.")
    st.stop()
st.markdown(plain(review.summary))
if review.not_placed:
    st.warning(f"{len(review.not_placed)} agent(s) could not be placed:")
    st.dataframe(
        pd.DataFrame(review.not_placed, columns=["Agent", "Why"]),
        hide_index=True,
        column_config={"Why": st.column_config.TextColumn(width="large")},
    )
st.dataframe(
    assignment_frame(rows, labels),
    hide_index=True,
    column_config={"Why here": st.column_config.TextColumn(width="large")},
)
st.plotly_chart(teams_figure(rows))

with st.expander("Change one agent's department"):
    pick = st.selectbox(
        "Agent",
        rows,
        format_func=lambda r: f"{labels[r.person_id]} → {r.department}",
        key="rot_pick",
    )
    names = {h.department_id: h.department for h in departments}
    target = choose("New department", names, key="rot_target")
    if st.button("Change", key="rot_change"):
        with db() as session:
            override(
                session,
                actor=me,
                assignment_id=pick.id,
                department_id=target,
                expected_version=pick.version,
            )
        st.rerun()

with st.expander("Record the host's feedback at the end of the term"):
    who = st.selectbox(
        "Ambassador",
        rows,
        format_func=lambda r: f"{labels[r.person_id]} · {r.department}",
        key="rot_fb_pick",
    )
    note = st.text_area("What the host said", value=who.host_feedback, key=f"rot_fb_{who.id}")
    if st.button("Save feedback", key="rot_fb_save"):
        with db() as session:
            set_host_feedback(session, actor=me, assignment_id=who.id, note=note)
        st.success("Saved: the ambassador sees it on My rotation.")

confirm = st.checkbox(
    f"Publish {len(proposed)} proposed rotation(s) to the agents",
    key="rot_confirm",
    disabled=not proposed,
)
if st.button("Publish", type="primary", disabled=not (proposed and confirm), key="rot_publish"):
    with db() as session:
        count = publish_rotations(session, actor=me, term_id=term.id, team_ids=chosen)
    st.toast(f"Published {count} rotations.")
    st.rerun()
