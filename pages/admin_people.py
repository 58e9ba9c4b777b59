"""People (admin): find, add, edit, deactivate, set one-time passwords, import from CSV, export
or erase a person's data."""

import datetime as dt

import streamlit as st

from core.accounts import set_account_active
from core.models import Role
from core.people.org import (
    PersonInput,
    create_person,
    list_people,
    list_teams,
    update_person,
)
from core.people.password_changes import set_one_time_password
from core.people.people_import import import_people
from ui.forms import SaveOnceForm
from ui.personal_data import personal_data_tab
from ui.state import actor, client_address, db
from ui.text import plain, widget_label
from ui.widgets import choose, day_text

me = actor()
st.title("People")
with db() as session:
    teams = {t.id: t.name for t in list_teams(session)}
team_options = [None, *teams]


def person_form(
    form: SaveOnceForm,
    *,
    name: str = "",
    email: str = "",
    role: Role = Role.AGENT,
    team_id: int | None = None,
    hire_date: dt.date | None = None,
) -> PersonInput | None:
    with form:
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", value=name)
        email = c2.text_input("Email", value=email)
        c3, c4, c5 = st.columns(3)
        role = choose(
            "Role",
            {r: r.label for r in Role},
            index=list(Role).index(role),
            key=f"{form.key}_role",
            where=c3,
        )
        team_id = c4.selectbox(
            "Team",
            team_options,
            index=team_options.index(team_id),
            format_func=lambda t: "— none —" if t is None else teams[t],
        )
        hire_date = c5.date_input("Hire date", value=hire_date, format="YYYY-MM-DD")
        if form.submitted("Save", type="primary"):
            return PersonInput(name, email, role, team_id, hire_date)
    return None


search = st.text_input("Find a person", placeholder="name or email", key="people_search")
show_inactive = st.toggle("Show deactivated people", key="people_inactive")
with db() as session:
    people = list_people(session, actor=me, include_inactive=show_inactive, search=search)
st.markdown(f"{len(people)} {'person' if len(people) == 1 else 'people'}")
st.dataframe(
    [
        {
            "Name": p.name,
            "Email": p.email,
            "Role": p.role.label,
            "Team": p.team_name,
            "Hire date": day_text(p.hire_date),
            "Active": p.active,
        }
        for p in people[:500]
    ],
    hide_index=True,
)

add, edit, bulk, personal = st.tabs(
    ["Add a person", "Edit a person", "Import from CSV", "Personal data"]
)
with add:
    new_form = SaveOnceForm("people_new")
    data = person_form(new_form)
    if data is not None:
        new_form.save(
            create_person,
            actor=me,
            data=data,
            done=lambda created: (
                f"Added {created.name}. Set a one-time password under “Edit a person”."
            ),
        )

with edit:
    if not people:
        st.info("No one matches the search.")
    else:
        chosen = st.selectbox(
            "Person", people, format_func=lambda p: f"{p.name} <{p.email}>", key="people_pick"
        )
        edit_form = SaveOnceForm(f"people_edit_{chosen.id}")
        data = person_form(
            edit_form,
            name=chosen.name,
            email=chosen.email,
            role=chosen.role,
            team_id=chosen.team_id,
            hire_date=chosen.hire_date,
        )
        if data is not None:
            edit_form.save(
                update_person,
                actor=me,
                person_id=chosen.id,
                data=data,
                expected_version=chosen.version,
                done="Saved.",
            )
        c1, c2 = st.columns(2)
        if c1.button("Set a one-time password", key="people_otp"):
            with db() as session:
                password = set_one_time_password(
                    session, actor=me, person_id=chosen.id, client=client_address()
                )
            st.info(
                f"One-time password for {plain(chosen.name)}: `{password}` — it opens one login "
                "within 24 hours, at which they choose their own password. Any session they had "
                "open has ended. It is shown only now."
            )
        label = "Deactivate" if chosen.active else "Reactivate"
        confirm = c2.checkbox(
            f"Yes, {label.lower()} {widget_label(chosen.name)}", key=f"people_confirm_{chosen.id}"
        )
        if c2.button(label, disabled=not confirm, key="people_toggle"):
            with db() as session:
                set_account_active(session, actor=me, person_id=chosen.id, active=not chosen.active)
            st.success(f"{plain(chosen.name)} is now {'inactive' if chosen.active else 'active'}.")
            st.rerun()

with bulk:
    st.markdown(
        "Columns: name, email, role (agent, team_lead, manager, admin), team (its name), "
        "hire_date (optional, YYYY-MM-DD). Every line is checked first: nothing is added "
        "unless all lines are valid."
    )
    upload = st.file_uploader("People CSV", type=["csv"], key="people_csv")
    if upload is not None and st.button("Import", type="primary", key="people_import"):
        with db() as session:
            result = import_people(session, actor=me, data=upload.getvalue())
        st.success(f"Added {result.added} {'person' if result.added == 1 else 'people'}.")
        if result.ignored_columns:
            st.warning("Ignored columns: " + plain(", ".join(result.ignored_columns)))

with personal:
    personal_data_tab(me, search=search)
