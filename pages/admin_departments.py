"""Departments (admin): the departments agents visit as customer ambassadors."""

import streamlit as st

from core.people.org import (
    DepartmentInput,
    DepartmentRead,
    create_department,
    list_departments,
    update_department,
)
from ui.forms import SaveOnceForm
from ui.state import actor, db

me = actor()
st.title("Departments")
with db() as session:
    departments = list_departments(session, include_inactive=True)
if departments:
    st.dataframe(
        [
            {
                "Department": d.name,
                "Host contact": d.host_contact_name,
                "Host email": d.host_contact_email,
                "Active": d.active,
                "About": d.description,
            }
            for d in departments
        ],
        hide_index=True,
    )
else:
    st.info("No departments yet: add the first one below.")


def department_form(
    form: SaveOnceForm, current: DepartmentRead | None = None
) -> tuple[DepartmentInput, bool] | None:
    with form:
        name = st.text_input("Name", value=current.name if current else "")
        c1, c2 = st.columns(2)
        host = c1.text_input("Host contact", value=current.host_contact_name if current else "")
        email = c2.text_input(
            "Host contact email", value=current.host_contact_email if current else ""
        )
        about = st.text_area(
            "What the department does", value=current.description if current else ""
        )
        active = st.checkbox(
            "Active (takes ambassadors)", value=current.active if current else True
        )
        if form.submitted("Save", type="primary"):
            return DepartmentInput(name, host, email, about), active
    return None


add, edit = st.tabs(["Add a department", "Edit a department"])
with add:
    new_form = SaveOnceForm("departments_new")
    submitted = department_form(new_form)
    if submitted:
        new_form.save(
            create_department,
            actor=me,
            data=submitted[0],
            done=lambda created: f"Added {created.name}.",
        )
with edit:
    if departments:
        current = st.selectbox(
            "Department", departments, format_func=lambda d: d.name, key="departments_pick"
        )
        edit_form = SaveOnceForm(f"departments_edit_{current.id}")
        submitted = department_form(edit_form, current)
        if submitted:
            edit_form.save(
                update_department,
                actor=me,
                department_id=current.id,
                data=submitted[0],
                expected_version=current.version,
                active=submitted[1],
                done="Saved.",
            )
