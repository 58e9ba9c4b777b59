"""Customer voice (everyone): log what customers tell you, add your contact to a colleague's
insight, see what became of yours, carry themes to departments, and the organisation's themes."""

import streamlit as st

from core.models import ThemeStatus
from core.people.org import list_departments
from core.voice.themes import list_themes
from ui.state import actor, db
from ui.voice import carry, heard_too, log_form, my_voice, propose_form, theme_card
from ui.widgets import choose

me = actor()
st.title("Customer voice")
st.markdown(
    "Every contact tells us something. Log what a customer wanted or said, in a sentence; when "
    "colleagues hear the same, their contacts add up. Leads group them into themes, ambassadors "
    "take the themes to the department that can fix them, and you see here what became of them."
)
VIEWS = ("Log an insight", "To take to a department", "Themes")
view = st.radio("Show", VIEWS, horizontal=True, key="voice_view")
if view == VIEWS[0]:
    log_form(me, key="voice_log")
    with st.expander("Heard it before? Add your contact to a colleague's insight", expanded=True):
        heard_too(me, key="voice_heard")
    with st.expander("A contact reason is missing"):
        propose_form(me)
    st.subheader("Your customers' voice")
    my_voice(me, limit=20)
elif view == VIEWS[1]:
    if not carry(me, key="voice_carry"):
        st.info(
            "Nothing to take to a department for you. Themes appear here for the department "
            "you are an ambassador in this term (or host); team leads and managers carry them "
            "where no ambassador is placed."
        )
else:
    with db() as session:
        departments = {d.id: d.name for d in list_departments(session)}
    c1, c2 = st.columns(2)
    status = choose(
        "State",
        {"": "Any state", **{s.value: s.value.capitalize() for s in ThemeStatus}},
        key="voice_status",
        where=c1,
    )
    department = choose(
        "Department", {0: "Every department", **departments}, key="voice_dept", where=c2
    )
    with db() as session:
        rows = list_themes(
            session,
            actor=me,
            status=ThemeStatus(status) if status else None,
            department_id=department or None,
            limit=50,
        )
    if not rows:
        st.info(
            "No themes here yet. Team leads make themes from the insights agents log "
            "(Customer themes)."
        )
    for theme in rows:
        theme_card(theme, me, key="voice_theme")
