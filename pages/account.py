"""My account: who I am in Headway, and changing my password."""

import streamlit as st

from core.org import get_person
from ui.login import render_password_change
from ui.state import actor, db
from ui.text import plain

me = actor()
st.title("My account")
with db() as session:
    profile = get_person(session, actor=me, person_id=me.id)
st.markdown(f"**{plain(profile.name)}** · {plain(profile.email)}")
st.markdown(
    f"{profile.role.label}" + (f" · {plain(profile.team_name)}" if profile.team_name else "")
)
st.subheader("Change my password")
render_password_change(forced=False)
