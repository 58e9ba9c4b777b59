"""Ambassador programme (manager): departments this term, interest met, projects, career moves."""

import pandas as pd
import streamlit as st

from core.people.org import list_departments, list_people, people_labels
from core.platform.csvio import write_csv
from core.rotations.outcomes import record_career_move
from core.rotations.programme import programme
from core.rotations.terms import current_term, list_terms, open_next_term
from ui.forms import SaveOnceForm
from ui.rotations import choices_figure, projects_figure, uptake_frame
from ui.state import actor, db
from ui.text import plain
from ui.voice import scoreboard
from ui.widgets import day_text

me = actor()
st.title("Ambassador programme")
with db() as session:
    terms = list_terms(session)
    default = current_term(session)
with (
    st.expander("Open a new term", key="prog_new_term_open", on_change="rerun"),
    SaveOnceForm("prog_new_term") as term_form,
):
    c1, c2, c3, c4, c5 = st.columns(5)
    name = c1.text_input("Name", placeholder="2027-Q2")
    start = c2.date_input("Start", value=None, format="YYYY-MM-DD")
    end = c3.date_input("End", value=None, format="YYYY-MM-DD")
    hours = c4.number_input("Hours a week", 0.5, 20.0, 4.0, step=0.5)
    limit = c5.number_input("Max per team and department", 1, 50, 4)
    if term_form.submitted("Open term"):
        if start is None or end is None:
            st.error("Choose the term's first and last day.")
        else:
            term_form.save(
                open_next_term,
                actor=me,
                name=name,
                start=start,
                end=end,
                hours_per_week=hours,
                max_per_team=int(limit),
                done=f"Opened {name}: departments host as in the latest term. "
                "Team leads can now assign it.",
            )
if not terms:
    st.info("No rotation term yet. Open one above to start the programme.")
    st.stop()
term = st.selectbox(
    "Term",
    terms,
    index=terms.index(default) if default in terms else 0,
    format_func=lambda t: t.name,
    key="prog_term",
)
with db() as session:
    overview = programme(session, actor=me, term_id=term.id)

st.subheader(f"Ambassadors in {plain(term.name)}")
if not any(u.ambassadors for u in overview.by_department):
    st.info(
        f"No rotations are published for {plain(term.name)} yet. Team leads assign and publish them "
        "on the Rotation planner; they appear here once published."
    )
else:
    st.markdown(plain(overview.summary))
    st.plotly_chart(choices_figure(overview.by_department))
    st.dataframe(uptake_frame(overview.by_department), hide_index=True)
st.subheader("Ambassadors' projects")
projects = pd.DataFrame(overview.projects, columns=["Department", "Status", "Projects"])
if projects.empty:
    st.info("No projects logged yet: ambassadors log them on My rotation.")
else:
    st.plotly_chart(projects_figure(overview.projects))
    st.download_button(
        "Download projects (CSV)",
        write_csv(list(projects.columns), projects.itertuples(index=False)),
        "ambassador-projects.csv",
        "text/csv",
    )
st.subheader("Customer voice: what ambassadors carried")
scoreboard(me)
st.subheader("Career moves")
moves = pd.DataFrame(
    overview.moves, columns=["Person", "Department", "Date", "After a rotation there"]
)
if moves.empty:
    st.info("No career moves recorded yet.")
else:
    moves["Date"] = [day_text(d) for d in moves["Date"]]
    moves["After a rotation there"] = [
        "yes" if v else "no" for v in moves["After a rotation there"]
    ]
    st.dataframe(moves, hide_index=True)
with (
    st.expander("Record a career move", key="prog_move_open", on_change="rerun"),
    SaveOnceForm("prog_move") as move_form,
):
    with db() as session:
        people = [p for p in list_people(session, actor=me) if p.role.value == "agent"]
        departments = list_departments(session)
    labels = people_labels(people)
    person = st.selectbox("Person", people, format_func=lambda p: f"{labels[p.id]} · {p.team_name}")
    department = st.selectbox("Moved into", departments, format_func=lambda d: d.name)
    when = st.date_input("On", format="YYYY-MM-DD")
    note = st.text_input("Note")
    if move_form.submitted("Record move") and person and department:
        move_form.save(
            record_career_move,
            actor=me,
            person_id=person.id,
            department_id=department.id,
            date=when,
            note=note,
            done=f"Recorded {person.name}'s move into {department.name}.",
        )
