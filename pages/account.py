"""My account: who I am in Headway, changing my password, and logging out everywhere."""

import streamlit as st

from core.people.org import get_person
from ui.login import render_password_change
from ui.state import actor, db, log_out_everywhere_and_restart
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

st.subheader("Log out everywhere")
st.markdown(
    "Ends every session of yours: on other computers and phones, and this one. Use it when you "
    "logged in on a shared computer and forgot to log out, or think someone else is using your "
    "account (then change your password too)."
)
confirmed = st.checkbox(
    "Yes, end all my sessions, this one included", key="account_everywhere_confirm"
)
if st.button("Log out everywhere", disabled=not confirmed, key="account_everywhere"):
    log_out_everywhere_and_restart(me)
