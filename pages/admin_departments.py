"""Departments (admin): the departments agents visit as customer ambassadors."""

import streamlit as st

from core.errors import DomainError
from core.org import DepartmentInput, create_department, list_departments, update_department
from ui.state import actor, db
from ui.widgets import show_error

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


def department_form(key: str, current=None) -> tuple[DepartmentInput, bool] | None:
    with st.form(key, clear_on_submit=current is None):
        name = st.text_input("Name", value=current.name if current else "", max_chars=80)
        c1, c2 = st.columns(2)
        host = c1.text_input("Host contact", value=current.host_contact_name if current else "")
        email = c2.text_input(
            "Host contact email", value=current.host_contact_email if current else ""
        )
        about = st.text_area(
            "What the department does", value=current.description if current else "", max_chars=2000
        )
        active = st.checkbox(
            "Active (takes ambassadors)", value=current.active if current else True
        )
        if st.form_submit_button("Save", type="primary"):
            return DepartmentInput(name, host, email, about), active
    return None


add, edit = st.tabs(["Add a department", "Edit a department"])
with add:
    submitted = department_form("departments_new")
    if submitted:
        try:
            with db() as session:
                created = create_department(session, actor=me, data=submitted[0])
            st.success(f"Added {created.name}.")
        except DomainError as exc:
            show_error(exc)
with edit:
    if departments:
        current = st.selectbox(
            "Department", departments, format_func=lambda d: d.name, key="departments_pick"
        )
        submitted = department_form(f"departments_edit_{current.id}", current)
        if submitted:
            try:
                with db() as session:
                    update_department(
                        session,
                        actor=me,
                        department_id=current.id,
                        data=submitted[0],
                        expected_version=current.version,
                        active=submitted[1],
                    )
                st.success("Saved.")
            except DomainError as exc:
                show_error(exc)
