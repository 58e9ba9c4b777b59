"""Teams (admin): add and edit teams, their site, lead and staffing floor."""

import streamlit as st

from core.models import Role
from core.people.org import (
    TeamInput,
    create_team,
    list_people,
    list_teams,
    people_labels,
    update_team,
)
from ui.forms import SaveOnceForm
from ui.state import actor, db

me = actor()
st.title("Teams")
with db() as session:
    teams = list_teams(session)
    leads = [p for p in list_people(session, actor=me) if p.role is Role.TEAM_LEAD]
if teams:
    st.dataframe(
        [
            {
                "Team": t.name,
                "Site": t.site,
                "Lead": t.lead_name,
                "Agents": t.size,
                "Staffing floor": t.min_staffed,
            }
            for t in teams
        ],
        hide_index=True,
    )
else:
    st.info("No teams yet: add the first one below.")

add, edit = st.tabs(["Add a team", "Edit a team"])
with add, SaveOnceForm("teams_new") as new_form:
    name = st.text_input("Name")
    site = st.text_input("Site")
    floor = st.number_input("Staffing floor (agents on the phones every day)", min_value=0, step=1)
    if new_form.submitted("Add team", type="primary"):
        new_form.save(
            create_team,
            actor=me,
            data=TeamInput(name, site, None, int(floor)),
            done=lambda created: (
                f"Added {created.name}. Add its people, then choose its lead under “Edit a team”."
            ),
        )

with edit:
    if teams:
        team = st.selectbox("Team", teams, format_func=lambda t: t.name, key="teams_pick")
        candidates = [None, *[p.id for p in leads if p.team_id == team.id]]
        names = people_labels(leads)
        with SaveOnceForm(f"teams_edit_{team.id}") as edit_form:
            name = st.text_input("Name", value=team.name)
            site = st.text_input("Site", value=team.site)
            lead_id = st.selectbox(
                "Lead (a team lead of this team)",
                candidates,
                index=candidates.index(team.lead_id) if team.lead_id in candidates else 0,
                format_func=lambda i: "— none —" if i is None else names[i],
            )
            floor = st.number_input("Staffing floor", min_value=0, step=1, value=team.min_staffed)
            if edit_form.submitted("Save", type="primary"):
                edit_form.save(
                    update_team,
                    actor=me,
                    team_id=team.id,
                    expected_version=team.version,
                    data=TeamInput(name, site, lead_id, int(floor)),
                    done="Saved.",
                )
