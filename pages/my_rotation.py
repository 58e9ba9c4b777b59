"""My rotation (agent): my interests, my current and past rotations, goals and projects."""

import streamlit as st

from core.models import AssignmentStatus, ProjectStatus
from core.pd.exports import rotation_ics
from core.people.org import list_departments
from core.rotations.interests import (
    CAP_REASON,
    MAX_INTERESTS,
    interests_of,
    my_interests_check,
    set_interests,
)
from core.rotations.outcomes import projects, save_project
from core.rotations.planning import my_rotations
from ui.forms import SaveOnceForm
from ui.rotations import ranked_choices
from ui.state import actor, db
from ui.text import plain
from ui.voice import carry

me = actor()
st.title("My rotation")
st.markdown(
    "As a customer ambassador you represent support inside another department for a term, "
    "a few hours a week, looking for ways to make the customer's experience better."
)
with db() as session:
    departments = {d.id: d.name for d in list_departments(session)}
    ranked = [name for _, name in interests_of(session, actor=me, person_id=me.id)]
    rotations = my_rotations(session, actor=me)
    check = my_interests_check(session, actor=me)

st.subheader("Where I would like to go")
if check is not None and check.needs_refresh:
    st.warning(
        f"**Rank your interests for {plain(check.term or 'the next term')}.** {plain(check.advice())}",
        icon=":material/edit_note:",
    )
elif check is not None and check.term is not None and not check.placed:
    st.text(
        f"Your choices count when your team lead assigns {check.term} "
        f"(starts {check.term_start:%-d %B %Y})."
    )
with SaveOnceForm("rot_interests") as interests_form:
    st.caption(CAP_REASON + " Pick a department in each box, most wanted first.")
    choice = ranked_choices(
        list(departments.values()),
        [n for n in ranked if n in departments.values()],
        slots=MAX_INTERESTS,
        key="rot_rank",
    )
    if interests_form.submitted("Save my interests"):
        ids = {v: k for k, v in departments.items()}
        interests_form.save(
            set_interests,
            actor=me,
            department_ids=[ids[n] for n in choice],
            done="Saved: your first choice counts most when your lead assigns the next term.",
        )

st.subheader("Customer themes to take to your department")
if not carry(me, key="rot_voice"):
    st.text(
        "None waiting: themes your team leads make for the department you are an ambassador "
        "in this term appear here, for you to take there and record its answer."
    )
if not rotations:
    st.info(
        "No rotation is published for you yet. Rank your interests above; your team lead assigns each term."
    )
for rotation in rotations:
    with st.container(border=True):
        st.markdown(
            f"**{plain(rotation.term)}: {plain(rotation.department)}** · {rotation.status.value}"
        )
        st.text(f"Weekly session: {rotation.weekly}")
        with db() as session:
            mine = projects(session, actor=me, assignment_id=rotation.id)
            ics = rotation_ics(session, actor=me, assignment_id=rotation.id)
        if rotation.host_feedback:
            st.text(f"Host feedback: {rotation.host_feedback}")
        for project in mine:
            st.markdown(
                f"- {plain(project.title)} ({project.status.value})"
                + (f": {plain(project.impact)}" if project.impact else "")
            )
        st.download_button(
            "Weekly sessions (.ics)",
            ics,
            f"rotation-{rotation.term}.ics",
            "text/calendar",
            key=f"rot_ics_{rotation.id}",
        )
        if rotation.status is AssignmentStatus.COMPLETED:
            st.caption("This rotation has ended: its goals and projects stay as they were logged.")
            continue
        with SaveOnceForm(f"rot_project_{rotation.id}") as project_form:
            title = st.text_input("A goal or project")
            status = st.selectbox("Status", list(ProjectStatus), format_func=lambda s: s.value)
            impact = st.text_area("Impact so far")
            if project_form.submitted("Log it"):
                project_form.save(
                    save_project,
                    actor=me,
                    assignment_id=rotation.id,
                    title=title,
                    status=status,
                    impact=impact,
                )
