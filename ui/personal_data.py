"""The admin's "Personal data" tab of the People page: export a person's data, erase a person."""

from __future__ import annotations

import streamlit as st

from core.people.access import Actor
from core.people.data_export import export_file_name, export_person
from core.people.org import list_people, people_labels
from core.people.personal_data import erase_person, erasure_refusal
from core.platform.clock import today
from ui.downloads import deferred_download
from ui.forms import SaveOnceForm
from ui.state import db
from ui.widgets import choose

ERASURE_TEXT = (
    "Erasing is for a person who has left, and cannot be undone. Their account is closed and "
    "every session ended; their name and e-mail become “Former agent #…”; what they wrote "
    "themselves goes (learning shares, pledges, mind-check notes, PD-day goals, drafts, inbox). "
    "Coaching notes and evaluations about them stay only as dates, scores and focus metrics for "
    "the team's figures: the notes' texts and the coaches' private remarks go."
)


def personal_data_tab(me: Actor, *, search: str) -> None:
    with db() as session:
        people = list_people(session, actor=me, include_inactive=True, search=search)
    if not people:
        st.info("No one matches the search: clear “Find a person” to see everyone.")
        return
    labels = people_labels(people)
    person_id = choose(
        "Person",
        {p.id: labels[p.id] + ("" if p.active else " (deactivated)") for p in people},
        key="people_data_pick",
    )
    st.subheader("Export their data")
    st.markdown(
        "A ZIP of JSON and CSV files with everything Headway holds about them: profile, "
        "figures, evaluations, coaching notes about them and by them — with the coaches' "
        "private remarks about them — PD days, rotations, learning, pledges, inbox and the "
        "audit events about them. The download is recorded in the audit trail."
    )
    deferred_download(
        "Download their data (ZIP)",
        lambda session: export_person(session, actor=me, person_id=person_id),
        file_name=export_file_name(person_id, today()),
        mime="application/zip",
        key=f"people_data_export_{person_id}",
    )
    st.subheader("Erase a person who has left")
    form = SaveOnceForm(f"people_erase_{person_id}")
    with db() as session:
        refusal = erasure_refusal(session, actor=me, person_id=person_id)
    if refusal:
        if not form.show_done():  # just erased: the confirmation says what happened
            st.info(refusal)
        return
    st.markdown(ERASURE_TEXT)
    typed = None
    with form:
        name = st.text_input("Type the person's name, exactly as in the list above, to confirm")
        if form.submitted("Erase for good", type="primary"):
            typed = name
    if typed is not None:
        form.save(
            erase_person,
            actor=me,
            person_id=person_id,
            confirm_name=typed,
            done=lambda result: result.sentence(),
        )
